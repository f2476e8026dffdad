"""Payments routes under `/api/content/payments` (reference §2.3; evidence in FIDELITY.md P*).

- createSession answers 201 with the session: `status "waiting"`, `paymentAccountId` = the
  order's account, `amount` = the order total, `paymentUrl` null for custom accounts and
  `https://checkout.stripe.test/c/pay/cs_test_<id>` for stripe ones (an `intent` on stripe gets
  `clientSecret` and no URL). A new session cancels the order's waiting one (`"canceled"`).
  An account whose provider is not connected refuses: 400 (FIDELITY.md P8); an order with a
  fractional total: 500, as live projects do (P15).
- getSessionByOrderId answers an ARRAY of the order's sessions, oldest first; `[]` if none.
- There is no content-API route that changes a session: sessions move through the payment
  provider, emulated by the control API (`provider.py`). `PUT /sessions/{id}` is an unknown
  route (404 "Cannot PUT ...").
- Sessions, like orders, are visible only to their owner (404 otherwise); a guest owns the
  sessions of the orders it placed with the same `x-guest-id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.state import PaymentSession, SandboxState
from oneentry_sandbox.web import buyer, caller, json_body, ok, owned, page, path_id, state_of
from oneentry_sandbox.wire import account_json, session_json

__all__ = ["ROUTES"]

_PREFIX = "/api/content/payments"


def _own_session(state: SandboxState, request: Request, user_id: int) -> PaymentSession:
    return owned(state.sessions, path_id(request, "id", "Session"), user_id, "Session")


async def sessions(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    offset, limit = page(request)
    with state.lock:
        mine = sorted(
            (s for s in state.sessions.values() if s.user_id == owner), key=lambda s: s.id
        )
        items = [session_json(s) for s in mine[offset : offset + limit]]
    return ok({"items": items, "total": len(mine)})


async def session(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    with state.lock:
        return ok(session_json(_own_session(state, request, owner)))


async def session_by_order(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    order_id = path_id(request, "id", "Order")
    with state.lock:
        owned(state.orders, order_id, owner, "Order")
        mine = sorted(
            (s for s in state.sessions.values() if s.order_id == order_id), key=lambda s: s.id
        )
        return ok([session_json(s) for s in mine])


async def create_session(request: Request) -> Response:
    owner = buyer(request)
    state = state_of(request)
    body = await json_body(request)
    if not isinstance(body, Mapping):
        raise ApiError(400, "Request body must be a JSON object")
    order_id, kind = body.get("orderId"), body.get("type", "session")
    if not isinstance(order_id, int) or isinstance(order_id, bool):
        raise ApiError(400, "orderId must be an integer")
    if kind not in ("session", "intent"):
        raise ApiError(400, f"type must be 'session' or 'intent', got {kind!r}")
    tax = body.get("automaticTaxEnabled", False)
    if not isinstance(tax, bool):
        raise ApiError(400, "automaticTaxEnabled must be a boolean")
    with state.lock:
        order = owned(state.orders, order_id, owner, "Order")
        account = state.project.account(order.account)
        assert account is not None
        if not account.connected:
            raise ApiError(400, "Your payment account is not connected")
        if order.total != order.total.to_integral_value():  # as live (FIDELITY.md P15)
            raise ApiError(500, "Internal server error")
        now = state.clock.now()
        for previous in list(state.sessions.values()):
            if previous.order_id == order.id and previous.status == "waiting":
                state.sessions[previous.id] = replace(previous, status="canceled", updated=now)
        session_id = state.next_id("session")
        stripe = account.type == "stripe"
        url = f"https://checkout.stripe.test/c/pay/cs_test_{session_id}"
        created = PaymentSession(
            id=session_id,
            order_id=order.id,
            user_id=owner,
            type=str(kind),
            status="waiting",
            account_id=account.id,
            payment_url=url if stripe and kind == "session" else None,
            amount=order.total,
            created=now,
            updated=now,
            client_secret=f"pi_test_{session_id}_secret" if stripe and kind == "intent" else None,
        )
        state.sessions[created.id] = created
    return ok(session_json(created), status=201)


async def accounts(request: Request) -> Response:
    caller(request)
    return ok([account_json(a) for a in state_of(request).project.accounts])


async def account(request: Request) -> Response:
    caller(request)
    account_id = path_id(request, "id", "Payment account")
    found = state_of(request).project.account_by_id(account_id)
    if found is None:
        raise ApiError(404, f"Payment account {account_id} not found")
    return ok(account_json(found))


ROUTES = [
    Route(_PREFIX + "/sessions/", sessions, methods=["GET"]),
    Route(_PREFIX + "/sessions", sessions, methods=["GET"]),
    Route(_PREFIX + "/sessions", create_session, methods=["POST"]),
    Route(_PREFIX + "/sessions/order/{id}", session_by_order, methods=["GET"]),
    Route(_PREFIX + "/sessions/{id}", session, methods=["GET"]),
    Route(_PREFIX + "/accounts", accounts, methods=["GET"]),
    Route(_PREFIX + "/accounts/{id}", account, methods=["GET"]),
]
