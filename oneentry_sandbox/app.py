"""The Starlette application: routes, error bodies, the middleware in front.

Every error, including unknown routes (404 `Cannot GET /path`, as NestJS words it), answers
`{"statusCode", "message", "pageData": null, "timestamp"}`. Routes are listed per module:
`routes_auth`, `routes_catalog`, `routes_orders`, `routes_refunds`, `routes_payments`, and
the control API in `control` and `provider` (the payment gateway's webhook). `GET /` is a
health check. Request bodies are parsed by `body.py`; an unexpected exception is a 500 with the
same body (and the connection stays open, see `middleware.py`).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oneentry_sandbox import (
    control,
    provider,
    routes_auth,
    routes_catalog,
    routes_orders,
    routes_payments,
    routes_refunds,
)
from oneentry_sandbox.clock import stamp
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.middleware import SandboxMiddleware
from oneentry_sandbox.state import SandboxState
from oneentry_sandbox.web import state_of
from oneentry_sandbox.wire import error_json

__all__ = ["build_app"]


async def health(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse(
        {
            "status": "ok",
            "name": "oneentry-sandbox",
            "project": state.project.name,
            "deterministic": state.deterministic,
        }
    )


def _error(request: Request, status: int, message: str) -> Response:
    body = error_json(status, message, stamp(state_of(request).clock))
    return JSONResponse(body, status_code=status)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(request, exc.status, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405):
        return _error(request, 404, f"Cannot {request.method} {request.url.path}")
    return _error(request, exc.status_code, str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    return _error(request, 500, "Internal server error")


def _answer_guest_id(app: ASGIApp) -> ASGIApp:
    """Echo the guest id a route used (`web.guest_id`) as the `x-guest-id` response header."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            guest = scope.get("state", {}).get("guest_id")
            if message["type"] == "http.response.start" and guest:
                headers = [*message.get("headers", []), (b"x-guest-id", guest.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, sending if scope["type"] == "http" else send)

    return wrapped


def build_app(state: SandboxState, app_token: str) -> ASGIApp:
    """The complete ASGI app serving `state`, guarded by `app_token`."""
    routes = [
        Route("/", health, methods=["GET"]),
        *control.ROUTES,
        *provider.ROUTES,
        *routes_auth.ROUTES,
        *routes_catalog.ROUTES,
        *routes_orders.ROUTES,
        *routes_refunds.ROUTES,
        *routes_payments.ROUTES,
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.router.redirect_slashes = False
    app.state.sandbox = state
    return SandboxMiddleware(_answer_guest_id(app), state, app_token)
