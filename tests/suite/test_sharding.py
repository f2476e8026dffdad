"""Parallel and sharded replay: `run -n 2` (pytest-xdist) and `run --splits 2 --group i`
(pytest-split, balanced on the committed `.test_durations`) run every scenario exactly once."""

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


def test_replay_with_two_workers_runs_every_scenario(suite: SuiteCopy) -> None:
    run = suite.run("-n", "2")
    assert run.code == 0, run.output
    assert "2 workers" in run.output
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
