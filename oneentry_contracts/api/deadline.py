"""`timeout` as a deadline for a whole request, not only for each read.

httpx's timeouts bound each phase (connect, one write, one read) separately: a server that
trickles one byte every 80 ms never trips a 1 s read timeout and kept a GET alive 43 s. The
transport of `deadline_transport` times every attempt from the moment it is sent: once the
answer's body is still arriving after `seconds`, the attempt fails with `DeadlineExceeded` (an
`httpx.ReadTimeout`, so the retry rules treat it as a timeout). The check sits below vcrpy's
patch of `HTTPTransport.handle_request`, which reads the body through it while recording.

Every read from the socket, the status line's and the headers' as well as the body's, waits at
most until the deadline (`_DeadlineBackend`, httpcore's public network-backend hook), so a
server that trickles its headers is cut off as well; the body is also checked between chunks.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
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


# The deadline of the request this thread is sending or reading, for the socket reads below,
# and whether it cut a read short.
_current = threading.local()
_MOMENT = 0.05  # seconds


class _DeadlineNetworkStream:
    """A socket stream whose every read waits at most until this thread's request deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline: float | None = getattr(_current, "deadline", None)
        if deadline is not None:
            left = max(deadline - time.monotonic(), 0.001)
            # Cut short only where the deadline comes first by more than a moment: a server
            # that sends nothing at all is httpx's own read timeout, as before.
            if timeout is None or left < timeout - _MOMENT:
                timeout, _current.cut = left, True
        return self._stream.read(max_bytes, timeout)

    def start_tls(self, *args: Any, **kwargs: Any) -> _DeadlineNetworkStream:
        return _DeadlineNetworkStream(self._stream.start_tls(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:  # write(), close(), get_extra_info()
        return getattr(self._stream, name)


class _DeadlineBackend(httpcore.SyncBackend):
    """httpcore's own socket backend, its streams' reads bounded by the request deadline."""

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return _DeadlineNetworkStream(super().connect_tcp(*args, **kwargs))  # type: ignore[return-value]


@contextlib.contextmanager
def _until(deadline: float, seconds: float) -> Iterator[None]:
    """Reads in this block end at `deadline`; one that times out past it is `DeadlineExceeded`."""
    _current.deadline, _current.cut = deadline, False
    try:
        yield
    except httpcore.ReadTimeout:
        if _current.cut and time.monotonic() >= deadline:
            raise DeadlineExceeded(seconds) from None
        raise
    finally:
        _current.deadline = None


class _DeadlineStream:
    def __init__(self, stream: Any, deadline: float, seconds: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self._seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            with _until(self._deadline, self._seconds):
                chunk = next(chunks, None)
            if chunk is None:
                return
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
        with _until(deadline, self._seconds):
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
        # httpx's own pool settings (its default Limits), on httpcore's network-backend hook.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )
        compat.wrap_connection_pool(transport, lambda _: _DeadlinePool(pool, seconds))
    return transport
