"""Orders routes under `/api/content/orders-storage` (reference §2.2).

An order is visible only to the user who created it: another user's order id answers
404 "Order <id> not found" (the same as a non-existent id, so ids do not leak), and lists
hold only the caller's orders. An unknown storage marker in the path is a 404.
A guest (`x-guest-id`, no Bearer) may create, read, list and preview orders on storages with
`allow_guests`; elsewhere it is 401 (FIDELITY.md G1-G8). `isCompleted` follows the payment
gateway: `null` for custom accounts, `false` for stripe until a session completes (O7-O10).
Update (PUT) re-validates the whole body like create, keeps id, creation date and status
(unless the body carries a valid `statusIdentifier`), and answers the CreatedOrder shape.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.config import Storage
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.orders import check_order_body, price_lines
from oneentry_sandbox.state import Order, SandboxState
from oneentry_sandbox.web import (
    buyer,
    caller,
    guest_id,
    json_body,
    ok,
    owned,
    page,
    path_id,
    state_of,
)
from oneentry_sandbox.wire import created_order_json, money, order_json, status_json, storage_json

__all__ = ["ROUTES"]

_PREFIX = "/api/content/orders-storage"


def _storage(state: SandboxState, request: Request) -> Storage:
    marker = request.path_params["marker"]
    found = state.project.storage(marker)
    if found is None:
        raise ApiError(404, f"Order storage '{marker}' not found")
    return found


def _own_order(state: SandboxState, request: Request, user_id: int, storage: Storage) -> Order:
    order_id = path_id(request, "id", "Order")
    order = owned(state.orders, order_id, user_id, "Order")
    if order.storage != storage.identifier:
        raise ApiError(404, f"Order {order_id} not found")
    return order


def _is_stripe(state: SandboxState, identifier: str) -> bool:
    account = state.project.account(identifier)
    return account is not None and account.type == "stripe"


async def storages(request: Request) -> Response:
    caller(request)
    offset, limit = page(request)
    items = state_of(request).project.storages[offset : offset + limit]
    return ok([storage_json(s) for s in items])


async def storage(request: Request) -> Response:
    caller(request)
    return ok(storage_json(_storage(state_of(request), request)))


async def orders(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    found = _storage(state, request)
    offset, limit = page(request)
    with state.lock:
        mine = [
            o for o in sorted(state.orders.values(), key=lambda o: o.id)
            if o.user_id == owner and o.storage == found.identifier
        ]  # fmt: skip
        items = [order_json(state, o) for o in mine[offset : offset + limit]]
    return ok({"items": items, "total": len(mine)})


async def order(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    found = _storage(state, request)
    with state.lock:
        return ok(order_json(state, _own_order(state, request, owner, found)))


async def create_order(request: Request) -> Response:
    state = state_of(request)
    guest = guest_id(request)
    owner = buyer(request)
    found = _storage(state, request)
    if guest is not None and not found.allow_guests:
        raise ApiError(401, "Unauthorized")
    draft = check_order_body(state, found, await json_body(request))
    with state.lock:
        created = Order(
            id=state.next_id("order"),
            storage=found.identifier,
            user_id=owner,
            form_identifier=draft.form_identifier,
            account=draft.account,
            form_data=draft.form_data,
            lines=draft.lines,
            status=draft.status or found.default_status.identifier,
            created=state.clock.now(),
            paid=False if _is_stripe(state, draft.account) else None,
            guest_id=guest,
        )
        state.orders[created.id] = created
    return ok(created_order_json(created, state.project.currency))


async def update_order(request: Request) -> Response:
    user = caller(request)
    state = state_of(request)
    found = _storage(state, request)
    body = await json_body(request)
    with state.lock:
        current = _own_order(state, request, user.id, found)
    draft = check_order_body(state, found, body)
    with state.lock:
        current = _own_order(state, request, user.id, found)
        _cancel_sessions(state, current)
        updated = replace(
            current,
            account=draft.account,
            form_data=draft.form_data,
            lines=draft.lines,
            status=draft.status or current.status,
            paid=current.paid or (False if _is_stripe(state, draft.account) else None),
        )
        state.orders[updated.id] = updated
    return ok(created_order_json(updated, state.project.currency))


def _cancel_sessions(state: SandboxState, order: Order) -> None:
    """An update cancels the order's waiting sessions; a paid one refuses it (FIDELITY O18)."""
    mine = [s for s in state.sessions.values() if s.order_id == order.id]
    paid = [str(s.id) for s in mine if s.status == "completed"]
    if paid:
        raise ApiError(
            400,
            f"Can't update the order. Payment sessions {', '.join(paid)} could not be "
            "canceled — the order may have been paid.",
        )
    now = state.clock.now()
    for session in mine:
        if session.status == "waiting":
            state.sessions[session.id] = replace(session, status="canceled", updated=now)


async def preview(request: Request) -> Response:
    buyer(request)
    state = state_of(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object")
    coupon = body.get("couponCode")
    if coupon:
        raise ApiError(400, f"Coupon '{coupon}' not found or expired")
    with state.lock:
        lines = price_lines(state, None, body.get("products", []), allow_empty=True)
    total = sum((line.price * line.quantity for line in lines), Decimal(0))
    return ok(
        {
            "totalSum": money(total),
            "totalSumWithDiscount": money(total),
            "bonusApplied": 0,
            "totalDue": money(total),
            "currency": state.project.currency,
            "discountConfig": {
                "orderDiscounts": [],
                "productDiscounts": [],
                "coupon": None,
                "bonus": None,
                "settings": {"allowGiftStacking": False, "allowStacking": False,
                             "maxDiscountValue": None},
            },
            "orderPreview": [
                {"id": line.product_id, "price": money(line.price), "quantity": line.quantity,
                 "discountPrice": None, "isGift": False}
                for line in lines
            ],
        }
    )  # fmt: skip


async def statuses(request: Request) -> Response:
    state = state_of(request)
    found = _storage(state, request)
    offset, limit = page(request)
    with state.lock:
        used = {o.status for o in state.orders.values() if o.storage == found.identifier}
    chosen = found.statuses[offset : offset + limit]
    return ok([status_json(s, s.identifier in used) for s in chosen])


ROUTES = [
    Route(_PREFIX, storages, methods=["GET"]),
    Route(_PREFIX + "/orders/preview", preview, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}", storage, methods=["GET"]),
    Route(_PREFIX + "/marker/{marker}/orders", orders, methods=["GET"]),
    Route(_PREFIX + "/marker/{marker}/orders", create_order, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}/orders/{id}", order, methods=["GET"]),
    Route(_PREFIX + "/marker/{marker}/orders/{id}", update_order, methods=["PUT"]),
    Route(_PREFIX + "/marker/{marker}/order-statuses", statuses, methods=["GET"]),
]
