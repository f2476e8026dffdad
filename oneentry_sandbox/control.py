"""The control API under `/__sandbox/`: loopback only, no app token, never faulted.

| call | body | effect |
|---|---|---|
| `GET /__sandbox/state` | | counts of users, logins, orders, sessions, refunds; clock; faults |
| `POST /__sandbox/reset` | | back to the project file's initial state |
| `GET /__sandbox/faults` | | the live fault rules |
| `POST /__sandbox/faults` | a rule (see `faults.py`) | adds it; 201 with the rule |
| `DELETE /__sandbox/faults` | | removes every rule |
| `POST /__sandbox/clock` | `{"advance_sec": n}` | moves the clock forward; answers `{"now"}` |
| `PUT /__sandbox/products/{id}` | `{"price": n}` | changes the current price of a product |
| `POST /__sandbox/sessions/{id}/{action}` | | `action`: pay, fail, expire (`provider.py`) |

Values that would leave the state broken until a reset are a 400 and change nothing: bodies
refused by `body.py` (NaN, Infinity, lone surrogates, ...), a price outside 0..`MAX_PRICE`, a
clock advance past `clock.LATEST`, a fault rule whose answer could not be sent (see `faults.py`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.clock import LATEST, iso
from oneentry_sandbox.config import MAX_PRICE
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.faults import RuleError, parse_rule
from oneentry_sandbox.web import json_body, ok, path_id, state_of
from oneentry_sandbox.wire import money

__all__ = ["ROUTES"]

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _local(request: Request) -> None:
    if request.client is None or request.client.host not in _LOOPBACK:
        raise ApiError(403, "The control API answers loopback clients only")


async def summary(request: Request) -> Response:
    _local(request)
    return ok(state_of(request).summary())


async def reset(request: Request) -> Response:
    _local(request)
    state_of(request).reset()
    return ok(state_of(request).summary())


async def faults(request: Request) -> Response:
    _local(request)
    return ok([rule.as_json() for rule in state_of(request).faults.rules()])


async def add_fault(request: Request) -> Response:
    _local(request)
    try:
        rule = parse_rule(await json_body(request))
    except RuleError as exc:
        raise ApiError(400, f"fault rule: {exc.key}: {exc.problem}") from None
    state_of(request).faults.add(rule)
    return ok(rule.as_json(), status=201)


async def clear_faults(request: Request) -> Response:
    _local(request)
    state_of(request).faults.clear()
    return ok(True)


async def clock(request: Request) -> Response:
    _local(request)
    body = await json_body(request)
    seconds = body.get("advance_sec") if isinstance(body, Mapping) else None
    if (
        not isinstance(seconds, int | float)
        or isinstance(seconds, bool)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ApiError(400, 'body must be {"advance_sec": <non-negative number>}')
    state = state_of(request)
    try:
        state.clock.advance(float(seconds))
    except ValueError:
        raise ApiError(
            400,
            f"advance_sec {seconds} would move the clock past {iso(LATEST)}; "
            "advance by less (POST /__sandbox/reset puts the clock back)",
        ) from None
    return ok({"now": iso(state.clock.now())})


async def set_price(request: Request) -> Response:
    _local(request)
    state = state_of(request)
    product_id = path_id(request, "id", "Product")
    if state.project.product(product_id) is None:
        raise ApiError(404, f"Product {product_id} not found")
    body = await json_body(request)
    raw = body.get("price") if isinstance(body, Mapping) else None
    valid = isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)
    price = Decimal(str(raw)) if valid else None
    if price is None or not 0 <= price <= MAX_PRICE:
        raise ApiError(400, f'body must be {{"price": <a number from 0 to {MAX_PRICE}>}}')
    with state.lock:
        state.prices[product_id] = price
    return ok({"id": product_id, "price": money(price)})


ROUTES = [
    Route("/__sandbox/state", summary, methods=["GET"]),
    Route("/__sandbox/reset", reset, methods=["POST"]),
    Route("/__sandbox/faults", faults, methods=["GET"]),
    Route("/__sandbox/faults", add_fault, methods=["POST"]),
    Route("/__sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/__sandbox/clock", clock, methods=["POST"]),
    Route("/__sandbox/products/{id}", set_price, methods=["PUT"]),
]
