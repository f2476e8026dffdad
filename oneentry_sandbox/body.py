"""Request bodies: read with a size cap, parse as strict JSON, refuse what could break the state.

The routes only ever see JSON that the sandbox can store and answer again. Each refusal is an
`ApiError` with the API's error body:

- more than `MAX_BODY_BYTES` bytes: 413 (the rest of the body is read and dropped, so the
  keep-alive connection stays usable);
- not UTF-8, not JSON, or `NaN` / `Infinity` / `-Infinity` (JavaScript's `JSON.parse`, the
  real server's parser, refuses them too): 400 "Request body is not valid JSON";
- a number that overflows a double (`1e400`): 400;
- an integer outside JavaScript's safe range (±(2**53 - 1)): 400 (the real server could not
  hold it exactly either);
- arrays/objects nested deeper than `MAX_DEPTH`: 400;
- a string (value or key) holding a lone UTF-16 surrogate such as `"\\ud800"`: 400 (it cannot
  be written back as UTF-8).
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator

from oneentry_sandbox.errors import ApiError

__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "MAX_SAFE_INTEGER", "parse_json", "read_capped"]

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1
_MAX_INT_DIGITS = len(str(MAX_SAFE_INTEGER))
_INVALID = "Request body is not valid JSON"


class _Refused(ValueError):
    """Raised from inside `json.loads` hooks; carries the message of the 400."""


def _constant(name: str) -> object:
    raise _Refused(f"{_INVALID}: {name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"Request body number {text[:40]} is out of range")
    return value


def _int(text: str) -> int:
    digits = text.lstrip("-")
    value = int(text) if len(digits) <= _MAX_INT_DIGITS else None  # int() is slow on long text
    if value is None or abs(value) > MAX_SAFE_INTEGER:
        shown = text if len(text) <= 40 else f"{text[:20]}... ({len(digits)} digits)"
        raise _Refused(
            f"Request body integer {shown} is outside the safe range "
            f"-{MAX_SAFE_INTEGER}..{MAX_SAFE_INTEGER}"
        )
    return value


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(
            400, "Request body contains a lone UTF-16 surrogate (e.g. \\ud800); send valid Unicode"
        ) from None


def _check_tree(value: object) -> None:
    """Depth and string checks, without recursion (the tree may be deep)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ApiError(400, f"Request body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            for key, child in node.items():
                _check_text(key)
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in node)


def parse_json(raw: bytes) -> object:
    """The body as JSON; an empty (or blank) body is `None`; anything unsafe is a 400."""
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"{_INVALID}: not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as exc:
        raise ApiError(400, str(exc)) from None
    except RecursionError:
        raise ApiError(400, f"Request body is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:
        raise ApiError(400, _INVALID) from None
    _check_tree(value)
    return value


async def read_capped(chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or a 413 once it passes `limit` bytes (after draining the rest)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size <= limit:
            parts.append(chunk)
    if size > limit:
        raise ApiError(413, f"Request body is larger than {limit} bytes ({size} bytes sent)")
    return b"".join(parts)
