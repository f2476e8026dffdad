"""Refund requests (FIDELITY.md rows R1-R9): only paid orders, one pending request at a time."""

from __future__ import annotations

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import (
    GUEST,
    Api,
    assert_error,
    new_session,
    order_body,
    paid_order,
    provider,
)


def _refund_path(order: dict[str, object]) -> str:
    return f"/api/content/orders/{order['id']}/refund"


def test_an_unpaid_order_cannot_be_refunded(user: Api) -> None:
    cash = user.create_order()
    body = {"products": {"14": {"quantity": 1}}}
    assert_error(user.post(_refund_path(cash), body), 404, "You cannot refund uncompleted order")
    stripe = user.create_order(order_body(account="stripe"))
    session = new_session(user, stripe["id"])
    provider(user, session["id"], "fail")
    refused = user.post(_refund_path(stripe), body)
    assert_error(refused, 404, "You cannot refund uncompleted order")
    assert user.get(_refund_path(stripe)).json() == []


def test_a_paid_cash_order_can_be_refunded(user: Api) -> None:
    order = user.create_order()
    provider(user, new_session(user, order["id"])["id"], "pay")
    assert user.post(_refund_path(order), {"products": {"14": {"quantity": 1}}}).json() is True


def test_refund_request_lifecycle(user: Api) -> None:
    order = paid_order(
        user, order_body(products=[{"productId": 2957, "quantity": 2}], account="stripe")
    )
    path = _refund_path(order)
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
    order = paid_order(user)
    guest = Api(sb.base_url, sb.app_token)
    guest.login(*GUEST)
    path = _refund_path(order)
    assert_error(guest.get(path), 404, f"Order {order['id']} not found")
    body = {"products": {"14": {"quantity": 1}}}
    assert_error(guest.post(path, body), 404, f"Order {order['id']} not found")
    guest.close()


def test_refunds_need_a_bearer(sb: SandboxServer, user: Api) -> None:
    order = paid_order(user)
    anonymous = Api(sb.base_url, sb.app_token)
    assert_error(anonymous.get(_refund_path(order)), 401, "Unauthorized")
    assert_error(
        anonymous.http.get(_refund_path(order), headers={"x-guest-id": "g-1"}),
        401,
        "Unauthorized",
    )
    anonymous.close()
