"""Progress events: how the pytest child process tells `oneentry-contracts run` what it is doing.

The child (the `pytest_plugin.observe` plugin) appends one JSON object per line to the file
named by `ONEENTRY_EVENTS_FILE`; the parent reads the new lines as they arrive and renders them
(`reporting.progress`). Every xdist worker appends to the same file: each event is one
short `write` in append mode, so lines never interleave.

    {"event": "collected", "count": 31}
    {"event": "scenario", "nodeid": "...", "feature": "guest_purchase", "name": "A guest buys ..."}
    {"event": "step", "nodeid": "...", "keyword": "When", "text": "the guest places the order"}
    {"event": "done", "nodeid": "...", "feature": "...", "name": "...", "outcome": "passed",
     "cassette": "changed"}

`cassette` is `created`, `changed` or `unchanged` after a recording, and null otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["EVENTS_ENV", "EventReader", "emit"]

EVENTS_ENV = "ONEENTRY_EVENTS_FILE"


def emit(path: Path, event: str, **fields: Any) -> None:
    """Append one event line to `path`."""
    line = json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)


@dataclass
class EventReader:
    """Reads the complete lines appended to an event file since the last call."""

    path: Path
    _offset: int = 0
    _partial: bytes = field(default=b"", repr=False)

    def new_events(self) -> list[dict[str, Any]]:
        """The events written since the last call (a half-written last line waits for later)."""
        if not self.path.is_file():
            return []
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        self._offset += len(chunk)
        data = self._partial + chunk
        *lines, self._partial = data.split(b"\n")
        events: list[dict[str, Any]] = []
        for line in lines:
            if line.strip():
                value = json.loads(line)
                if isinstance(value, dict):
                    events.append(value)
        return events
