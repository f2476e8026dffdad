"""`oneentry-contracts run --record` outside a terminal: one progress line per scenario, and a
final table that tells re-recorded cassettes from unchanged ones."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.suite.conftest import SCENARIOS, SuiteCopy
from tests.suite.test_suite import GUEST, _edit_interaction

DELETED = "errors/a_wrong_app_token_is_refused.yaml"
PROGRESS_LINE = re.compile(
    rf"^\[\s*(\d+)/{SCENARIOS}\] (passed|failed|skipped)\s+(\w+): (.+?)(?: \(cassette (\w+)\))?$"
)


def _older_total(interaction: dict[str, Any]) -> None:
    body = json.loads(interaction["response"]["body"]["string"])
    body["totalSum"] = body["totalSum"] + 1
    interaction["response"]["body"]["string"] = json.dumps(body, separators=(",", ":"))


def test_recording_shows_progress_and_counts_rerecorded_cassettes(suite: SuiteCopy) -> None:
    committed = suite.cassettes()
    cassette = suite.root / "cassettes" / GUEST
    _edit_interaction(cassette, "POST", "/orders-storage/marker/guest_orders/orders", _older_total)
    (suite.root / "cassettes" / DELETED).unlink()

    run = suite.run("--record")  # stdout is a pipe: no spinner, plain lines
    assert run.code == 0, run.output
    assert suite.cassettes() == committed  # re-recording restored both

    lines = [m for m in map(PROGRESS_LINE.match, run.output.splitlines()) if m]
    assert [int(m.group(1)) for m in lines] == list(range(1, SCENARIOS + 1))
    assert all(m.group(2) == "passed" for m in lines)
    changes = {m.group(4): m.group(5) for m in lines}
    assert changes["A guest buys 2 × Cosmo and pays by stripe"] == "changed"
    assert changes["A wrong app token is refused"] == "created"
    assert sorted(changes.values()).count("unchanged") == SCENARIOS - 2
    assert "⠋" not in run.output  # no spinner frames in a log

    total = re.search(r"total\W+(\d+)\W+(\d+)\W+(\d+)\W+(\d+)\W+(\d+)", run.output)
    assert total is not None, run.output
    unchanged = str(SCENARIOS - 2)
    # passed, failed, skipped, re-recorded, unchanged
    assert total.groups() == (str(SCENARIOS), "0", "0", "2", unchanged)
    assert f"re-recorded 2 cassette(s) (1 new), {unchanged} unchanged" in run.output
    # pytest's own summary is still shown, after the progress
    assert f"{SCENARIOS} passed" in run.output


def test_replay_shows_no_recording_columns(suite: SuiteCopy) -> None:
    run = suite.run("-k", "wrong_app_token")
    assert run.code == 0, run.output
    assert "re-recorded" not in run.output
    assert not any(PROGRESS_LINE.match(line) for line in run.output.splitlines())
