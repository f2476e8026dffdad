"""Parallel and sharded replay: `run -n 2` (two pytest-split groups side by side; with
`--report`, or recording, pytest-xdist) and `run --splits 2 --group i` (pytest-split,
balanced on the committed `.test_durations`) run every scenario exactly once."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.suite.conftest import ROOT, SCENARIOS, SuiteCopy

_PASSED = re.compile(r"^(features/.+?::.+?) PASSED", re.MULTILINE)


def _collected(suite: SuiteCopy) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "--collect-only", "-q"],
        cwd=suite.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def _passed_count(output: str) -> int:
    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def test_the_committed_durations_cover_every_scenario() -> None:
    durations = json.loads((ROOT / ".test_durations").read_text("utf-8"))
    scenarios = [node for node in durations if node.startswith("features/")]
    assert len(scenarios) == SCENARIOS
    assert all(value >= 0 for value in durations.values())


def _table_total(output: str) -> tuple[int, int]:
    found = re.search(r"│ total +│ +(\d+) │ +(\d+) │", output)
    assert found, output[-3000:]
    return int(found[1]), int(found[2])


def test_a_parallel_replay_runs_every_scenario_once_in_two_groups(suite: SuiteCopy) -> None:
    everything = _collected(suite)
    run = suite.run("-n", "2", "--", "-v")
    assert run.code == 0, run.output
    assert "── group 1 of 2 ──" in run.output
    assert "── group 2 of 2 ──" in run.output
    first, second = run.output.split("── group 2 of 2 ──")
    ran = [_PASSED.findall(first), _PASSED.findall(second)]
    assert all(ran)  # both groups ran scenarios
    assert not set(ran[0]) & set(ran[1])
    assert sorted(ran[0] + ran[1]) == sorted(everything)
    assert "workers" not in run.output  # no pytest-xdist
    assert _table_total(run.output) == (SCENARIOS, 0)


def test_a_failure_in_one_group_fails_the_parallel_replay(suite: SuiteCopy) -> None:
    cassette = suite.root / "cassettes" / "errors" / "an_unknown_order_storage_is_not_found.yaml"
    text = cassette.read_text("utf-8")
    assert "code: 404" in text
    cassette.write_text(text.replace("code: 404", "code: 418"), encoding="utf-8")
    run = suite.run("-n", "2")
    assert run.code == 1, run.output
    assert "1 failed" in run.output  # the failing group's own summary, printed
    assert "an_unknown_order_storage_is_not_found" in run.output
    assert _table_total(run.output) == (SCENARIOS - 1, 1)


def test_a_parallel_replay_with_reports_uses_pytest_xdist(suite: SuiteCopy) -> None:
    run = suite.run("-n", "2", "--report", "reports")
    assert run.code == 0, run.output
    assert "2 workers" in run.output
    assert "── group" not in run.output
    assert _passed_count(run.output) == SCENARIOS, run.output


def test_two_shards_run_every_scenario_exactly_once(suite: SuiteCopy) -> None:
    everything = _collected(suite)
    assert len(everything) == SCENARIOS
    shards: list[list[str]] = []
    for group in ("1", "2"):
        run = suite.run("--splits", "2", "--group", group, "--", "-v")
        assert run.code == 0, run.output
        assert f"Running group {group}/2" in run.output
        ran = _PASSED.findall(run.output)
        assert _passed_count(run.output) == len(ran) > 0
        shards.append(ran)
    first, second = shards
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(everything)


def test_bad_shard_options_are_usage_errors(suite: SuiteCopy) -> None:
    run = suite.run("--splits", "2")
    assert run.code == 2
    assert "--splits N and --group I go together" in run.output
    run = suite.run("--splits", "2", "--group", "3")
    assert run.code == 2
    assert "the group must be from 1 to the number of splits" in run.output
    (suite.root / ".test_durations").unlink()
    run = suite.run("--splits", "2", "--group", "1")
    assert run.code == 2
    assert "oneentry-contracts run --store-durations" in run.output


def test_store_durations_refreshes_the_file(suite: SuiteCopy) -> None:
    path = suite.root / ".test_durations"
    path.unlink()
    run = suite.run("--store-durations")
    assert run.code == 0, run.output
    stored = json.loads(path.read_text("utf-8"))
    assert sorted(stored) == sorted(_collected(suite))
