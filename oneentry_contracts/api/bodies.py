"""Reading an answer's body: JSON, or a `TransportError` that says why not and what to do."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from oneentry_contracts.api.endpoints import Endpoint
from oneentry_contracts.errors import TransportError

__all__ = ["MAX_DEPTH", "empty_body_error", "json_depth", "parse_body"]

_EXCERPT = 200
MAX_DEPTH = 64  # OneEntry's answers nest about 10 levels; schema checks recurse per level
_NOT_JSON = object()


def json_depth(value: Any) -> int:
    """How many arrays and objects deep `value` nests (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_body(ep: Endpoint, where: str, raw: httpx.Response, redact: Callable[[str], str]) -> Any:
    """The answer's JSON; an empty 2xx body is `{}` as in the SDK. Anything else that is not
    JSON is a `TransportError` naming the endpoint and path (`where`, no host), with an excerpt
    passed through `redact`, and the likely cause: an HTML page, a cut-off body, no body."""
    content = raw.content
    content_type = raw.headers.get("content-type", "")
    if raw.is_redirect:
        raise _redirect(ep, where, raw)
    if not content.strip():
        if raw.is_success:
            return {}  # the SDK turns an empty 2xx body into {}; contract.py checks it
        problem = "an empty body where a JSON error body was expected"
        fix = "the server or a proxy in front of it failed without explaining"
    else:
        try:
            parsed = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            parsed, depth = _NOT_JSON, 0
        except RecursionError:  # deeper than Python's parser goes (about 1000 levels)
            parsed, depth = _NOT_JSON, None
        else:
            depth = json_depth(parsed)
            if depth <= MAX_DEPTH:
                return parsed
        if parsed is not _NOT_JSON or depth is None:  # parsed, or nested beyond the parser
            levels = f"{depth} levels deep" if depth is not None else "deeper than Python parses"
            problem = f"JSON nested {levels} (the harness checks up to {MAX_DEPTH} levels)"
            fix = (
                "no OneEntry answer nests that deep: the server or a proxy in front of it sent "
                "something else; look at the server's logs"
            )
        elif "html" in content_type or content.lstrip()[:1] == b"<":
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


def _redirect(ep: Endpoint, where: str, raw: httpx.Response) -> TransportError:
    """A 3xx answer: the harness never follows redirects (a POST must not be re-sent
    elsewhere). Where it points is said without its host, which may be the project's."""
    here = raw.request.url
    location = raw.headers.get("location")
    try:
        target = here.join(location) if location else None
    except httpx.InvalidURL:
        target = None
    if target is None:
        to = ""
    elif (target.scheme, target.host, target.port) == (here.scheme, here.host, here.port):
        to = f" to {target.raw_path.decode('ascii', 'replace')}"
    elif target.host == here.host:
        to = f" to the same host over {target.scheme}"
    else:
        to = " to another host"
    return TransportError(
        f"{ep.name} ({where}) answered {raw.status_code} {raw.reason_phrase}, a redirect{to}; "
        "the harness does not follow redirects (a request is never re-sent elsewhere).\n"
        "How to fix: set the project URL to the address the redirect points to (often "
        "https:// instead of http://, or the host without a path after it).",
        endpoint=ep.name,
        url=where,
    )
