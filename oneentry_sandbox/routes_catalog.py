"""Forms (`/api/content/forms`, reference §2.4) and one Products call (§2.5).

`GET /api/content/products/{id}?signPrice=<storage marker>` adds `signedPrice`, an
HMAC-signed token binding the product id, its current price and the storage marker (plus an
expiry when `signed_price_ttl_sec` is set). An unknown storage marker in `signPrice` is a 400.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.tokens import PriceClaims, sign_price
from oneentry_sandbox.web import ok, page, path_id, state_of
from oneentry_sandbox.wire import form_json, product_json

__all__ = ["ROUTES"]


async def forms(request: Request) -> Response:
    offset, limit = page(request)
    all_forms = state_of(request).project.forms
    items = [form_json(f) for f in all_forms[offset : offset + limit]]
    return ok({"items": items, "total": len(all_forms)})


async def form(request: Request) -> Response:
    marker = request.path_params["marker"]
    found = state_of(request).project.form(marker)
    if found is None:
        raise ApiError(404, f"Form '{marker}' not found")
    return ok(form_json(found))


async def product(request: Request) -> Response:
    state = state_of(request)
    product_id = path_id(request, "id", "Product")
    found = state.project.product(product_id)
    if found is None:
        raise ApiError(404, f"Product {product_id} not found")
    storage = request.query_params.get("signPrice")
    with state.lock:
        price = state.prices[product_id]
        signed = None
        if storage:
            if state.project.storage(storage) is None:
                raise ApiError(400, f"signPrice '{storage}' is not an order storage marker")
            ttl = state.project.signed_price_ttl_sec
            exp = None if ttl is None else int(state.clock.now().timestamp()) + ttl
            claims = PriceClaims(product_id, price, storage, exp)
            signed = sign_price(state.project.secret, claims)
    return ok(product_json(found, price, signed))


ROUTES = [
    Route("/api/content/forms", forms, methods=["GET"]),
    Route("/api/content/forms/marker/{marker}", form, methods=["GET"]),
    Route("/api/content/products/{id}", product, methods=["GET"]),
]
