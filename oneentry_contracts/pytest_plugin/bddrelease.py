"""Letting go of what pytest-bdd keeps of a scenario once it is over.

pytest-bdd keeps, for every scenario until the end of the session:

- its scenario report (`pytest_bdd.reporting.scenario_reports_registry`, keyed by the test
  item), with the rendered scenario and its steps; the report is serialised into the test
  reports (where the Cucumber JSON reads it) while the scenario runs, so it is not read again;
- one fixture per `target_fixture` value its steps returned (`pytest_bdd.compat.inject_fixture`
  registers them with pytest under the item and never removes them), holding the value: the
  orders, sessions and answers of every scenario of the run;
- for the call and the teardown report, the scenario serialised again
  (`test_report_context_registry`, weakly keyed by the report, which pytest's terminal
  summary keeps to the end): read only while the report is logged, by the Cucumber JSON and
  the Gherkin terminal reporter.

In an 800-scenario replay that was ~40% of the objects alive at the end, which every full
garbage collection walks and the interpreter frees at exit, in every xdist worker too
(bench/README.md). `release(item)` drops the first two once the item's run protocol is over,
`release_report(report)` the third once the report has been logged.

The step-result fixtures were also kept from the other side, by pytest: every function-scoped
fixture that uses a session-scoped one leaves on it a finalizer bound to the item's request
(`FixtureDef.execute`), until the session ends; the request's fixture definitions, shared by
all its sub-requests, hold the injected ones, and so each scenario's answers: ~40 KB a
scenario, ~30 MB of an 800-scenario replay's peak. `release_fixture_defs(item)` empties them
once the item's teardown is over (nothing reads them after it).

As a plugin module (`plugin.py` registers it), its hooks call each at its moment, and a pytest
whose fixture manager it cannot read stops the run at its start.
"""

from __future__ import annotations

from collections.abc import Generator, MutableMapping
from typing import Any

import pytest

from oneentry_contracts.errors import HarnessError
from oneentry_contracts.pytest_plugin import compat

__all__ = ["release", "release_fixture_defs", "release_report", "remember_report_contexts"]

_contexts: MutableMapping[Any, Any] = {}


def release(item: pytest.Item) -> None:
    """Forget pytest-bdd's scenario report and step-result fixtures of a finished item."""
    compat.scenario_reports().pop(item, None)
    for by_node in compat.fixtures_by_node(item.session).values():  # where pytest-bdd put them
        by_node.pop(item, None)


def release_fixture_defs(item: pytest.Item) -> None:
    """Forget the fixture definitions (values included) the finished item's request resolved."""
    defs = compat.fixture_defs_of(item)
    if defs is not None:
        defs.clear()


def remember_report_contexts() -> None:
    """Look pytest-bdd's report contexts up once, when the run is configured (`compat` checks
    them then): a report is logged in a hook, where a failed look-up would stop pytest."""
    global _contexts  # one registry per process, pytest-bdd's own
    _contexts = compat.report_contexts()


def release_report(report: pytest.TestReport) -> None:
    """Forget pytest-bdd's copy of the scenario attached to a test report that was logged."""
    _contexts.pop(report, None)


# ---------------------------------------------------------------------------------------------
# Hooks


@pytest.hookimpl(trylast=True)  # after pytest has made the session's fixture manager
def pytest_sessionstart(session: pytest.Session) -> None:
    """A pytest whose fixture manager this module cannot read stops the run here."""
    try:
        compat.fixtures_by_node(session)
    except HarnessError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(trylast=True)  # after the Cucumber JSON and the Gherkin reporter read it
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    release_report(report)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after every fixture's teardown
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None]:
    try:
        return (yield)
    finally:
        release_fixture_defs(item)


@pytest.hookimpl(wrapper=True, trylast=True)  # innermost: after every report of the item
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    try:
        return (yield)
    finally:
        release(item)
