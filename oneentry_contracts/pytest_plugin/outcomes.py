"""How a scenario's outcome is reported: harness errors without a traceback, the failing step
named, secrets scrubbed from failure text, usage errors turned into exit code 2, and the
cassettes kept because their scenario failed while recording, listed at the end.

The plugin's fixtures leave what these hooks need in the item's stash: the scrubber
(`SCRUBBER`), the recording (`RECORDING`); the hooks leave whether the call failed
(`CALL_FAILED`), which the cassette's save gate and the replay's all-played check read.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.exceptions import GherkinParseError, StepDefinitionNotFoundError

from oneentry_contracts.errors import ConfigError, HarnessError, UnreadableCassette
from oneentry_contracts.pytest_plugin import explain
from oneentry_contracts.recording.cassettes import AtomicPersister
from oneentry_contracts.recording.scrub import Scrubber

__all__ = [
    "CALL_FAILED",
    "RECORDING",
    "SCRUBBER",
    "USAGE_ERRORS",
    "Recording",
]

CALL_FAILED = pytest.StashKey[bool]()
SCRUBBER = pytest.StashKey[Scrubber]()
RECORDING = pytest.StashKey["Recording"]()
MISSING_STEP = pytest.StashKey[str]()
FAILED_STEP = pytest.StashKey[str]()
# Problems with what the user wrote (config, feature, step text, table value, cassette file): the
# run exits 2 (pytest: USAGE_ERROR), even when found while a scenario runs; a scenario whose check
# fails (schema, status, a request that differs from the recording) exits 1.
USAGE_ERRORS: tuple[type[BaseException], ...] = (
    ConfigError,
    UnreadableCassette,
    StepDefinitionNotFoundError,
)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(RunNotes(), "oneentry-run-notes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the scenario failed, and show harness errors without a traceback.

    Reports carry `oneentry_usage` (a usage error: the run exits 2) and, on the teardown of a
    scenario that failed while recording, `oneentry_kept` (what happened to its cassette).
    """
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    recorded = item.stash.get(RECORDING, None)
    if report.when == "teardown" and recorded is not None and item.stash.get(CALL_FAILED, True):
        report.oneentry_kept = recorded.note(item.config.rootpath)  # type: ignore[attr-defined]
    if call.excinfo is not None and call.excinfo.errisinstance(USAGE_ERRORS):
        report.oneentry_usage = True  # type: ignore[attr-defined]
    if call.excinfo is not None and call.excinfo.errisinstance(StepDefinitionNotFoundError):
        report.longrepr = item.stash.get(MISSING_STEP, str(call.excinfo.value))
    if call.excinfo is not None and call.excinfo.errisinstance(HarnessError):
        step = item.stash.get(FAILED_STEP, "")
        report.longrepr = f"{step}{call.excinfo.value}"
    elif call.excinfo is not None and report.failed and FAILED_STEP in item.stash:
        # Any other failure of a step (a Then's assert): pytest's text, headed by the step.
        report.longrepr = f"{item.stash[FAILED_STEP]}{report.longrepr}"
    scrubber = item.stash.get(SCRUBBER, None)
    if scrubber is not None and report.longrepr:
        # Failure text can quote bodies and values: no token, password or host may reach it.
        report.longrepr = scrubber.text(str(report.longrepr))
    return report


def pytest_bdd_step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """Name the failing step, its line and the feature file, as pytest-bdd's own errors do."""
    where = f'{Path(feature.filename).name}:{step.line_number}, scenario "{scenario.name}"'
    request.node.stash[FAILED_STEP] = f"Step failed: {step.keyword} {step.name}\n  at {where}\n\n"


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """A step text no definition matches: name it, where it is, and the closest wordings."""
    message = explain.missing_step(step, scenario, feature, request.config.rootpath)
    request.node.stash[MISSING_STEP] = message


def pytest_exception_interact(
    node: pytest.Item | pytest.Collector,
    call: pytest.CallInfo[Any],
    report: pytest.CollectReport | pytest.TestReport,
) -> None:
    """A feature file with broken Gherkin fails collection with one paragraph, no traceback."""
    if isinstance(report, pytest.CollectReport) and call.excinfo is not None:
        error = call.excinfo.value
        if isinstance(error, GherkinParseError):
            report.longrepr = explain.feature_syntax_error(error, node.config.rootpath)


class Recording:
    """One scenario's cassette while recording: was it there before, and what the persister did."""

    def __init__(self, cassette: Path, persister: AtomicPersister) -> None:
        self.cassette = cassette
        self.existed = cassette.is_file()
        self.persister = persister

    def note(self, root: Path) -> str:
        copy = self.persister.failed_copy
        return explain.kept_cassette(
            explain.shown_path(self.cassette, root),
            existed=self.existed,
            failed_copy=explain.shown_path(copy, root) if copy else None,
        )


class RunNotes:
    """Gathers what the reports say (from xdist workers too) for the end of the run: which
    cassettes were kept because their scenario failed while recording, and whether a usage
    error turns the exit status into USAGE_ERROR."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}
        self.usage = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if getattr(report, "oneentry_usage", False):
            self.usage = True
        if note := getattr(report, "oneentry_kept", None):
            self.kept[report.nodeid] = str(note)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.kept:
            terminalreporter.section("cassettes kept: scenarios that failed while recording")
            for note in self.kept.values():
                terminalreporter.line(note)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.usage and session.exitstatus == pytest.ExitCode.TESTS_FAILED:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
