"""Progress rendering from a recorded event stream, and the event file reader."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console

from oneentry_contracts.reporting.events import EventReader, emit
from oneentry_contracts.reporting.progress import Progress

GUEST = "features/test_features.py::test_guest[stripe-Cosmo-2]"
ERRORS = "features/test_features.py::test_unknown_storage"
STREAM: list[dict[str, Any]] = [
    {"event": "collected", "count": 3},
    {"event": "scenario", "nodeid": GUEST, "feature": "guest_purchase", "name": "A guest [buys]"},
    {"event": "step", "nodeid": GUEST, "keyword": "Given", "text": "a cart"},
    {"event": "step", "nodeid": GUEST, "keyword": "When", "text": "the guest places the order"},
    {
        "event": "done",
        "nodeid": GUEST,
        "feature": "guest_purchase",
        "name": "A guest [buys]",
        "outcome": "passed",
        "cassette": "changed",
    },
    {"event": "scenario", "nodeid": ERRORS, "feature": "errors", "name": "Unknown storage"},
    {"event": "step", "nodeid": ERRORS, "keyword": "Then", "text": "the shop is refused"},
    {
        "event": "done",
        "nodeid": ERRORS,
        "feature": "errors",
        "name": "Unknown storage",
        "outcome": "failed",
        "cassette": "unchanged",
    },
    {"event": "scenario", "nodeid": "n3", "feature": "errors", "name": "Wrong token"},
    {
        "event": "done",
        "nodeid": "n3",
        "feature": "errors",
        "name": "Wrong token",
        "outcome": "passed",
        "cassette": "created",
    },
]


def _plain_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=200, color_system=None), out


def test_one_plain_line_per_finished_scenario() -> None:
    console, out = _plain_console()
    progress = Progress(console, verb="Recording")
    progress.feed(STREAM)
    assert out.getvalue().splitlines() == [
        "[1/3] passed  guest_purchase: A guest [buys] (cassette changed)",
        "[2/3] failed  errors: Unknown storage (cassette unchanged)",
        "[3/3] passed  errors: Wrong token (cassette created)",
    ]


def test_status_names_the_running_scenario_and_step() -> None:
    console, _ = _plain_console()
    progress = Progress(console, verb="Recording")
    progress.feed(STREAM[:4])
    status = progress.status()
    assert status == (
        "Recording \\[1/3] guest_purchase: A guest \\[buys] — When the guest places the order"
    )
    progress.feed(STREAM[4:7])
    assert (
        progress.status() == "Recording \\[2/3] errors: Unknown storage — Then the shop is refused"
    )
    progress.feed(STREAM[7:])
    assert progress.status() == "Recording: 3 scenario(s) done, finishing"


def test_cassette_counts_only_passed_scenarios() -> None:
    console, _ = _plain_console()
    progress = Progress(console)
    progress.feed(STREAM)
    counts = progress.cassettes()
    assert dict(counts["guest_purchase"]) == {"changed": 1}
    assert dict(counts["errors"]) == {"created": 1}  # the failed one kept its cassette


def test_event_reader_waits_for_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    reader = EventReader(path)
    assert reader.new_events() == []  # no file yet
    emit(path, "collected", count=2)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"event": "scenario", "nodeid": "a"')  # half a line
    assert reader.new_events() == [{"event": "collected", "count": 2}]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(', "name": "x"}\n')
    assert reader.new_events() == [{"event": "scenario", "nodeid": "a", "name": "x"}]
    assert reader.new_events() == []
