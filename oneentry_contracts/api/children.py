"""Child processes that die with the process that started them.

`oneentry-contracts run` runs pytest in a child process, and pytest starts the sandbox in
another. A child left running after its parent dies goes on recording, and against a real
project goes on creating orders. So:

- `die_with_parent()` is a `preexec_fn`: on Linux the kernel sends the child SIGTERM when its
  parent dies, however it dies (SIGKILL included: `prctl(PR_SET_PDEATHSIG)`). Elsewhere it does
  nothing; the `Supervisor` below still covers SIGINT, SIGTERM and SIGHUP.
- `Supervisor` starts each pytest child (one, or several side by side for a parallel replay)
  in its own process group and, while they run, handles the CLI's signals: SIGINT (Ctrl-C) is
  passed on to each pytest once, which stops, tears down (the sandbox stops, cassettes are kept
  or dropped as usual) and prints its summary; SIGTERM and SIGHUP end the whole groups and the
  CLI with 128 + the signal's number. Leaving the supervisor ends whatever still runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from types import FrameType, TracebackType
from typing import IO, Any, Final

__all__ = ["EXIT_INTERRUPTED", "Supervisor", "die_with_parent"]

EXIT_INTERRUPTED: Final = 128 + signal.SIGINT  # 130, what shells report for Ctrl-C
_PR_SET_PDEATHSIG: Final = 1
_STOP_SECONDS: Final = 5.0


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child get SIGTERM when the calling process dies; None where
    the kernel cannot do that (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def arrange() -> None:  # runs in the child, between fork and exec
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)

    return arrange


class Supervisor:
    """Runs its children (pytest, or several pytest processes side by side), each in its own
    process group, and passes the CLI's signals on to every one.

    Use as a context manager around `spawn` and the wait for the children; `interrupted` says
    whether Ctrl-C (SIGINT) was passed on.
    """

    _HANDLED: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.children: list[subprocess.Popen[bytes]] = []
        self.interrupted = False
        self._previous: dict[int, Any] = {}

    def spawn(
        self,
        command: Sequence[str],
        env: dict[str, str],
        *,
        stdout: IO[bytes] | None = None,
        stderr: int | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a child: its own process group, dying with this process."""
        child = subprocess.Popen(  # noqa: S603 - our own interpreter running pytest
            list(command),
            env=env,
            stdout=stdout,
            stderr=stderr,
            process_group=0,
            preexec_fn=die_with_parent(),  # set up before any thread of ours starts
        )
        self.children.append(child)
        return child

    def __enter__(self) -> Supervisor:
        for signum in self._HANDLED:
            with contextlib.suppress(ValueError):  # not the main thread: leave them be
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        self._end_group()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT:
            self.interrupted = True
            running = [child for child in self.children if child.poll() is None]
            for child in running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGINT)  # pytest stops and prints its summary
            if running:
                return
            raise KeyboardInterrupt
        for child in self.children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGTERM)
        raise SystemExit(128 + signum)

    def _end_group(self) -> None:
        """Stop whatever of the children's process groups still runs (pytest, the sandbox)."""
        for child in self.children:
            self._end_one(child)

    @staticmethod
    def _end_one(child: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()
            else:
                os.killpg(child.pid, signal.SIGTERM)  # the sandbox, if pytest left it behind
