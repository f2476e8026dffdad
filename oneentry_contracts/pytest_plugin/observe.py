"""The pytest plugin that watches scenarios run: the run report and the progress events.

Loaded by the plugin (`pytest_plugin.plugin`). With `--oneentry-report DIR` it writes into DIR:

    junit.xml      pytest's own JUnit XML (`--junitxml`), unless that option is given
    cucumber.json  pytest-bdd's Cucumber JSON (`--cucumberjson`), unless that option is given
    report.json    every scenario, step by step (`oneentry_contracts.reporting.report`)
    report.html    the same as one offline HTML page (`oneentry_contracts.reporting.report_html`)

With `ONEENTRY_EVENTS_FILE` set (by `oneentry-contracts run`) it appends progress events there
(`oneentry_contracts.reporting.events`).

Records are built in the process that runs the scenario, from pytest-bdd's step hooks and the
session HTTP client's responses, and travel to the controller on the teardown report (an
attribute survives xdist's report serialisation). A failing step's error, request, response and
schema violation pass through the scenario's scrubber, the one its cassette uses
(`oneentry_contracts.reporting.capture`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from oneentry_contracts.errors import ConfigError, HarnessError
from oneentry_contracts.pytest_plugin import compat
from oneentry_contracts.recording.naming import cassette_path, scenario_name, scenario_template
from oneentry_contracts.recording.scrub import Scrubber
from oneentry_contracts.reporting.capture import error_text, exchange_of, violation_of
from oneentry_contracts.reporting.events import EVENTS_ENV, emit
from oneentry_contracts.reporting.report import (
    REPORT_JSON,
    CassetteChange,
    Outcome,
    RunReport,
    ScenarioRecord,
    StepRecord,
    prepare_report_dir,
    scenario_from_dict,
    scenario_to_dict,
)
from oneentry_contracts.reporting.report_html import REPORT_HTML, render_html

__all__ = ["REPORT_OPTION"]

REPORT_OPTION = "--oneentry-report"
_RECORD_ATTRIBUTE = "oneentry_scenario"  # the TestReport attribute that carries a record
# pytest-bdd 9 keeps a report's scenario for its Cucumber JSON in a registry keyed by the report
# object, which never leaves an xdist worker; we carry it across in this attribute.
_BDD_ATTRIBUTE = "oneentry_bdd_scenario"
_OBSERVER = pytest.StashKey["_Observer"]()
_RUN = pytest.StashKey["_ScenarioRun"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("oneentry").addoption(
        REPORT_OPTION,
        metavar="DIR",
        help="write junit.xml, cucumber.json, report.json and report.html into DIR",
    )


@pytest.hookimpl(tryfirst=True)  # before junitxml and pytest-bdd read their paths
def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption(REPORT_OPTION)
    try:
        report_dir = prepare_report_dir(Path(folder)) if folder else None
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    if report_dir is not None:
        config.option.xmlpath = config.option.xmlpath or str(report_dir / "junit.xml")
        cucumber = compat.cucumber_json_path(config)
        config.option.cucumber_json_path = cucumber or str(report_dir / "cucumber.json")
    events = os.environ.get(EVENTS_ENV)
    observer = _Observer(
        config,
        report_dir=report_dir,
        events=Path(events) if events else None,
        controller=not hasattr(config, "workerinput"),
    )
    config.stash[_OBSERVER] = observer
    config.pluginmanager.register(observer, "oneentry-observer")


@dataclass
class _Step:
    keyword: str
    text: str
    line: int
    table: tuple[tuple[str, ...], ...]
    started: float = 0.0
    record: StepRecord | None = None


@dataclass
class _ScenarioRun:
    """What one scenario has done so far, in the process that runs it."""

    feature: str
    feature_title: str
    name: str
    cassette: Path | None
    cassette_before: bytes | None
    steps: list[_Step] = field(default_factory=list)
    current: int = -1
    scrubber: Scrubber | None = None
    outcome: Outcome = "passed"
    duration: float = 0.0
    failure: list[str] = field(default_factory=list)


class _Observer:
    def __init__(
        self,
        config: pytest.Config,
        *,
        report_dir: Path | None,
        events: Path | None,
        controller: bool,
    ) -> None:
        self.config = config
        self.report_dir = report_dir
        self.events = events
        self.controller = controller
        # Records and pytest-bdd's scenario reports go with the test reports (to the controller,
        # under xdist) only for the report files that need them: reports are kept to the end.
        self.cucumber = bool(compat.cucumber_json_path(config))
        self.records: list[ScenarioRecord] = []
        # The scenario's responses so far, each with the step that received it.
        self.responses: list[tuple[str, httpx.Response]] = []
        self._step_label = ""
        self._hooked: set[int] = set()

    def _emit(self, event: str, **fields: Any) -> None:
        if self.events is not None:
            emit(self.events, event, **fields)

    # -- collection and setup -----------------------------------------------------------------

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        count = sum(1 for item in session.items if scenario_template(item) is not None)
        self._emit("collected", count=count)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        template = scenario_template(item)
        if template is None:
            return
        path = cassette_path(item)
        recording = self.config.getoption("--oneentry-mode") == "record"
        before = path.read_bytes() if recording and path and path.is_file() else None
        run = _ScenarioRun(
            feature=Path(template.feature.filename).stem,
            feature_title=template.feature.name,
            name=scenario_name(item, template),
            cassette=path if recording else None,
            cassette_before=before,
        )
        item.stash[_RUN] = run
        self._emit("scenario", nodeid=item.nodeid, feature=run.feature, name=run.name)

    # -- pytest-bdd steps ---------------------------------------------------------------------

    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, scenario: Any) -> None:
        run = request.node.stash.get(_RUN, None)
        if run is None:
            return
        run.name = scenario.name
        self.responses.clear()
        run.steps = [
            _Step(
                step.keyword,
                step.name,
                step.line_number,
                tuple(tuple(str(c) for c in row) for row in step.datatable.raw())
                if step.datatable is not None
                else (),
            )
            for step in scenario.steps
        ]
        try:
            run.scrubber = request.getfixturevalue("oneentry_scrubber")
            http: httpx.Client = request.getfixturevalue("oneentry_http")
        except (pytest.FixtureLookupError, HarnessError):  # the steps will report the cause
            return
        if id(http) not in self._hooked:
            http.event_hooks["response"].append(self._on_response)
            self._hooked.add(id(http))

    def _on_response(self, response: httpx.Response) -> None:
        self.responses.append((self._step_label, response))

    def pytest_bdd_before_step(self, request: pytest.FixtureRequest, step: Any) -> None:
        run = request.node.stash.get(_RUN, None)
        if run is None or run.current + 1 >= len(run.steps):
            return
        run.current += 1
        current = run.steps[run.current]
        current.started = time.perf_counter()
        self._step_label = f"{step.keyword} {step.name}"
        self._emit("step", nodeid=request.node.nodeid, keyword=step.keyword, text=step.name)

    def pytest_bdd_after_step(self, request: pytest.FixtureRequest) -> None:
        run = request.node.stash.get(_RUN, None)
        if run is not None and run.current >= 0:
            step = run.steps[run.current]
            step.record = self._step_record(step, "passed")

    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, exception: Exception) -> None:
        run = request.node.stash.get(_RUN, None)
        if run is None or run.current < 0:
            return
        step = run.steps[run.current]
        scrubber = run.scrubber
        text = error_text(exception)
        last = self.responses[-1] if self.responses and scrubber else None
        step.record = self._step_record(
            step,
            "failed",
            error=scrubber.text(text) if scrubber else text,
            exchange=exchange_of(*last, scrubber) if last and scrubber else None,
            violation=violation_of(exception, scrubber),
        )

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: Any, exception: Exception
    ) -> None:
        run = request.node.stash.get(_RUN, None)
        if run is None:
            return
        index = next((i for i, s in enumerate(run.steps) if s.line == step.line_number), None)
        if index is not None:
            run.current = index
            run.steps[index].record = self._step_record(
                run.steps[index], "failed", error=str(exception)
            )

    def _step_record(self, step: _Step, outcome: Outcome, **extra: Any) -> StepRecord:
        duration = time.perf_counter() - step.started if step.started else 0.0
        return StepRecord(
            step.keyword, step.text, step.line, outcome, duration, table=step.table, **extra
        )

    # -- outcome, cassette, hand-over ---------------------------------------------------------

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: sees the plugin's scrubbed text
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        run = item.stash.get(_RUN, None)
        if run is None:
            return report
        context = compat.report_contexts().get(report)
        if context is not None and not self.controller and self.cucumber:
            setattr(report, _BDD_ATTRIBUTE, {"scenario": context.scenario, "name": context.name})
        run.duration += report.duration
        if report.failed:
            run.outcome = "failed"
            text = str(report.longrepr)
            run.failure.append(run.scrubber.text(text) if run.scrubber else text)
        elif report.skipped and run.outcome != "failed":
            run.outcome = "skipped"
        if report.when == "teardown":
            del item.stash[_RUN]  # the scenario is over: nothing of it is kept but its record
            record = self._finish(item.nodeid, run)
            if self.report_dir is not None:
                setattr(report, _RECORD_ATTRIBUTE, scenario_to_dict(record))
            self._emit(
                "done",
                nodeid=item.nodeid,
                feature=record.feature,
                name=record.name,
                outcome=record.outcome,
                cassette=record.cassette_change,
            )
        return report

    def _finish(self, nodeid: str, run: _ScenarioRun) -> ScenarioRecord:
        steps = tuple(
            step.record
            or StepRecord(step.keyword, step.text, step.line, "skipped", table=step.table)
            for step in run.steps
        )
        change: CassetteChange | None = None
        shown = ""
        if run.cassette is not None:
            shown = str(run.cassette.relative_to(self.config.rootpath))
            after = run.cassette.read_bytes() if run.cassette.is_file() else None
            if after is not None and run.cassette_before is None:
                change = "created"
            elif after is not None:
                change = "unchanged" if after == run.cassette_before else "changed"
        return ScenarioRecord(
            nodeid=nodeid,
            feature=run.feature,
            feature_title=run.feature_title,
            name=run.name,
            outcome=run.outcome,
            duration=run.duration,
            steps=steps,
            failure="\n\n".join(run.failure),
            cassette=shown,
            cassette_change=change,
        )

    @pytest.hookimpl(tryfirst=True)  # before pytest-bdd's Cucumber JSON reads the registry
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        bdd = getattr(report, _BDD_ATTRIBUTE, None)
        if self.controller and isinstance(bdd, dict):
            compat.report_contexts()[report] = compat.report_context(bdd["scenario"], bdd["name"])
        data = getattr(report, _RECORD_ATTRIBUTE, None)
        if self.controller and isinstance(data, dict):
            self.records.append(scenario_from_dict(data))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if self.report_dir is None or not self.controller:
            return
        mode = str(self.config.getoption("--oneentry-mode"))
        report = RunReport(mode=mode, scenarios=tuple(self.records))
        report.dump(self.report_dir / REPORT_JSON)
        html = render_html(report)
        (self.report_dir / REPORT_HTML).write_text(html, encoding="utf-8")
