"""Request helpers shared by the route modules: body, pagination, path ids, the caller."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse

from oneentry_sandbox.auth import authenticate
from oneentry_sandbox.body import parse_json, read_capped
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.state import SandboxState, UserRecord

__all__ = ["buyer", "caller", "guest_id", "json_body", "ok", "owned", "page", "path_id", "state_of"]


def state_of(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def caller(request: Request) -> UserRecord:
    """The logged-in user of a 🔐 endpoint, or a 401."""
    return authenticate(state_of(request), request.headers.get("authorization"))


# ASCII digits only: Python's int() also takes "٣", "1_0" and " 1", which no API client sends.
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_ID = re.compile(r"[0-9]{1,18}")


def _shown(raw: str) -> str:
    return repr(raw) if len(raw) <= 40 else f"{raw[:20]!r}... ({len(raw)} characters)"


_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)


def guest_id(request: Request) -> str | None:
    """The guest of a request without a Bearer that sends `x-guest-id` (the SDK drops the
    header once signed in). A value that is not a uuid v4 is replaced by a fresh one for this
    request, so whatever it creates is kept under an id nobody sends again (FIDELITY.md G3);
    the id used is answered in the `x-guest-id` response header (`app.py`)."""
    if request.headers.get("authorization"):
        return None
    cached: str | None = getattr(request.state, "guest_id", None)
    if cached is not None:
        return cached
    raw = request.headers.get("x-guest-id", "").strip()
    if not raw:
        return None
    guest = raw.lower() if _UUID4.match(raw) else state_of(request).uuids.next()
    request.state.guest_id = guest
    return guest


def buyer(request: Request) -> int:
    """The owner id of the caller's orders: the user behind the Bearer, else the guest behind
    `x-guest-id` (a negative id), else 401 "Unauthorized" (FIDELITY.md G1-G5)."""
    guest = guest_id(request)
    if guest is not None:
        return state_of(request).guest_owner(guest)
    return caller(request).id


async def json_body(request: Request) -> object:
    """The parsed JSON body; an empty body is `None`; see `body.py` for what is refused."""
    return parse_json(await read_capped(request.stream()))


def _query_int(request: Request, name: str, default: int, low: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise ApiError(400, f"{name} must be an integer, got {_shown(raw)}")
    value = int(raw)
    if value < low:
        raise ApiError(400, f"{name} must be >= {low}, got {value}")
    return value


def page(request: Request) -> tuple[int, int]:
    """`(offset, limit)` from the query; defaults 0 and 30."""
    return _query_int(request, "offset", 0, 0), _query_int(request, "limit", 30, 0)


def path_id(request: Request, name: str, what: str) -> int:
    """A numeric path id (ASCII digits, at most 18); anything else is the API's 404."""
    raw = str(request.path_params[name])
    if not _ID.fullmatch(raw):
        shown = raw if len(raw) <= 40 else f"{raw[:20]}... ({len(raw)} characters)"
        raise ApiError(404, f"{what} '{shown}' not found")
    return int(raw)


def ok(data: object, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


class _Owned(Protocol):
    @property
    def user_id(self) -> int: ...


_R = TypeVar("_R", bound=_Owned)


def owned(records: Mapping[int, _R], record_id: int, user_id: int, what: str) -> _R:
    """The caller's own record, or the API's 404: another user's order or session is "not found",
    never "forbidden", so ids cannot be probed. Call it holding the state lock."""
    found = records.get(record_id)
    if found is None or found.user_id != user_id:
        raise ApiError(404, f"{what} {record_id} not found")
    return found
