"""The ASGI layer in front of the routes: clock tick, faults, app token, device metadata.

For every HTTP request, in this order:
1. `/__sandbox/...` (control API) and `GET /` (health) go straight to the routes (so
   readiness polls do not disturb a deterministic run);
2. a deterministic clock moves one step;
3. the first matching fault rule fires: latency, an error status (with extra headers or a raw
   body), or a dropped connection;
4. `/api/...` without the right `x-app-token` is refused: 403 "Resource is closed" (FIDELITY.md A1);
5. a POST to `/api/...` without `x-device-metadata` is refused: 400 (configurable); sign-up
   does not need it (FIDELITY.md A5).

Any exception that escapes the routes (or this middleware) is logged and answered as the API's
500 body; it is not re-raised to uvicorn, which would close the connection after the answer and
reset the client's next request on it. Only an exception after a response has started (its
headers sent, its body not finished) still closes the connection: there is no way to send a
well-formed answer then.

Dropping a connection: uvicorn's `send` callable is a bound method of its per-request cycle,
which holds the asyncio transport; closing that transport ends the TCP connection with no HTTP
response at all (clients see "server disconnected"). If the server is not uvicorn's h11/
httptools protocol, the fallback raises, which is answered as a 500 instead.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oneentry_sandbox.clock import stamp
from oneentry_sandbox.faults import FaultRule
from oneentry_sandbox.state import SandboxState
from oneentry_sandbox.wire import error_json

__all__ = ["SandboxMiddleware"]

_log = logging.getLogger("oneentry_sandbox")


class DroppedConnection(RuntimeError):
    """Raised when the transport cannot be reached to drop a connection."""


async def _drop(send: Send) -> None:
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise DroppedConnection("cannot reach the transport to drop the connection")
    transport.close()
    for _ in range(200):  # let connection_lost mark the cycle disconnected
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0.001)


async def _swallow(message: Message) -> None:
    return None


class _Tracked:
    """`send`, noting whether the response has started and finished."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False
        self.finished = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.finished = True
        await self._send(message)


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState, app_token: str) -> None:
        self.app = app
        self.state = state
        self.app_token = app_token

    def _error(
        self, status: int, message: str, headers: dict[str, str] | None = None
    ) -> JSONResponse:
        body = error_json(status, message, stamp(self.state.clock))
        return JSONResponse(body, status_code=status, headers=headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = _Tracked(send)
        try:
            await self._handle(scope, receive, tracked, send)
        except Exception as exc:
            _log.error("%s %s failed", scope["method"], scope["path"], exc_info=exc)
            if tracked.started and not tracked.finished:
                raise  # half an answer is on the wire: only closing the connection is left
            if not tracked.started:
                await self._error(500, "Internal server error")(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, raw_send: Send) -> None:
        """`send` is tracked; `raw_send` is uvicorn's own, which `_drop` needs."""
        method, path = scope["method"], scope["path"]
        if path.startswith("/__sandbox/") or path == "/":
            await self.app(scope, receive, send)
            return
        self.state.clock.tick()
        rule = self.state.faults.take(method, path)
        if rule is not None:
            await self._fault(rule, scope, receive, send, raw_send)
            return
        await self._guarded(scope, receive, send)

    async def _fault(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send, raw_send: Send
    ) -> None:
        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule.drop == "before":
            await _drop(raw_send)
        elif rule.drop == "after":
            await self._guarded(scope, receive, _swallow)
            await _drop(raw_send)
        elif rule.status is not None and rule.body is not None:
            headers = dict(rule.headers)
            raw = Response(rule.body, rule.status, headers=headers, media_type="text/plain")
            await raw(scope, receive, send)
        elif rule.status is not None:
            message = rule.message or f"Injected fault: {rule.status}"
            await self._error(rule.status, message, dict(rule.headers))(scope, receive, send)
        else:
            await self._guarded(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["path"].startswith("/api/"):
            if headers.get("x-app-token") != self.app_token:
                await self._error(403, "Resource is closed")(scope, receive, send)
                return
            needs_device = self.state.project.behaviour.require_device_metadata
            needs_device = needs_device and not scope["path"].endswith("/users/sign-up")
            if needs_device and scope["method"] == "POST" and not headers.get("x-device-metadata"):
                response = self._error(400, "Missing x-device-metadata header")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
