"""Time and identifiers: real, or deterministic for byte-identical replays.

`Clock.now()` is the sandbox's only source of time. A deterministic clock starts at a fixed
instant and moves by a fixed step on each `tick()` (the middleware ticks once per request),
so identical request sequences see identical timestamps. Both kinds can be pushed forward with
`advance()` (`POST /__sandbox/clock`) to expire tokens. `UuidSource` hands out random uuids,
or uuids derived from a seeded counter in deterministic mode.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import UTC, datetime, timedelta

__all__ = ["LATEST", "Clock", "UuidSource", "iso", "parse_iso", "stamp"]

# The clock never passes this instant: tokens and expiries add up to years to `now()`, and
# Python's datetime ends at 9999-12-31.
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """`2025-04-30T20:15:29.254Z`: UTC, millisecond precision, as the API writes dates."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class Clock:
    """Real time plus an offset, or a fixed start plus ticks when deterministic."""

    def __init__(self, *, deterministic: bool, start: str, step_ms: int) -> None:
        self.deterministic = deterministic
        self._start = parse_iso(start)
        self._step = timedelta(milliseconds=step_ms)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._fixed = self._start
            self._offset = timedelta()

    def now(self) -> datetime:
        with self._lock:
            if self.deterministic:
                return self._fixed
            return datetime.now(UTC) + self._offset

    def tick(self) -> None:
        """One request happened: a deterministic clock moves one step."""
        if self.deterministic:
            with self._lock:
                self._fixed = min(self._fixed + self._step, LATEST)

    def advance(self, seconds: float) -> None:
        """Move forward; `ValueError` (and no change) if that would pass `LATEST`."""
        if not 0 <= seconds <= (LATEST - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds():
            raise ValueError(f"cannot advance the clock by {seconds} s")
        step = timedelta(seconds=seconds)
        with self._lock:
            now = self._fixed if self.deterministic else datetime.now(UTC) + self._offset
            if now + step > LATEST:
                raise ValueError(f"advancing by {seconds} s would pass {iso(LATEST)}")
            if self.deterministic:
                self._fixed += step
            else:
                self._offset += step


def stamp(clock: Clock) -> str:
    """`iso(clock.now())` for an error body; real time if the clock cannot be read, so that an
    error answer never fails in turn."""
    try:
        return iso(clock.now())
    except (OverflowError, ValueError):
        return iso(datetime.now(UTC))


class UuidSource:
    """uuid4 values, or version-4-shaped uuids from sha256(seed, counter)."""

    def __init__(self, *, deterministic: bool, seed: str) -> None:
        self.deterministic = deterministic
        self._seed = seed
        self._lock = threading.Lock()
        self._counter = 0

    def reset(self) -> None:
        with self._lock:
            self._counter = 0

    def next(self) -> str:
        if not self.deterministic:
            return str(uuid.uuid4())
        with self._lock:
            self._counter += 1
            digest = hashlib.sha256(f"{self._seed}:{self._counter}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))
