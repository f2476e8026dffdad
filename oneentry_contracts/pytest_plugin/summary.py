"""A tiny pytest plugin that writes per-feature scenario outcomes to a JSON file.

`oneentry-contracts run` runs pytest in a child process (so nothing the command imported can
interfere with pytest's plugins) with `-p oneentry_contracts.pytest_plugin.summary`
and the file's path in `ONEENTRY_SUMMARY_FILE`; it reads the file back to print its summary
table. The file is `{"features": {feature: {outcome: count}}, "kept": [note, ...]}`, where
each note says which cassette was kept because its scenario failed while recording (the
plugin's `oneentry_kept`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `run` reads SUMMARY_ENV from here without importing pytest
    import pytest

__all__ = ["SUMMARY_ENV"]

SUMMARY_ENV = "ONEENTRY_SUMMARY_FILE"


class _Tally:
    """Counts outcomes per feature: a scenario counts once, as passed, failed or skipped.

    A scenario whose call passed but whose teardown failed (its cassette could not be written:
    a full disk) counts as failed, not as passed and failed: the outcome is decided per test
    id, over all of its reports (setup, call, teardown), and counted at the end.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.outcomes: dict[str, tuple[str, str]] = {}  # node id -> (feature, outcome)
        self.kept: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if note := getattr(report, "oneentry_kept", None):
            self.kept.append(str(note))
        feature = next(
            (str(v) for k, v in report.user_properties if k == "feature"),
            report.nodeid.split("::", 1)[0],
        )
        _, before = self.outcomes.get(report.nodeid, (feature, ""))
        if report.failed:
            outcome = "failed"
        elif before == "failed":
            return
        elif report.skipped and report.when in ("setup", "call"):
            outcome = "skipped"
        elif report.when == "call":
            outcome = before or report.outcome
        else:
            return
        self.outcomes[report.nodeid] = (feature, outcome)

    def pytest_sessionfinish(self) -> None:
        counts: dict[str, Counter[str]] = {}
        for feature, outcome in self.outcomes.values():
            counts.setdefault(feature, Counter())[outcome] += 1
        features = {feature: dict(tally) for feature, tally in counts.items()}
        data = {"features": features, "kept": sorted(self.kept)}
        self.target.write_text(json.dumps(data), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    target = os.environ.get(SUMMARY_ENV)
    if target and not hasattr(config, "workerinput"):  # the xdist controller sees every report
        config.pluginmanager.register(_Tally(Path(target)), "oneentry-summary-tally")
