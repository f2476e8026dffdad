"""Writing a file so that a reader sees the old bytes or the new ones, never half of them.

Used for cassettes, the schemas `infer-schema --write` writes, the starter configuration and
the files `init` scaffolds. Imports nothing but the standard library, so the commands that
write files start without pytest or vcrpy.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and `os.replace` it into place."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(mode)
        temporary.replace(path)  # os.replace: atomic within one file system
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
