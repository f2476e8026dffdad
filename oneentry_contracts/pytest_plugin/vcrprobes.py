"""vcrpy's search for HTTP client libraries, done once per run instead of once per cassette.

Every time a cassette is entered, vcrpy's `CassettePatcherBuilder` (vcr/patch.py) tries to
import each client library it knows how to patch and skips those that fail. Python does not
remember a failed import, so every absent library costs a search of every `sys.path` entry
(through pytest's assertion-rewriting import hook) in every scenario: ~1 ms of a replayed
scenario's ~14 (bench/README.md). `remember_absent()` puts `None` in `sys.modules` for the
libraries that are not installed, which makes importing them fail at once, as it would have
failed anyway; `forget()` takes exactly those entries out again.
"""

from __future__ import annotations

import importlib.util
import sys

from oneentry_contracts.pytest_plugin.compat import PROBED

__all__ = ["PROBED", "forget", "remember_absent"]

_remembered: set[str] = set()


def remember_absent() -> tuple[str, ...]:
    """Make importing every probed library that is not installed fail at once; which ones."""
    for name in PROBED:
        if name in sys.modules and sys.modules[name] is None:
            _remembered.add(name)  # ours, put back by a restored sys.modules snapshot (pytester)
        if name in sys.modules or name in _remembered:
            continue
        if importlib.util.find_spec(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]  # "import halted": ImportError
            _remembered.add(name)
    return tuple(sorted(_remembered))


def forget() -> None:
    """Undo `remember_absent`: a library installed since can be imported again."""
    for name in sorted(_remembered):
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
    _remembered.clear()
