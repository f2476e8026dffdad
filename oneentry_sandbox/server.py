"""Run the sandbox: in a background thread for tests (`SandboxServer`), or in the foreground.

    with SandboxServer(app_token="tok") as sb:
        httpx.get(sb.base_url + "/api/content/forms", headers={"x-app-token": sb.app_token})
        sb.state.orders  # white-box assertions

The socket is bound before uvicorn starts, so port 0 yields the real port at once; readiness
is polled with a deadline; `__exit__` asks uvicorn to stop and joins the thread.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Iterator
from types import FrameType, TracebackType

import uvicorn

from oneentry_sandbox.app import build_app
from oneentry_sandbox.config import ProjectConfig
from oneentry_sandbox.loader import default_project
from oneentry_sandbox.state import SandboxState

__all__ = ["KEEP_ALIVE_S", "SandboxServer", "bind", "make_server"]

KEEP_ALIVE_S = 65  # seconds an idle keep-alive connection stays open


class _Server(uvicorn.Server):
    """uvicorn without its habit of re-raising SIGINT/SIGTERM after a graceful stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self._stop) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP (not 0) so that asyncio sets TCP_NODELAY on accepted connections; without
    # it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def base_url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(state: SandboxState, app_token: str) -> uvicorn.Server:
    config = uvicorn.Config(
        build_app(state, app_token),
        http="h11",
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        # Longer than any client keeps an idle connection (httpx: 5 s, like uvicorn's default):
        # with equal limits the server may close a connection just as a client reuses it, and
        # the request fails with "Server disconnected without sending a response".
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    return _Server(config)


class SandboxServer:
    """A sandbox in a background thread; use as a context manager."""

    def __init__(
        self,
        app_token: str,
        project: ProjectConfig | None = None,
        deterministic: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
    ) -> None:
        self.app_token = app_token
        self.project = project if project is not None else default_project()
        self.state = SandboxState(self.project, deterministic=deterministic)
        self._host, self._port, self._timeout = host, port, startup_timeout
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> SandboxServer:
        self._socket = bind(self._host, self._port)
        self.base_url = base_url_of(self._socket)
        self._server = make_server(self.state, self.app_token)
        server, sock = self._server, self._socket
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="oneentry-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"oneentry-sandbox did not start on {self.base_url}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
