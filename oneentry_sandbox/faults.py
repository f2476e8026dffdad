"""Fault injection rules: answer with an error status, add latency, or drop the connection.

A rule matches a request by method and path (either may be omitted = any) and fires for its
next `times` matching requests (omitted = forever). Rules come from the project file
(`faults:` list) or at runtime from `POST /__sandbox/faults`, both with the same keys:

    {"method": "GET", "path": "/api/content/forms/marker/order", "status": 503, "times": 3}
    {"path": "/api/content/orders-storage/marker/orders/orders", "latency_ms": 1500}
    {"method": "POST", "drop": "after", "times": 1}
    {"path": "/api/content/forms", "status": 429, "headers": {"Retry-After": "2"}, "times": 1}
    {"status": 502, "body": "<html><body>Bad gateway</body></html>",
     "headers": {"Content-Type": "text/html"}}

`headers` are added to the answer of a `status` rule (names are HTTP tokens, values printable
ASCII; `Content-Length`, `Transfer-Encoding` and `Connection` are the server's to set); `body`
replaces its JSON error body with these exact characters (`text/plain` unless `headers` name a
Content-Type), and lets `status` be a success too (200..599), e.g. `{"status": 200, "body": ""}`
for an empty answer (a 204 or 304 rule must have an empty body).
`drop: before` closes the TCP connection without handling the request; `drop: after` handles
it (state is committed) and then closes the connection without sending the response.
The first matching rule wins; the middleware in `middleware.py` applies it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, cast

__all__ = ["DropMode", "FaultBook", "FaultRule", "RuleError", "parse_rule"]

DropMode = Literal["before", "after"]
_KEYS = (
    "method",
    "path",
    "status",
    "message",
    "headers",
    "body",
    "latency_ms",
    "drop",
    "times",
)
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]{0,1024}")
_FRAMING = ("content-length", "transfer-encoding", "connection")


class RuleError(ValueError):
    """A malformed fault rule; `key` is the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One fault: what it matches and what it does."""

    method: str | None = None
    path: str | None = None
    status: int | None = None
    message: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    latency_ms: int = 0
    drop: DropMode | None = None
    times: int | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path == path
        )

    def as_json(self) -> dict[str, object]:
        shown = {k: getattr(self, k) for k in _KEYS}
        shown["headers"] = dict(self.headers)
        return shown


def _int(data: Mapping[str, object], key: str, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise RuleError(key, f"expected an integer, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise RuleError(key, f"expected {low}..{high}, got {value}")
    return value


def _str(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RuleError(key, f"expected a string, got {type(value).__name__} {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RuleError(key, "contains a lone UTF-16 surrogate; use valid Unicode") from None
    return value


def parse_rule(data: object) -> FaultRule:
    """Build a rule from its JSON/YAML mapping; raise `RuleError` naming the bad key."""
    if not isinstance(data, Mapping):
        raise RuleError("<rule>", f"expected a mapping, got {type(data).__name__}")
    for key in data:
        if key not in _KEYS:
            raise RuleError(str(key), f"unknown key; known keys: {', '.join(_KEYS)}")
    method = _str(data, "method")
    if method is not None and method.upper() not in _METHODS:
        raise RuleError("method", f"expected one of {', '.join(_METHODS)}, got {method!r}")
    path = _str(data, "path")
    if path is not None and not path.startswith("/"):
        raise RuleError("path", f"expected an absolute path starting with '/', got {path!r}")
    headers = _headers(data)
    body = _str(data, "body")
    drop = _str(data, "drop")
    if drop is not None and drop not in ("before", "after"):
        raise RuleError("drop", f"expected 'before' or 'after', got {drop!r}")
    rule = FaultRule(
        method=method.upper() if method else None,
        path=path,
        status=_int(data, "status", 200 if body is not None else 400, 599),
        message=_str(data, "message"),
        headers=headers,
        body=body,
        latency_ms=_int(data, "latency_ms", 0, 600_000) or 0,
        drop=cast("DropMode | None", drop),
        times=_int(data, "times", 1, 1_000_000_000),
    )
    for key in ("headers", "body"):
        if data.get(key) is not None and rule.status is None:
            raise RuleError(key, "needs a status to answer with")
    if rule.status is None and rule.drop is None and rule.latency_ms == 0:
        raise RuleError("<rule>", "does nothing; give status, latency_ms or drop")
    if rule.status is not None and rule.drop is not None:
        raise RuleError("drop", "cannot be combined with status")
    if rule.status in (204, 304) and rule.body:
        raise RuleError("body", f"must be empty: a {rule.status} answer has no body")
    return rule


def _headers(data: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    value = data.get("headers")
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise RuleError("headers", f"expected a mapping of strings to strings, got {value!r}")
    for name, text in value.items():
        if not _HEADER_NAME.fullmatch(name):
            raise RuleError("headers", f"{name!r} is not a valid header name (letters, digits, -)")
        if name.lower() in _FRAMING:
            raise RuleError("headers", f"{name!r} is set by the server; leave it out")
        if not _HEADER_VALUE.fullmatch(text):
            raise RuleError(
                "headers", f"the value of {name!r} must be printable ASCII (at most 1024 chars)"
            )
    return tuple(value.items())


class FaultBook:
    """The live rule list; `take` consumes one use of the first matching rule."""

    def __init__(self, rules: tuple[FaultRule, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._initial = rules
        self._rules: list[FaultRule] = list(rules)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def reset(self) -> None:
        with self._lock:
            self._rules = list(self._initial)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for index, rule in enumerate(self._rules):
                if not rule.matches(method, path):
                    continue
                if rule.times is not None:
                    if rule.times <= 1:
                        del self._rules[index]
                    else:
                        self._rules[index] = replace(rule, times=rule.times - 1)
                return rule
            return None
