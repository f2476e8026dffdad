"""Payments: sessions and accounts (FIDELITY.md rows P*)."""

from __future__ import annotations

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import GUEST, PAY, Api, assert_error, new_session, order_body

SESSION_KEYS = {
    "id",
    "createdDate",
    "updatedDate",
    "type",
    "status",
    "paymentAccountId",
    "orderId",
    "paymentUrl",
    "amount",
}


_session = new_session


def test_cash_session_matches_seed000(user: Api) -> None:
    order = user.create_order()
    session = _session(user, order["id"])
    assert set(session) == SESSION_KEYS
    assert session["id"] == 47
    assert session["orderId"] == 90
    assert session["status"] == "waiting"
    assert session["type"] == "session"
    assert session["paymentAccountId"] == 1
    assert session["paymentUrl"] is None
    assert session["amount"] == 340
    assert session["createdDate"] == session["updatedDate"]
    assert user.get(f"{PAY}/sessions/47").json() == session
    assert user.get(f"{PAY}/sessions/order/90").json() == [session]  # an array (P2)
    listing = {"items": [session], "total": 1}
    assert user.get(f"{PAY}/sessions/", params={"offset": 0, "limit": 30}).json() == listing
    assert user.get(f"{PAY}/sessions").json() == listing


def test_stripe_session_has_a_checkout_url_shown_on_the_order(user: Api) -> None:
    order = user.create_order(order_body(account="stripe"))
    first = _session(user, order["id"])
    assert first["paymentAccountId"] == 2
    assert first["paymentUrl"] == "https://checkout.stripe.test/c/pay/cs_test_47"
    second = _session(user, order["id"])
    both = user.get(f"{PAY}/sessions/order/{order['id']}").json()
    # a second session cancels the waiting first one (P6); oldest first (P3)
    assert [(s["id"], s["status"]) for s in both] == [(47, "canceled"), (48, "waiting")]
    assert both[1] == second
    entity = user.get(f"/api/content/orders-storage/marker/orders/orders/{order['id']}").json()
    assert entity["paymentUrl"] == "https://checkout.stripe.test/c/pay/cs_test_48"


def test_session_refusals(sb: SandboxServer, user: Api) -> None:
    order = user.create_order()
    assert user.get(f"{PAY}/sessions/order/{order['id']}").json() == []  # none yet: [] (P2)
    bad = user.post(f"{PAY}/sessions", {"orderId": order["id"], "type": "card"})
    assert_error(bad, 400, "type must be 'session' or 'intent', got 'card'")
    assert_error(
        user.post(f"{PAY}/sessions", {"orderId": 12345, "type": "session"}),
        404,
        "Order 12345 not found",
    )
    _session(user, order["id"])
    guest = Api(sb.base_url, sb.app_token)
    guest.login(*GUEST)
    assert_error(guest.get(f"{PAY}/sessions/47"), 404, "Session 47 not found")
    assert guest.get(f"{PAY}/sessions/").json() == {"items": [], "total": 0}
    guest.close()
    user.token = ""
    assert_error(user.get(f"{PAY}/sessions/"), 401, "Unauthorized")


def test_put_on_a_session_is_an_unknown_route(user: Api) -> None:
    """Sessions change through the payment provider only (P5): the content API has no PUT."""
    order = user.create_order()
    session = _session(user, order["id"])
    path = f"{PAY}/sessions/{session['id']}"
    response = user.put(path, {"status": "guest_completed", "paymentUrl": "https://pay.example/1"})
    assert_error(response, 404, f"Cannot PUT {path}")
    assert user.get(path).json() == session


def test_accounts(user: Api) -> None:
    accounts = user.get(f"{PAY}/accounts").json()
    assert [(a["id"], a["identifier"], a["type"]) for a in accounts] == [
        (1, "cash", "custom"),
        (2, "stripe", "stripe"),
        (3, "paypal", "custom"),
    ]
    assert user.get(f"{PAY}/accounts/1").json() == {
        "id": 1,
        "identifier": "cash",
        "isVisible": True,
        "localizeInfos": {"title": "Cash"},
        "type": "custom",
        "isUsed": True,
        "testMode": True,
        "settings": {"status": "connected"},
        "testSettings": {"status": "connected"},
        "updatedDate": "2025-02-25T08:55:43.957Z",
    }
    assert_error(user.get(f"{PAY}/accounts/99"), 404, "Payment account 99 not found")
