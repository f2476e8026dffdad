"""The payment provider played through the control API (FIDELITY.md rows P9-P14, O7-O10)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oneentry_sandbox import SandboxServer
from oneentry_sandbox.loader import default_project
from tests.sandbox.sandbox_kit import (
    PAY,
    REGISTERED,
    STORAGE,
    Api,
    assert_error,
    new_session,
    order_body,
    provider,
)

ORDERS = f"{STORAGE}/marker/orders/orders"


def test_a_stripe_order_is_unpaid_until_the_provider_pays(user: Api) -> None:
    order = user.create_order(order_body(account="stripe"))
    assert "isCompleted" not in order  # the create answer has no isCompleted (O8)
    assert user.get(f"{ORDERS}/{order['id']}").json()["isCompleted"] is False
    session = new_session(user, order["id"])
    paid = provider(user, session["id"], "pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["session"]["status"] == "completed"
    entity = user.get(f"{ORDERS}/{order['id']}").json()
    assert entity["isCompleted"] is True
    assert entity["statusIdentifier"] == "paid_for"  # payment_statuses.completed (P10)
    assert paid.json()["order"] == entity
    listed = user.get(f"{PAY}/sessions/order/{order['id']}").json()
    assert [s["status"] for s in listed] == ["completed"]


def test_a_cash_order_is_never_tracked(user: Api) -> None:
    order = user.create_order()
    assert user.get(f"{ORDERS}/{order['id']}").json()["isCompleted"] is None  # O7
    session = new_session(user, order["id"])
    assert session["paymentUrl"] is None  # P4: custom accounts have no checkout URL
    assert user.get(f"{ORDERS}/{order['id']}").json()["isCompleted"] is None


@pytest.mark.parametrize(("action", "status"), [("fail", "canceled"), ("expire", "expired")])
def test_failed_or_expired_sessions_leave_the_order_unpaid(
    user: Api, action: str, status: str
) -> None:
    order = user.create_order(order_body(account="stripe"))
    session = new_session(user, order["id"])
    moved = provider(user, session["id"], action)
    assert moved.status_code == 200, moved.text
    assert moved.json()["session"]["status"] == status
    entity = user.get(f"{ORDERS}/{order['id']}").json()
    assert entity["isCompleted"] is False
    assert entity["statusIdentifier"] == "inProgress"  # unmapped in the default project
    # the shop's retry: a new session is waiting again (P6)
    assert new_session(user, order["id"])["status"] == "waiting"


def test_only_a_waiting_session_moves(user: Api) -> None:
    order = user.create_order(order_body(account="stripe"))
    first = new_session(user, order["id"])
    new_session(user, order["id"])  # cancels the first
    assert_error(
        provider(user, first["id"], "pay"), 409, f"Session {first['id']} is canceled, not waiting"
    )
    assert_error(provider(user, 9999, "pay"), 404, "Session 9999 not found")
    assert_error(
        provider(user, first["id"], "refund"),
        404,
        "Unknown provider action 'refund' (known: pay, fail, expire)",
    )


def test_payment_statuses_map_every_session_status() -> None:
    project = default_project()
    storages = tuple(
        replace(s, payment_statuses={"completed": "completed", "canceled": "canceled"})
        for s in project.storages
    )
    server = SandboxServer("tok", project=replace(project, storages=storages)).start()
    try:
        api = Api(server.base_url, "tok")
        api.login(*REGISTERED)
        order = api.create_order(order_body(account="stripe"))
        session = new_session(api, order["id"])
        provider(api, session["id"], "fail")
        assert api.get(f"{ORDERS}/{order['id']}").json()["statusIdentifier"] == "canceled"
        provider(api, new_session(api, order["id"])["id"], "pay")
        entity = api.get(f"{ORDERS}/{order['id']}").json()
        assert (entity["statusIdentifier"], entity["isCompleted"]) == ("completed", True)
        api.close()
    finally:
        server.stop()


def test_an_account_that_is_not_connected() -> None:
    project = default_project()
    accounts = tuple(
        replace(a, connected=False) if a.identifier == "stripe" else a for a in project.accounts
    )
    server = SandboxServer("tok", project=replace(project, accounts=accounts)).start()
    try:
        api = Api(server.base_url, "tok")
        api.login(*REGISTERED)
        account = api.get(f"{PAY}/accounts/2").json()
        assert account["settings"] == {"status": "not_connected"}  # P7
        order = api.create_order(order_body(account="stripe"))
        refused = api.post(f"{PAY}/sessions", {"orderId": order["id"], "type": "session"})
        assert_error(refused, 400, "Your payment account is not connected")  # P8
        assert api.get(f"{PAY}/sessions/order/{order['id']}").json() == []
        api.close()
    finally:
        server.stop()


def test_a_fractional_total_breaks_session_creation(sb: SandboxServer, user: Api) -> None:
    """P15: live, createSession 500s on a fractional order total."""
    price = user.http.put("/__sandbox/products/14", json={"price": 9.5})
    assert price.status_code == 200, price.text
    order = user.create_order(order_body(account="stripe"))
    response = user.post(f"{PAY}/sessions", {"orderId": order["id"], "type": "session"})
    assert_error(response, 500, "Internal server error")
    assert user.get(f"{PAY}/sessions/order/{order['id']}").json() == []


def test_updating_an_order_cancels_its_waiting_session(user: Api) -> None:
    order = user.create_order(order_body(account="stripe"))
    session = new_session(user, order["id"])
    assert user.put(f"{ORDERS}/{order['id']}", order_body(account="stripe")).status_code == 200
    listed = user.get(f"{PAY}/sessions/order/{order['id']}").json()
    assert [(s["id"], s["status"]) for s in listed] == [(session["id"], "canceled")]


def test_a_paid_order_cannot_be_updated(user: Api) -> None:
    """O18: the live refusal when a paid order is changed (e.g. cancelled)."""
    order = user.create_order(order_body(account="stripe"))
    session = new_session(user, order["id"])
    provider(user, session["id"], "pay")
    refused = user.put(f"{ORDERS}/{order['id']}", order_body(account="stripe"))
    assert_error(
        refused,
        400,
        f"Can't update the order. Payment sessions {session['id']} could not be canceled "
        "— the order may have been paid.",
    )
