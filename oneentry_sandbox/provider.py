"""The payment provider, emulated: what a gateway's webhook does to a session and its order.

The content API has no route that changes a session (FIDELITY.md P5); on a live project the
provider's callback does it. Tests play the provider through the control API:

| call (`POST`) | session status | order |
|---|---|---|
| `/__sandbox/sessions/{id}/pay` | `completed` | `isCompleted: true`, status `ps.completed` |
| `/__sandbox/sessions/{id}/fail` | `canceled` | status `ps.canceled` |
| `/__sandbox/sessions/{id}/expire` | `expired` | status `ps.expired` |

(`ps` = the storage's `payment_statuses` map in the project file; an unmapped status leaves
the order's status alone.)

Only a `waiting` session moves (409 otherwise, the gateway sends nothing for a closed one); an
unknown session is 404. The answer is `{"session": <session>, "order": <order entity>}`.
Loopback only, no app token, never faulted, like the rest of the control API.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.web import ok, path_id, state_of
from oneentry_sandbox.wire import order_json, session_json

__all__ = ["ACTIONS", "ROUTES"]

ACTIONS = {"pay": "completed", "fail": "canceled", "expire": "expired"}

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


async def act(request: Request) -> Response:
    if request.client is None or request.client.host not in _LOOPBACK:
        raise ApiError(403, "The control API answers loopback clients only")
    action = str(request.path_params["action"])
    if action not in ACTIONS:
        raise ApiError(404, f"Unknown provider action '{action}' (known: pay, fail, expire)")
    state = state_of(request)
    session_id = path_id(request, "id", "Session")
    with state.lock:
        current = state.sessions.get(session_id)
        if current is None:
            raise ApiError(404, f"Session {session_id} not found")
        if current.status != "waiting":
            raise ApiError(409, f"Session {session_id} is {current.status}, not waiting")
        new_status = ACTIONS[action]
        now = state.clock.now()
        moved = replace(current, status=new_status, updated=now)
        state.sessions[moved.id] = moved
        order = state.orders[moved.order_id]
        storage = state.project.storage(order.storage)
        assert storage is not None
        mapped = storage.payment_statuses.get(new_status)
        order = replace(
            order,
            paid=True if new_status == "completed" else order.paid,
            status=mapped or order.status,
        )
        state.orders[order.id] = order
        return ok({"session": session_json(moved), "order": order_json(state, order)})


ROUTES = [Route("/__sandbox/sessions/{id}/{action}", act, methods=["POST"])]
