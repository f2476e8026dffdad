"""Retries with bounded exponential backoff, and the errors that list what every attempt met.

A request is repeated only when repeating it cannot do anything twice:

- it never left this machine: the connection could not be made (`httpx.ConnectError`,
  `ConnectTimeout`, `PoolTimeout`). Every request, createOrder included, is retried then;
- it may have reached the server (the connection broke, no answer came in time, or the answer
  was 429, 502, 503 or 504) and its endpoint is idempotent in the catalogue (`endpoints.py`).
  A non-idempotent request (createOrder, createSession, refunds, sign-in, refresh, ...) is never
  repeated then: a lost answer raises `OutcomeUnknown`, which says what may have happened, and
  a 429/5xx answer is returned to the caller as it is.

Waits: `backoff` seconds, doubled after each retry, at most `max_delay`. A `Retry-After` header
(seconds or an HTTP date) replaces that wait; one longer than `max_delay` ends the retries at
once, because retrying sooner than the server asked would only be refused again. No jitter: a
worker sends one request at a time, and tests stay deterministic (`sleep` and `now` are
injectable). When every attempt fails, `RetriesExhausted` lists them.

Replay from a cassette goes through the same loop: a recorded 2xx or 4xx is final at once, and
a recorded 503 followed by a 200 replays as the same two interactions (the plugin then passes a
`sleep` that does not wait: there is nothing to recover from).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final

import httpx

from oneentry_contracts.api.deadline import DeadlineExceeded
from oneentry_contracts.api.endpoints import Endpoint
from oneentry_contracts.errors import OutcomeUnknown, RetriesExhausted

__all__ = ["RETRY_STATUSES", "RetryPolicy", "no_wait", "retry_after_seconds", "send_with_retries"]

RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_CONFIG = "under [recording] in oneentry-contracts.toml"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def no_wait(seconds: float) -> None:
    """A `sleep` that does not wait (replay: the recorded answers are already there)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is repeated. `attempts` counts the first one."""

    attempts: int = 4
    backoff: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    now: Callable[[], datetime] = field(default=_utc_now, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")
        if self.backoff < 0 or self.max_delay < 0:
            raise ValueError("backoff and max_delay must not be negative")

    def delay(self, retry: int) -> float:
        """The wait before retry number `retry` (1 is the first retry), capped at `max_delay`."""
        return float(min(self.backoff * 2 ** (retry - 1), self.max_delay))


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A `Retry-After` header in seconds from `now`: delay-seconds or an HTTP date (RFC 9110
    §10.2.3); None when absent or unreadable; a date in the past is 0."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True, slots=True)
class _Failure:
    """One failed attempt: what it met, and which hint that calls for."""

    outcome: str
    hint: str
    timed_out: bool = False


def send_with_retries(
    policy: RetryPolicy,
    ep: Endpoint,
    where: str,
    send: Callable[[], httpx.Response],
    *,
    timeout: httpx.Timeout,
    redact: Callable[[str], str],
) -> httpx.Response:
    """Send (`send()` makes one attempt) until an answer is final; see the module docstring.

    `where` is `METHOD /path` without the host, for messages; `redact` hides secrets in them.
    """
    log: list[str] = []
    hints: list[str] = []
    for number in range(1, policy.attempts + 1):
        try:
            raw = send()
        except httpx.TransportError as exc:
            failure = _failure(exc, timeout, redact)
            if not isinstance(exc, _NOT_SENT) and not ep.idempotent:
                log.append(f"attempt {number}: {failure.outcome}")
                raise _lost(ep, where, log, failure) from None
            wait = policy.delay(number)
        else:
            if raw.status_code not in RETRY_STATUSES or not ep.idempotent:
                return raw
            failure = _status_failure(raw)
            asked = retry_after_seconds(raw.headers.get("retry-after"), policy.now())
            if asked is not None and asked > policy.max_delay:
                log.append(
                    f"attempt {number}: {failure.outcome}: the server asks to wait {asked:g} s, "
                    f"longer than retry_max_delay ({policy.max_delay:g} s); not retried"
                )
                hints.append(
                    f"The server asked to wait {asked:g} s: run again later, or raise "
                    f"retry_max_delay {_CONFIG} to at least {asked:g} seconds."
                )
                break
            wait = policy.delay(number) if asked is None else asked
        if failure.hint not in hints:
            hints.append(failure.hint)
        if number == policy.attempts:
            log.append(f"attempt {number}: {failure.outcome}")
            break
        log.append(f"attempt {number}: {failure.outcome}; retried after {wait:g} s")
        policy.sleep(wait)
    raise _exhausted(ep, where, log, hints)


def _failure(
    exc: httpx.TransportError, timeout: httpx.Timeout, redact: Callable[[str], str]
) -> _Failure:
    kind = type(exc).__name__
    if isinstance(exc, DeadlineExceeded):
        return _Failure(
            f"no complete answer within {exc.seconds:g} s in all ({kind})",
            f"The project's answer kept arriving for longer than {exc.seconds:g} s: check that "
            f"it is up and not throttled; if it is only slow, raise timeout {_CONFIG} "
            "(seconds per request, in all).",
            timed_out=True,
        )
    limits = {
        httpx.ConnectTimeout: ("could not connect within", timeout.connect),
        httpx.ReadTimeout: ("no answer within", timeout.read),
        httpx.WriteTimeout: ("could not send the request within", timeout.write),
        httpx.PoolTimeout: ("no free connection within", timeout.pool),
    }
    for exc_type, (what, seconds) in limits.items():
        if isinstance(exc, exc_type):
            shown = "no limit" if seconds is None else f"{seconds:g} s"
            return _Failure(
                f"{what} {shown} ({kind})",
                f"The project did not answer within {shown}: check that it is up; if it is only "
                f"slow, raise timeout {_CONFIG} (seconds per request).",
                timed_out=True,
            )
    if isinstance(exc, httpx.ConnectError):
        detail = redact(str(exc)) or "no detail"
        return _Failure(
            f"could not connect: {detail} ({kind})",
            "Nothing answered at the project URL: check the URL (ONEENTRY_PROJECT_URL with "
            "--project) and that its host is reachable from here; for a sandbox, check that it "
            "is running on that port.",
        )
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError | httpx.WriteError):
        return _Failure(
            f"the connection was closed before an answer arrived ({kind})",
            "The connection broke before the answer arrived: check the network, VPN or proxy "
            "between here and the project, then run again.",
        )
    detail = redact(str(exc)) or "no detail"
    return _Failure(
        f"{detail} ({kind})", "Check the network between here and the project, then run again."
    )


def _status_failure(raw: httpx.Response) -> _Failure:
    outcome = f"{raw.status_code} {raw.reason_phrase}"
    if "retry-after" in raw.headers:
        outcome += f", Retry-After: {raw.headers['retry-after']}"
    if "html" in raw.headers.get("content-type", ""):
        return _Failure(
            outcome + ", an HTML page",
            "An HTML error page usually comes from a proxy, gateway or login wall in front of "
            "the API: check that the project URL is the API host itself, and that the project "
            "is up.",
        )
    if raw.status_code == 429:
        return _Failure(
            outcome,
            "The project is rate-limiting this client: run fewer workers (-n), or raise "
            f"retry_max_delay and retry_attempts {_CONFIG}.",
        )
    return _Failure(
        outcome,
        "The project, or a gateway in front of it, is failing: run again later; "
        f"retry_attempts and retry_backoff {_CONFIG} make the harness wait longer.",
    )


def _exhausted(ep: Endpoint, where: str, log: list[str], hints: list[str]) -> RetriesExhausted:
    count = len(log)
    attempts = "\n".join(f"  {line}" for line in log)
    fixes = "\n".join(f"  * {hint}" for hint in hints)
    return RetriesExhausted(
        f"{ep.name} ({where}) failed; gave up after {count} attempt(s).\n"
        f"{attempts}\nHow to fix:\n{fixes}",
        attempts=tuple(log),
        endpoint=ep.name,
        url=where,
    )


def _lost(ep: Endpoint, where: str, log: list[str], failure: _Failure) -> OutcomeUnknown:
    attempts = "\n".join(f"  {line}" for line in log)
    extra = f"\n  * {failure.hint}" if failure.timed_out else ""
    return OutcomeUnknown(
        f"{ep.name} ({where}) was sent, but its answer was lost; it is not retried, because "
        f"repeating it could do it twice.\n{attempts}\n"
        f"How to fix:\n  * {_sentence(ep.if_lost)}{extra}",
        attempts=tuple(log),
        endpoint=ep.name,
        url=where,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
