"""Refund routes: `GET/POST/DELETE /api/content/orders/{id}/refund` (reference §2.2).

Evidence for each rule: FIDELITY.md rows R1-R9.
- Only a paid order (a session completed, `isCompleted: true`) may be refunded; any other
  answers 404 "You cannot refund uncompleted order" (observed live).
- Body `{"products": {"<productId>": {"quantity": n}}, "note"?}`; every product must be on the
  order and the quantity an integer from 1 up to the ordered quantity not yet refunded by
  another live request. One pending request (`status: "new"`) per order at a time.
- DELETE cancels the pending request (its status becomes `"canceled"`); with none pending it
  answers 404 "Request not found". Create and cancel answer JSON `true`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.state import Order, Refund, SandboxState
from oneentry_sandbox.web import caller, json_body, ok, owned, path_id, state_of
from oneentry_sandbox.wire import refund_json

__all__ = ["ROUTES"]

_PATH = "/api/content/orders/{id}/refund"


def _own_order(state: SandboxState, request: Request, user_id: int) -> Order:
    return owned(state.orders, path_id(request, "id", "Order"), user_id, "Order")


def _requested(order: Order, body: object, refunded: Mapping[int, int]) -> dict[str, int]:
    if not isinstance(body, Mapping) or not isinstance(body.get("products"), Mapping):
        raise ApiError(400, 'products must be an object {"<productId>": {"quantity": n}}')
    if not body["products"]:
        raise ApiError(400, "products must not be empty")
    ordered = {line.product_id: line.quantity for line in order.lines}
    chosen: dict[str, int] = {}
    for key, item in body["products"].items():
        product_id = int(key) if key.isascii() and key.isdigit() and len(key) < 19 else None
        if product_id is None or product_id not in ordered:
            raise ApiError(400, f"Product {key} is not in order {order.id}")
        quantity = item.get("quantity") if isinstance(item, Mapping) else None
        left = ordered[product_id] - refunded.get(product_id, 0)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= left:
            raise ApiError(
                400, f"quantity of product {product_id} must be an integer from 1 to {left}"
            )
        chosen[str(product_id)] = quantity
    return chosen


async def refunds(request: Request) -> Response:
    user = caller(request)
    state = state_of(request)
    with state.lock:
        order = _own_order(state, request, user.id)
        mine = [r for r in state.refunds.values() if r.order_id == order.id]
        return ok([refund_json(r) for r in sorted(mine, key=lambda r: r.id)])


async def create_refund(request: Request) -> Response:
    user = caller(request)
    state = state_of(request)
    body = await json_body(request)
    with state.lock:
        order = _own_order(state, request, user.id)
        storage = state.project.storage(order.storage)
        assert storage is not None
        if order.paid is not True:
            raise ApiError(404, "You cannot refund uncompleted order")
        live = [
            r for r in state.refunds.values() if r.order_id == order.id and r.status != "canceled"
        ]
        if any(r.status == "new" for r in live):
            raise ApiError(400, f"Order {order.id} already has a pending refund request")
        refunded: dict[int, int] = {}
        for r in live:
            for pid, qty in r.products.items():
                refunded[int(pid)] = refunded.get(int(pid), 0) + qty
        chosen = _requested(order, body, refunded)
        prices = {line.product_id: line.price for line in order.lines}
        amount = sum((prices[int(pid)] * qty for pid, qty in chosen.items()), Decimal(0))
        note = body.get("note") if isinstance(body, Mapping) else None
        refund = Refund(
            id=state.next_id("refund"),
            order_id=order.id,
            storage_id=storage.id,
            user_id=user.id,
            status="new",
            amount=amount,
            note=note if isinstance(note, str) else "",
            products=chosen,
            created=state.clock.now(),
        )
        state.refunds[refund.id] = refund
    return ok(True)


async def cancel_refund(request: Request) -> Response:
    user = caller(request)
    state = state_of(request)
    with state.lock:
        order = _own_order(state, request, user.id)
        pending = [
            r for r in state.refunds.values() if r.order_id == order.id and r.status == "new"
        ]
        if not pending:
            raise ApiError(404, "Request not found")
        for refund in pending:
            state.refunds[refund.id] = replace(refund, status="canceled")
    return ok(True)


ROUTES = [
    Route(_PATH, refunds, methods=["GET"]),
    Route(_PATH, create_refund, methods=["POST"]),
    Route(_PATH, cancel_refund, methods=["DELETE"]),
]
