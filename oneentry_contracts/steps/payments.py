"""Payment sessions for an order, and the order once paid (Payments).

No step here moves a session: on a live project only the payment provider does that (its
callback completes, cancels or expires the session and updates the order). A project with a
test double of the provider drives it with its own steps (this repository's `steps/sandbox.py`).
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config
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


@when(wording.SESSION_BY_ORDER.text, target_fixture="session_by_order")
def session_by_order(placed_order: PlacedOrder, oneentry_api: ContractApi) -> ApiResponse:
    return oneentry_api.call("session_by_order", path={"id": placed_order.id})


@then(parsers.parse(wording.SAME_SESSION.text))
def same_session(status: str, session_by_order: ApiResponse, payment_session: ApiResponse) -> None:
    """The order's sessions (an array, oldest first, on live projects) hold the one opened."""
    sessions: list[dict[str, Any]] = expect_status(session_by_order)
    opened = payment_session.body
    match = [s for s in sessions if s["id"] == opened["id"]]
    assert match, f"no session {opened['id']} among {[s['id'] for s in sessions]}"
    assert match[0]["orderId"] == opened["orderId"]
    assert match[0]["status"] == status, (
        f"session {opened['id']} is {match[0]['status']!r}, not {status!r}"
    )


@then(parsers.parse(wording.ORDER_PAID.text))
def order_paid(status: str, order_read_back: dict[str, Any], oneentry_config: Config) -> None:
    """`isCompleted` is the gateway's word that the order is paid; the provider's completion
    also moves the order to the status the storage maps a completed payment to."""
    assert order_read_back["isCompleted"] is True, (
        f"the order's isCompleted is {order_read_back['isCompleted']!r}, not true"
    )
    expected = oneentry_config.marker(status)
    assert order_read_back["statusIdentifier"] == expected, (
        f"the paid order's status is {order_read_back['statusIdentifier']!r}, not {expected!r}"
    )


@then(wording.ORDER_UNPAID.text)
def order_unpaid(order_read_back: dict[str, Any]) -> None:
    """Until the provider completes a payment, `isCompleted` is `false` (a gateway such as
    stripe) or `null` (a custom account such as cash, never tracked)."""
    assert order_read_back["isCompleted"] is not True, "the order is paid already"
