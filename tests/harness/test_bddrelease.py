"""What pytest-bdd keeps of a finished scenario is let go (oneentry_contracts/bddrelease.py)."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

FEATURE = """\
Feature: Orders
  Scenario Outline: A shopper orders <count>
    Given an order of <count>
    When the order is doubled
    Then the order holds <double>

    Examples:
      | count | double |
      | 1     | 2      |
      | 2     | 4      |
      | 3     | 6      |
"""

STEPS = """\
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from conftest import Order

scenarios("orders.feature")


@pytest.fixture(scope="session")
def shop():
    return "shop"


@pytest.fixture
def basket(shop):  # a function-scoped fixture using a session-scoped one, as the harness's do
    return []


@given(parsers.parse("an order of {count:d}"), target_fixture="order")
def order(count, basket):
    return Order(count)


@when("the order is doubled", target_fixture="doubled")
def doubled(order):
    return Order(2 * order["count"])


@then(parsers.parse("the order holds {double:d}"))
def holds(doubled, double):
    assert doubled["count"] == double
"""

CONFTEST = """\
import gc
import json
import weakref

import pytest
from pytest_bdd import reporting

from oneentry_contracts.pytest_plugin import bddrelease

ALIVE = weakref.WeakSet()
BETWEEN = []  # how many step results are alive as each scenario starts


class Order(dict):
    def __init__(self, count):
        super().__init__(count=count)
        ALIVE.add(self)

    __hash__ = object.__hash__


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    try:
        return (yield)
    finally:
        if item.config.getoption("--release"):
            bddrelease.release_fixture_defs(item)


def pytest_runtest_logstart(nodeid):
    gc.collect()
    BETWEEN.append(len(ALIVE))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_protocol(item, nextitem):
    try:
        return (yield)
    finally:
        if item.config.getoption("--release"):
            bddrelease.release(item)


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report):
    if OPTIONS.get("release"):
        bddrelease.release_report(report)


OPTIONS = {}


def pytest_configure(config):
    OPTIONS["release"] = config.getoption("--release")
    bddrelease.remember_report_contexts()


def pytest_addoption(parser):
    parser.addoption("--release", action="store_true")


def pytest_sessionfinish(session):
    kept = [item for item in session.items if item in reporting.scenario_reports_registry]
    manager = session._fixturemanager
    values = [
        name
        for name in ("order", "doubled")
        for node in manager._arg2node2fixturedefs.get(name, {})
        if node in session.items
    ]
    copies = len(reporting.test_report_context_registry)
    with open("kept.json", "w") as out:
        counts = {"reports": len(kept), "values": len(values), "copies": copies}
        json.dump({**counts, "alive": max(BETWEEN)}, out)
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".feature", orders=FEATURE)
    pytester.makepyfile(test_orders=STEPS)
    pytester.makeconftest(CONFTEST)
    return pytester


def _kept(pytester: pytest.Pytester, *args: str) -> dict[str, int]:
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:oneentry_contracts", *args
    )
    result.assert_outcomes(passed=3)
    kept: dict[str, int] = json.loads((pytester.path / "kept.json").read_text())
    return kept


def test_pytest_bdd_keeps_every_scenario_without_it(project: pytest.Pytester) -> None:
    """The premise: without the release, pytest-bdd keeps three scenario reports, six values
    and a copy of the scenario for each call and teardown report pytest keeps; and pytest
    keeps every finished scenario's step results alive until the session's fixtures end (two
    scenarios' worth, four, as the third starts)."""
    assert _kept(project) == {"reports": 3, "values": 6, "copies": 6, "alive": 4}


def test_a_finished_scenario_leaves_nothing_behind(project: pytest.Pytester) -> None:
    assert _kept(project, "--release") == {"reports": 0, "values": 0, "copies": 0, "alive": 0}


def test_the_cucumber_report_still_has_every_step(project: pytest.Pytester) -> None:
    _kept(project, "--release", "--cucumberjson=cucumber.json")
    features = json.loads((project.path / "cucumber.json").read_text())
    elements = [element for feature in features for element in feature["elements"]]
    assert len(elements) == 3
    assert all(
        [step["result"]["status"] for step in element["steps"]] == ["passed"] * 3
        for element in elements
    )
    names = sorted(element["name"] for element in elements)
    assert names == [f"A shopper orders {n}" for n in (1, 2, 3)]
