"""What the run report keeps of a failing step, scrubbed: the error text, the schema violation,
and the last HTTP exchange (through the very hooks that scrub a cassette before it is written).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from oneentry_contracts.errors import HarnessError, SchemaViolation
from oneentry_contracts.recording.scrub import Scrubber
from oneentry_contracts.reporting.report import Exchange, Violation

__all__ = ["error_text", "exchange_of", "violation_of"]


def error_text(exception: BaseException) -> str:
    """A harness error's own message; anything else (a Then step's assert) with its type."""
    if isinstance(exception, HarnessError):
        return str(exception)
    message = str(exception)
    return f"{type(exception).__name__}: {message}" if message else type(exception).__name__


def violation_of(exception: BaseException, scrubber: Scrubber | None) -> Violation | None:
    """The schema, keyword, pointer and (scrubbed) value of a `SchemaViolation`, else None."""
    if not isinstance(exception, SchemaViolation):
        return None
    value = scrubber.json(exception.value) if scrubber else exception.value
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    errors = tuple(scrubber.text(e) if scrubber else e for e in exception.errors)
    return Violation(exception.schema, exception.keyword, exception.pointer, text, errors)


def exchange_of(step: str, response: httpx.Response, scrubber: Scrubber) -> Exchange | None:
    """The response and its request, through the same scrubbing hooks a cassette uses."""
    request = response.request
    try:
        response_body = response.content
    except httpx.ResponseNotRead:
        response_body = b""
    from vcr.request import Request as VcrRequest  # type: ignore[import-untyped]

    raw_request = VcrRequest(
        request.method, str(request.url), request.content or None, dict(request.headers)
    )
    scrubbed_request = scrubber.before_record_request(raw_request)
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name, []).append(value)
    scrubbed_response = scrubber.before_record_response(
        {
            "status": {"code": response.status_code, "message": response.reason_phrase},
            "headers": headers,
            "body": {"string": response_body},
        }
    )
    return Exchange(
        method=str(scrubbed_request.method),
        url=str(scrubbed_request.uri),
        request_headers=tuple((str(k), str(v)) for k, v in scrubbed_request.headers.items()),
        request_body=_text(scrubbed_request.body),
        status=response.status_code,
        response_headers=tuple(
            (str(k), str(v)) for k, values in scrubbed_response["headers"].items() for v in values
        ),
        response_body=_text(scrubbed_response["body"]["string"]),
        step=scrubber.text(step),
    )


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return str(body)
