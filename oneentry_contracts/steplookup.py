"""A memo for pytest-bdd's step lookup, the largest cost the harness adds to a scenario.

For every step of every scenario pytest-bdd scans every registered fixture for the step
definitions that parse the step's text (`pytest_bdd.scenario.find_fixturedefs_for_step`), so
its cost grows with the number of fixtures: with our ten step modules it took about a quarter
of a replayed scenario's CPU time (bench/README.md). Once collection is over, the step
definitions visible to the scenarios of one module no longer change, so the answer for
(step type, step text, module) is computed once per test session and then reused.

`install()` is idempotent and keeps pytest-bdd's own function doing the work; should a
pytest-bdd release rename it, nothing is patched and steps are looked up as before.
"""

from __future__ import annotations

import importlib
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Final

__all__ = ["install"]

_MODULE: Final = "pytest_bdd.scenario"  # `from pytest_bdd import scenario` is the decorator
_NAME: Final = "find_fixturedefs_for_step"
_FLAG: Final = "_oneentry_contracts_memo"


def install() -> None:
    """Make pytest-bdd remember which step definitions parse a step, per fixture manager."""
    module = importlib.import_module(_MODULE)
    original: Callable[..., Iterable[Any]] | None = getattr(module, _NAME, None)
    if original is None or getattr(original, _FLAG, False):
        return
    memos: weakref.WeakKeyDictionary[Any, dict[tuple[object, str, str], tuple[Any, ...]]] = (
        weakref.WeakKeyDictionary()
    )

    def find_fixturedefs_for_step(step: Any, fixturemanager: Any, node: Any) -> tuple[Any, ...]:
        scope = node.parent if node.parent is not None else node  # a scenario's module
        memo = memos.setdefault(fixturemanager, {})
        key = (step.type, step.name, scope.nodeid)
        found = memo.get(key)
        if found is None:
            found = memo[key] = tuple(original(step=step, fixturemanager=fixturemanager, node=node))
        return found

    setattr(find_fixturedefs_for_step, _FLAG, True)
    setattr(module, _NAME, find_fixturedefs_for_step)
