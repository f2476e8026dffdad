"""Reading an answer's body: JSON, or a `TransportError` that says why not and what to do."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from oneentry_contracts.api.endpoints import Endpoint
from oneentry_contracts.errors import TransportError

__all__ = ["empty_body_error", "parse_body"]

_EXCERPT = 200


def parse_body(ep: Endpoint, where: str, raw: httpx.Response, redact: Callable[[str], str]) -> Any:
    """The answer's JSON; an empty 2xx body is `{}` as in the SDK. Anything else that is not
    JSON is a `TransportError` naming the endpoint and path (`where`, no host), with an excerpt
    passed through `redact`, and the likely cause: an HTML page, a cut-off body, no body."""
    content = raw.content
    content_type = raw.headers.get("content-type", "")
    if not content.strip():
        if raw.is_success:
            return {}  # the SDK turns an empty 2xx body into {}; contract.py checks it
        problem = "an empty body where a JSON error body was expected"
        fix = "the server or a proxy in front of it failed without explaining"
    else:
        try:
            return json.loads(content)
        except (ValueError, UnicodeDecodeError):
            pass
        if "html" in content_type or content.lstrip()[:1] == b"<":
            problem = "an HTML page where JSON was expected"
            fix = (
                "an HTML page usually comes from a proxy, gateway or login wall in front of "
                "the API: check that the project URL is the API host itself and that the "
                "project is up"
            )
        else:
            problem = "a body that is not JSON"
            fix = (
                "a cut-off JSON body means the connection broke mid-answer: run again; if "
                "it persists, look at the server's logs"
            )
    text = content.decode("utf-8", errors="replace")
    excerpt = redact(text[:_EXCERPT]) + ("…" if len(text) > _EXCERPT else "")
    raise TransportError(
        f"{ep.name} ({where}) answered {raw.status_code} {raw.reason_phrase} with {problem} "
        f"(content-type: {content_type or '(none)'}; {len(content)} bytes: {excerpt!r}).\n"
        f"How to fix: {fix}. When replaying, the cassette holds this answer: re-record the "
        "scenario.",
        endpoint=ep.name,
        url=where,
    )


def empty_body_error(
    ep: Endpoint, status: int, content_type: str, schema: str, origin: str
) -> TransportError:
    """An empty 2xx body where the endpoint's schema wants JSON (the SDK would make it `{}`)."""
    return TransportError(
        f"{ep.name} ({ep}) answered {status} with an empty body where JSON "
        f"({schema}) was expected (content-type: {content_type or '(none)'}; "
        f"in {origin}).\nHow to fix: check that the project URL is the API host "
        "itself and not a proxy that swallows bodies, and the server's logs; when "
        "replaying, the cassette holds this answer: re-record the scenario.",
        endpoint=ep.name,
        url=str(ep),
    )
