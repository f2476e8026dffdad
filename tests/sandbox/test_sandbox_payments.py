"""Payments (sessions, accounts) and refunds."""

from __future__ import annotations

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import GUEST, Api, assert_error, order_body

PAY = "/api/content/payments"
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


def _session(user: Api, order_id: int) -> dict[str, object]:
    body = {"orderId": order_id, "type": "session", "automaticTaxEnabled": False}
    response = user.post(f"{PAY}/sessions", body)
    assert response.status_code == 201, response.text
    session: dict[str, object] = response.json()
    return session


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
    assert user.get(f"{PAY}/sessions/order/90").json() == session
    listing = {"items": [session], "total": 1}
    assert user.get(f"{PAY}/sessions/", params={"offset": 0, "limit": 30}).json() == listing
    assert user.get(f"{PAY}/sessions").json() == listing


def test_stripe_session_has_a_checkout_url_shown_on_the_order(user: Api) -> None:
    order = user.create_order(order_body(account="stripe"))
    first = _session(user, order["id"])
    assert first["paymentAccountId"] == 2
    assert first["paymentUrl"] == "https://checkout.stripe.test/c/pay/cs_test_47"
    second = _session(user, order["id"])
    assert user.get(f"{PAY}/sessions/order/{order['id']}").json() == second
    entity = user.get(f"/api/content/orders-storage/marker/orders/orders/{order['id']}").json()
    assert entity["paymentUrl"] == "https://checkout.stripe.test/c/pay/cs_test_48"


def test_session_refusals(sb: SandboxServer, user: Api) -> None:
    order = user.create_order()
    assert_error(
        user.get(f"{PAY}/sessions/order/{order['id']}"),
        404,
        f"Session for order {order['id']} not found",
    )
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


def test_update_session(user: Api) -> None:
    order = user.create_order()
    session = _session(user, order["id"])
    url = "https://pay.example/1"
    response = user.put(
        f"{PAY}/sessions/{session['id']}", {"status": "guest_completed", "paymentUrl": url}
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "guest_completed"
    assert updated["paymentUrl"] == url
    assert updated["id"] == session["id"]
    assert user.get(f"{PAY}/sessions/order/{order['id']}").json() == updated


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


def test_refund_request_lifecycle(user: Api) -> None:
    order = user.create_order(order_body(products=[{"productId": 2957, "quantity": 2}]))
    path = f"/api/content/orders/{order['id']}/refund"
    assert user.get(path).json() == []
    assert_error(user.delete(path), 404, "Request not found")
    created = user.post(path, {"products": {"2957": {"quantity": 1}}, "note": "broken"})
    assert created.status_code == 200
    assert created.json() is True
    refunds = user.get(path).json()
    assert len(refunds) == 1
    refund = refunds[0]
    assert refund["id"] == 1
    assert refund["status"] == "new"
    assert refund["amount"] == 150
    assert refund["note"] == "broken"
    assert refund["products"] == {"2957": {"quantity": 1}}
    assert refund["orderId"] == order["id"]
    assert refund["orderStorageId"] == 2
    assert refund["userId"] == 8
    again = user.post(path, {"products": {"2957": {"quantity": 1}}})
    assert_error(again, 400, f"Order {order['id']} already has a pending refund request")
    assert user.delete(path).json() is True
    assert user.get(path).json()[0]["status"] == "canceled"
    assert_error(user.delete(path), 404, "Request not found")
    too_many = user.post(path, {"products": {"2957": {"quantity": 3}}})
    assert_error(too_many, 400, "quantity of product 2957 must be an integer from 1 to 2")
    foreign = user.post(path, {"products": {"14": {"quantity": 1}}})
    assert_error(foreign, 400, f"Product 14 is not in order {order['id']}")


def test_refunds_of_another_users_order_are_404(sb: SandboxServer, user: Api) -> None:
    order = user.create_order()
    guest = Api(sb.base_url, sb.app_token)
    guest.login(*GUEST)
    path = f"/api/content/orders/{order['id']}/refund"
    assert_error(guest.get(path), 404, f"Order {order['id']} not found")
    body = {"products": {"14": {"quantity": 1}}}
    assert_error(guest.post(path, body), 404, f"Order {order['id']} not found")
    guest.close()
