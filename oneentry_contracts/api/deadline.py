"""`timeout` as a deadline for a whole request, not only for each read.

httpx's timeouts bound each phase (connect, one write, one read) separately: a server that
trickles one byte every 80 ms never trips a 1 s read timeout and kept a GET alive 43 s. The
transport of `deadline_transport` times every attempt from the moment it is sent: once the
answer's body is still arriving after `seconds`, the attempt fails with `DeadlineExceeded` (an
`httpx.ReadTimeout`, so the retry rules treat it as a timeout). The check sits below vcrpy's
patch of `HTTPTransport.handle_request`, which reads the body through it while recording.

A body is checked between the chunks the server sends; waiting for one chunk, and for the
status line and headers, is bounded by httpx's per-read timeout (the same `timeout`).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx

from oneentry_contracts.pytest_plugin import compat

__all__ = ["DeadlineExceeded", "deadline_transport"]


class DeadlineExceeded(httpx.ReadTimeout):
    """The answer was still arriving when the request's deadline passed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the answer took longer than {seconds:g} s in all")
        self.seconds = seconds


class _DeadlineStream:
    def __init__(self, stream: Any, deadline: float, seconds: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self._seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if time.monotonic() > self._deadline:
                raise DeadlineExceeded(self._seconds)
            yield chunk

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


class _DeadlinePool:
    """httpcore's connection pool, with a deadline on every response it hands out."""

    def __init__(self, pool: httpcore.ConnectionPool, seconds: float) -> None:
        self._pool = pool
        self._seconds = seconds

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        deadline = time.monotonic() + self._seconds
        response = self._pool.handle_request(request)
        response.stream = _DeadlineStream(response.stream, deadline, self._seconds)
        return response

    def __getattr__(self, name: str) -> Any:  # close(), connections, ...
        return getattr(self._pool, name)


def deadline_transport(seconds: float | None, verify: ssl.SSLContext) -> httpx.HTTPTransport:
    """An `httpx.HTTPTransport` whose every request must be answered within `seconds` in all
    (None: only httpx's per-phase timeouts)."""
    transport = httpx.HTTPTransport(verify=verify)
    if seconds is not None:
        compat.wrap_connection_pool(transport, lambda pool: _DeadlinePool(pool, seconds))
    return transport
