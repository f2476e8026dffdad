"""One recorder per checkout, and no leftovers of a write that was killed.

`RecordingLock` is held by a recording run (the xdist controller, or plain pytest) for its
whole session: an exclusive `flock` on `cassettes/.recording.lock`, which the kernel releases
however the holder ends (even SIGKILL). A second recorder in the same checkout is refused with
one paragraph naming the holder's process id, instead of both writing the same cassettes.

Under the lock, `remove_stale_temporaries` deletes `.<name>.yaml.<random>.tmp` files that
`atomic.write_atomically` left behind when its process was killed between writing and
renaming: no other recorder can be writing them then. They are ignored by git
(`.gitignore`) and scanned by `audit-cassettes` like cassettes, in case one holds a secret.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Final

from oneentry_contracts.errors import HarnessError

__all__ = ["LOCK_NAME", "RecordingLock", "remove_stale_temporaries", "stale_temporaries"]

LOCK_NAME: Final = ".recording.lock"
_TEMPORARY: Final = ".*.yaml.*.tmp"  # write_atomically's mkstemp(prefix=".<name>.", suffix=".tmp")


def stale_temporaries(folder: Path) -> list[Path]:
    """The temporary files of interrupted cassette writes under `folder`."""
    return sorted(p for p in folder.rglob(_TEMPORARY) if p.is_file()) if folder.is_dir() else []


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete them (only while holding the `RecordingLock`); the ones deleted."""
    removed = []
    for path in stale_temporaries(folder):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


class RecordingLock:
    """The exclusive lock of one recording run on a cassettes folder."""

    def __init__(self, folder: Path, shown: str = "cassettes") -> None:
        self.path = folder / LOCK_NAME
        self.shown = f"{shown}/{LOCK_NAME}"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise a `HarnessError` saying who holds it (or why it cannot)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise HarnessError(
                f"cannot record: the cassette folder is not writable ({self.shown}: "
                f"{error.strerror or error}).\nHow to fix: make the folder writable (or free "
                "space on its disk), then record again; replaying needs no write access."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise HarnessError(
                f"another recording is running in this checkout (process {holder} holds "
                f"{self.shown}), so this one did not start: two recorders would write the "
                "same cassettes.\nHow to fix: wait for it to finish, or stop it, then record "
                "again; replaying (`oneentry-contracts run`) can run alongside."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None
