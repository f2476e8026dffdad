"""Payment sessions for an order (Payments)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.shop.values import PlacedOrder
from oneentry_contracts.steps import wording


@when(wording.OPEN_SESSION.text, target_fixture="payment_session")
def open_session(placed_order: PlacedOrder, oneentry_api: ContractApi) -> ApiResponse:
    body = {"orderId": placed_order.id, "type": "session", "automaticTaxEnabled": False}
    return oneentry_api.call("create_session", json=body)


@then(wording.SESSION_WAITING.text)
def session_waiting(payment_session: ApiResponse, placed_order: PlacedOrder) -> None:
    session = expect_status(payment_session)
    assert session["orderId"] == placed_order.id, (
        f"the session is for order {session['orderId']}, not {placed_order.id}"
    )
    assert session["status"] == "waiting"
    assert session["type"] == "session"


@when(
    parsers.parse(wording.MARK_SESSION.text),
    target_fixture="updated_session",
)
def mark_session(
    status: str, payment_session: ApiResponse, oneentry_api: ContractApi
) -> ApiResponse:
    session = expect_status(payment_session)
    body = {"status": status, "paymentUrl": session["paymentUrl"]}
    return oneentry_api.call("update_session", path={"id": session["id"]}, json=body)


@then(parsers.parse(wording.SESSION_HAS_STATUS.text))
def session_has_status(
    status: str, updated_session: ApiResponse, payment_session: ApiResponse
) -> None:
    session = expect_status(updated_session)
    assert session["id"] == payment_session.body["id"]
    assert session["status"] == status


@when(wording.SESSION_BY_ORDER.text, target_fixture="session_by_order")
def session_by_order(placed_order: PlacedOrder, oneentry_api: ContractApi) -> ApiResponse:
    return oneentry_api.call("session_by_order", path={"id": placed_order.id})


@then(parsers.parse(wording.SAME_SESSION.text))
def same_session(status: str, session_by_order: ApiResponse, payment_session: ApiResponse) -> None:
    found: Any = expect_status(session_by_order)
    sessions = found if isinstance(found, list) else [found]
    opened = payment_session.body
    match = [s for s in sessions if s["id"] == opened["id"]]
    assert match, f"no session {opened['id']} among {[s['id'] for s in sessions]}"
    assert match[0]["orderId"] == opened["orderId"]
    assert match[0]["status"] == status
