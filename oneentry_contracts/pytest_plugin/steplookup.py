"""Memos for pytest-bdd's per-step lookups, the largest cost the harness adds to a scenario.

For every step of every scenario pytest-bdd (`pytest_bdd.scenario`):

- scans every registered fixture for the step definitions that parse the step's text
  (`find_fixturedefs_for_step`), so its cost grows with the number of fixtures: with our ten
  step modules it took about a quarter of a replayed scenario's CPU time (bench/README.md).
  Once collection is over, the step definitions visible to the scenarios of one module no
  longer change, so the answer for (step type, step text, module) is computed once per test
  session and then reused;
- inspects the step function's signature twice (`signature`, `get_required_args`), ~0.4 ms of
  a scenario's ~14. A function's signature does not change, so each is worked out once.

`install()` is idempotent and keeps pytest-bdd's own functions doing the work; a pytest-bdd
release without one of them is an `IncompatibleLibrary` error naming it (compat.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any, Final

__all__ = ["install"]

from oneentry_contracts.pytest_plugin import compat

_NAME: Final = "find_fixturedefs_for_step"
_PER_FUNCTION: Final = ("signature", "get_required_args")
_FLAG: Final = "_oneentry_contracts_memo"


def install() -> None:
    """Make pytest-bdd remember which step definitions parse a step, per fixture manager, and
    what each step function's signature asks for."""
    module = compat.step_lookup_module()  # checked to have every function patched here
    _remember_step_definitions(module)
    for name in _PER_FUNCTION:
        _remember_per_function(module, name)


def _remember_step_definitions(module: ModuleType) -> None:
    original: Callable[..., Iterable[Any]] = getattr(module, _NAME)
    if getattr(original, _FLAG, False):  # installed already
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


def _remember_per_function(module: ModuleType, name: str) -> None:
    """`module.name(func)`, remembered per function (a list result is copied for each caller)."""
    original: Callable[[Callable[..., Any]], Any] = getattr(module, name)
    if getattr(original, _FLAG, False):  # installed already
        return
    memo: weakref.WeakKeyDictionary[Callable[..., Any], Any] = weakref.WeakKeyDictionary()

    def remembered(func: Callable[..., Any]) -> Any:
        try:
            found = memo[func]
        except KeyError:
            found = memo[func] = original(func)
        except TypeError:  # not weak-referenceable: nothing to remember it by
            return original(func)
        return list(found) if isinstance(found, list) else found

    setattr(remembered, _FLAG, True)
    setattr(module, name, remembered)
