"""The memo of pytest-bdd's step lookup (oneentry_contracts/steplookup.py)."""

from __future__ import annotations

import importlib
import inspect
import textwrap

import pytest

from oneentry_contracts.pytest_plugin import steplookup

pytest_plugins = ["pytester"]

FEATURE = """\
Feature: Lookup
  Scenario Outline: The shop says <word>
    Given the shop's word
    Then the word is "<word>"

    Examples:
      | word |
      | {word} |
      | {word} |
"""

STEPS = """\
from pytest_bdd import given, parsers, then

@given("the shop's word", target_fixture="word")
def word():
    return {word!r}

@then(parsers.parse('the word is "{{expected}}"'))
def word_is(word, expected):
    assert word == expected
"""


def test_install_is_idempotent_and_keeps_the_original_doing_the_work() -> None:
    module = importlib.import_module("pytest_bdd.scenario")
    steplookup.install()
    first = module.find_fixturedefs_for_step
    steplookup.install()
    assert module.find_fixturedefs_for_step is first
    assert getattr(first, "_oneentry_contracts_memo", False)


def test_each_folder_keeps_its_own_step_definitions(pytester: pytest.Pytester) -> None:
    """The same step text, defined differently in two folders' conftests: every scenario gets
    its own folder's definition, however often the lookup is remembered."""
    steplookup.install()
    for folder, word in (("north", "snow"), ("south", "sand")):
        pytester.mkpydir(folder)
        (pytester.path / folder / "conftest.py").write_text(STEPS.format(word=word))
        (pytester.path / folder / f"{folder}.feature").write_text(FEATURE.format(word=word))
        (pytester.path / folder / f"test_{folder}.py").write_text(
            textwrap.dedent(f"""\
                from pytest_bdd import scenarios
                scenarios("{folder}.feature")
            """)
        )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:oneentry_contracts")
    result.assert_outcomes(passed=4)


def test_a_wrong_definition_still_fails(pytester: pytest.Pytester) -> None:
    """The memo must not turn a failing scenario into a passing one."""
    steplookup.install()
    pytester.makeconftest(STEPS.format(word="snow"))
    pytester.makefile(".feature", lookup=FEATURE.format(word="sand"))
    pytester.makepyfile('from pytest_bdd import scenarios\nscenarios("lookup.feature")\n')
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:oneentry_contracts").assert_outcomes(
        failed=2
    )


def test_step_signatures_are_remembered_per_function_and_stay_right() -> None:
    """pytest-bdd's two signature lookups give what the originals give, each function its
    own answer, and a list that one caller changes does not change the next caller's."""
    module = importlib.import_module("pytest_bdd.scenario")
    steplookup.install()
    assert getattr(module.signature, "_oneentry_contracts_memo", False)
    assert getattr(module.get_required_args, "_oneentry_contracts_memo", False)

    def one(api, order, count=1):  # type: ignore[no-untyped-def]
        return api, order, count

    def two(cart):  # type: ignore[no-untyped-def]
        return cart

    assert module.get_required_args(one) == ["api", "order"]
    assert module.get_required_args(two) == ["cart"]
    module.get_required_args(one).append("changed")
    assert module.get_required_args(one) == ["api", "order"]
    assert list(module.signature(one).parameters) == ["api", "order", "count"]
    assert module.signature(one) is module.signature(one)
    assert list(module.signature(two).parameters) == ["cart"]
    assert module.signature(len) == inspect.signature(len)  # a builtin: not weak-referenceable
