"""A pytest plugin the benchmark loads (`-p bench.timing_plugin`) in every measured run.

It writes one JSON object to the file named by `BENCH_TIMING_FILE`: when the session started,
when collection finished, how long the test loop took (wall and this process's CPU time), when
the first and the last test report arrived (wall-clock time, so that the parent can tell the
start-up and the shut-down of the run apart from its tests), and how many tests passed and
failed. Under pytest-xdist only the controller writes (it sees every report); a pytest-split
group (`oneentry-contracts run -n 2` runs two side by side) writes to the file's name with
`.group<I>` appended, and the benchmark merges them (bench/measure.py).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path

import pytest

__all__ = ["TIMING_ENV"]

TIMING_ENV = "BENCH_TIMING_FILE"


class _Timer:
    def __init__(self, target: Path) -> None:
        self.target = target
        self.session_start = 0.0
        self.collected_at = 0.0
        self.loop_start = 0.0
        self.loop_end = 0.0
        self.loop_cpu = 0.0
        self.collected = 0
        self.first_report = 0.0
        self.last_report = 0.0
        self.outcomes = {"passed": 0, "failed": 0, "skipped": 0}

    def pytest_sessionstart(self) -> None:
        self.session_start = time.perf_counter()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected_at = time.perf_counter()
        self.collected = len(session.items)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        self.loop_start = time.perf_counter()
        cpu = time.process_time()
        try:
            return (yield)
        finally:
            self.loop_end = time.perf_counter()
            self.loop_cpu = time.process_time() - cpu

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.last_report = time.time()
        self.first_report = self.first_report or self.last_report
        if report.failed:
            self.outcomes["failed"] += 1
        elif report.when == "call" and report.passed:
            self.outcomes["passed"] += 1
        elif report.when == "setup" and report.skipped:
            self.outcomes["skipped"] += 1

    def pytest_sessionfinish(self) -> None:
        data = {
            "collection_s": max(self.collected_at - self.session_start, 0.0),
            "loop_s": self.loop_end - self.loop_start,
            "loop_cpu_s": self.loop_cpu,
            "collected": self.collected,
            "first_report_at": self.first_report,
            "last_report_at": self.last_report,
            **self.outcomes,
        }
        self.target.write_text(json.dumps(data), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    target = os.environ.get(TIMING_ENV)
    if target and not hasattr(config, "workerinput"):
        group = getattr(config.option, "group", None)
        path = Path(f"{target}.group{group}") if group else Path(target)
        config.pluginmanager.register(_Timer(path), "bench-timer")
