"""AuthProvider routes under `/api/content/users-auth-providers` (reference §2.1)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox import auth
from oneentry_sandbox.web import caller, json_body, ok, page, state_of
from oneentry_sandbox.wire import provider_json

__all__ = ["ROUTES"]

_PREFIX = "/api/content/users-auth-providers"


async def log_in(request: Request) -> Response:
    body = await json_body(request)
    device = request.headers.get("x-device-metadata")
    return ok(auth.log_in(state_of(request), request.path_params["marker"], body, device))


async def refresh(request: Request) -> Response:
    body = await json_body(request)
    device = request.headers.get("x-device-metadata")
    return ok(auth.refresh(state_of(request), request.path_params["marker"], body, device))


async def log_out(request: Request) -> Response:
    user = caller(request)
    body = await json_body(request)
    authorization = request.headers.get("authorization", "")
    marker = request.path_params["marker"]
    return ok(auth.log_out(state_of(request), marker, user, authorization, body))


async def log_out_all(request: Request) -> Response:
    user = caller(request)
    return ok(auth.log_out_all(state_of(request), request.path_params["marker"], user))


async def sign_up(request: Request) -> Response:
    body = await json_body(request)
    return ok(auth.sign_up(state_of(request), request.path_params["marker"], body))


async def provider(request: Request) -> Response:
    found = auth.provider_or_404(state_of(request), request.path_params["marker"])
    return ok(provider_json(found))


async def providers(request: Request) -> Response:
    offset, limit = page(request)
    items = state_of(request).project.providers[offset : offset + limit]
    return ok([provider_json(p) for p in items])


ROUTES = [
    Route(_PREFIX, providers, methods=["GET"]),
    Route(_PREFIX + "/marker/{marker}", provider, methods=["GET"]),
    Route(_PREFIX + "/marker/{marker}/users/auth", log_in, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}/users/refresh", refresh, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}/users/logout", log_out, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}/users/logout-all", log_out_all, methods=["POST"]),
    Route(_PREFIX + "/marker/{marker}/users/sign-up", sign_up, methods=["POST"]),
]
