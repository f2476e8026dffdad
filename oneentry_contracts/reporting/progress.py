"""What `oneentry-contracts run --record` / `--live` shows while the scenarios run.

pytest runs in a child process; its plugin (`pytest_plugin.observe`) appends events to a
file (`oneentry_contracts.reporting.events`), and `run_with_progress` reads them as they come:

- on a terminal, a status line (a rich spinner) names the running scenario and step, and one
  line per finished scenario is printed above it;
- elsewhere (CI logs, a pipe) only the plain lines, one per finished scenario:

      [ 3/31] passed  errors: A wrong app token is refused (cassette changed)

The child's own output (pytest's failures and summary) is kept aside while the status line is
shown and printed after it, so the two never garble each other. `Progress.cassettes()` counts
the cassettes a recording created, changed or left byte for byte unchanged, for the final table.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.status import Status

from oneentry_contracts.reporting.events import EVENTS_ENV, EventReader

if TYPE_CHECKING:
    from oneentry_contracts.api.children import Supervisor

__all__ = ["Finished", "Progress", "run_with_progress"]

_POLL_SECONDS = 0.1
_STYLE = {"passed": "green", "failed": "bold red", "skipped": "yellow"}


@dataclass(frozen=True, slots=True)
class Finished:
    """A scenario that ended: its outcome and, after a recording, what became of its cassette."""

    nodeid: str
    feature: str
    name: str
    outcome: str
    cassette: str | None


@dataclass
class Progress:
    """Turns events into progress lines and a status text; remembers how each scenario ended."""

    console: Console
    verb: str = "Running"
    total: int = 0
    finished: list[Finished] = field(default_factory=list)
    _running: dict[str, str] = field(default_factory=dict)  # nodeid -> "feature: name"
    _step: str = ""

    def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "collected":
            self.total = max(self.total, int(event.get("count", 0)))
        elif kind == "scenario":
            self._running[str(event["nodeid"])] = f"{event['feature']}: {event['name']}"
            self._step = ""
        elif kind == "step":
            self._step = f"{event['keyword']} {event['text']}"
        elif kind == "done":
            self._running.pop(str(event["nodeid"]), None)
            done = Finished(
                str(event["nodeid"]),
                str(event["feature"]),
                str(event["name"]),
                str(event["outcome"]),
                event.get("cassette"),
            )
            self.finished.append(done)
            self.console.print(self.line(done), highlight=False)

    def line(self, done: Finished) -> str:
        """The rich-markup line of one finished scenario."""
        width = len(str(self.total)) if self.total else 1
        count = (
            f"{len(self.finished):>{width}}/{self.total}" if self.total else str(len(self.finished))
        )
        style = _STYLE.get(done.outcome, "")
        outcome = f"[{style}]{done.outcome:<7}[/]" if style else f"{done.outcome:<7}"
        cassette = f" (cassette {done.cassette})" if done.cassette else ""
        return f"\\[{count}] {outcome} {escape(done.feature)}: {escape(done.name)}{cassette}"

    def status(self) -> str:
        """The status line: which scenario, which step."""
        if self.total and len(self.finished) >= self.total:
            return f"{self.verb}: {self.total} scenario(s) done, finishing"
        count = f"\\[{len(self.finished) + 1}/{self.total}] " if self.total else ""
        if not self._running:
            return f"{self.verb} {count}".rstrip()
        scenario = next(reversed(self._running.values()))
        step = f" — {self._step}" if self._step else ""
        return f"{self.verb} {count}{escape(scenario + step)}"

    def cassettes(self) -> dict[str, Counter[str]]:
        """Per feature, the passed scenarios' cassettes: `created`, `changed`, `unchanged`."""
        counts: dict[str, Counter[str]] = {}
        for done in self.finished:
            if done.outcome == "passed" and done.cassette:
                counts.setdefault(done.feature, Counter())[done.cassette] += 1
        return counts

    def feed(self, events: Iterable[dict[str, Any]]) -> None:
        for event in events:
            self.handle(event)


def run_with_progress(
    command: list[str], env: dict[str, str], progress: Progress, supervisor: Supervisor
) -> int:
    """Run the pytest child (started by `supervisor`), show its progress, then print its output;
    return its exit code."""
    console = progress.console
    with tempfile.TemporaryDirectory() as scratch:
        events = Path(scratch) / "events.jsonl"
        output = Path(scratch) / "pytest.out"
        reader = EventReader(events)
        child_env = {**env, EVENTS_ENV: str(events)}
        if console.is_terminal and not any(arg.startswith("--color") for arg in command):
            command = [*command, "--color=yes"]
        with output.open("wb") as sink:
            child = supervisor.spawn(command, child_env, stdout=sink, stderr=subprocess.STDOUT)
            status: Status | None = None
            if console.is_terminal:
                status = console.status(progress.status())
                status.start()
            try:
                while True:
                    try:
                        code = child.wait(timeout=_POLL_SECONDS)
                        break
                    except subprocess.TimeoutExpired:
                        pass
                    progress.feed(reader.new_events())
                    if status is not None:
                        status.update(progress.status())
                progress.feed(reader.new_events())
            finally:
                if status is not None:
                    status.stop()
        sys.stdout.flush()
        sys.stdout.buffer.write(output.read_bytes())
        sys.stdout.flush()
    return code
