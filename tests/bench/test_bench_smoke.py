"""Keeps the benchmark from rotting: a 3-scenario run of every variant, one round.

No timing is asserted; the numbers only have to exist, be positive, and come from runs in
which every generated scenario actually ran and passed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench.report import BEGIN, END
from bench.run import VARIANTS, main
from bench.suites import cassette_name, feature_text, rows

SIZE = 3


def test_three_scenario_run_reports_every_variant(tmp_path: Path) -> None:
    readme, report = tmp_path / "README.md", tmp_path / "report.json"
    readme.write_text("# Benchmark\n\nkept text\n", encoding="utf-8")
    suites = tmp_path / "suites"
    code = main(
        [
            "--sizes", str(SIZE), "--repeat", "1", "--load-seconds", "1", "--no-warmup",
            "--readme", str(readme), "--json", str(report), "--keep", str(suites),
        ]
    )  # fmt: skip
    assert code == 0
    data = json.loads(report.read_text("utf-8"))
    assert {run["variant"] for run in data["runs"]} == set(VARIANTS)
    for run in data["runs"]:
        assert run["size"] == SIZE
        assert run["passed"] == SIZE, run  # every generated scenario ran and passed
        assert run["failed"] == 0
        for key in ("wall_s", "loop_s", "peak_rss_mib"):
            assert math.isfinite(run[key]), (key, run)
            assert run[key] > 0, (key, run)
        assert run["loop_s"] < run["wall_s"]
        assert 0 < run["startup_s"] < run["wall_s"], run  # the phases lie within the run
        assert 0 < run["shutdown_s"] < run["wall_s"] - run["startup_s"], run
    targets = {t["name"] for t in data["summary"]["targets"]}
    assert any(name.startswith("harness/baseline") for name in targets)
    assert any(name.startswith("pytest -n 2 (xdist)") for name in targets)
    assert any(name.startswith("`oneentry-contracts run -n 2`") for name in targets)
    load = data["summary"]["load_test"]
    assert load["orders"] > 0
    assert load["orders"] == load["sessions"]
    assert load["errors"] == 0
    assert load["rps"] > 0
    text = readme.read_text("utf-8")
    assert text.startswith("# Benchmark\n\nkept text\n")
    assert BEGIN in text
    assert END in text
    assert "| harness | 3 |" in text
    assert "pytest's `-n 2` would take" in text  # the bounds from the phases
    assert "`run -n 2` would take" in text
    cassettes = sorted(p.name for p in (suites / "harness-3" / "cassettes").rglob("*.yaml"))
    assert cassettes == sorted(cassette_name(r) for r in rows(SIZE))
    assert len(list((suites / "baseline-3" / "cassettes").glob("*.yaml"))) == SIZE


def test_feature_has_one_example_per_scenario() -> None:
    text = feature_text(50)
    table = text.split("Examples:", 1)[1].strip().splitlines()
    assert len(table) == 1 + 50
    assert len({cassette_name(r) for r in rows(50)}) == 50
