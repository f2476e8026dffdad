"""The sandbox fixtures the test folders share, and what the quickstart clone leaves to the
outer run.

`running` is one sandbox per module, on a free loopback port, accepting `sandbox_app_token`
(a module overrides that fixture to plant its own token); `sb` is that sandbox reset to its
initial state before a test.

`tests/quickstart` clones the repository and runs the README's `uv run pytest -q` in the clone,
with `ONEENTRY_QUICKSTART_CLONE` set. That inner run proves a newcomer's command installs,
collects and passes; running the whole suite there again would only repeat, at minutes' cost,
what the outer run (the same commit) does anyway. So the clone runs the scenarios
(`features/`), the public API's tests and the quickstart's own checks (`CLONE_RUNS`), and
deselects every other test, saying so; everywhere else every test runs.

`uv run pytest` with no paths (the whole suite, the README's second command) runs in two
pytest-xdist workers (`WORKERS`) unless `-n` is given: most of its time is spent in child
processes and in waiting on them, and the tests share no state across modules (each module
starts its own sandbox; `xdist_group` marks keep together tests that must share a worker).
A run given paths, or `-n 0`, stays in one process.

The pytest processes the tests start (a scenario run in a scratch copy, the benchmark's smoke
run, ...) load no hypothesis plugin (`CHILD_ADDOPTS`, through `PYTEST_ADDOPTS`): hypothesis is
this repository's dev dependency, for its own property tests, not a shop's, and its plugin
imports all of hypothesis at every terminal summary, ~0.15 s of each of a hundred children.
This session's own processes (and its xdist workers) keep it.

They also write Python's bytecode cache, as Python does by default: this machine sets
`PYTHONDONTWRITEBYTECODE=1`, and in a fresh checkout, whose `.venv` uv installed without
bytecode, each of those ~200 processes compiled every module it imports (~3.5 s a pytest
start instead of ~0.9).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from oneentry_sandbox import SandboxServer

NESTED = "ONEENTRY_QUICKSTART_CLONE"
_HERE = Path(__file__).resolve().parent
CLONE_RUNS = (
    _HERE.parent / "features",
    _HERE / "harness" / "test_public_api.py",
    _HERE / "quickstart",
)
WORKERS = 2
CHILD_ADDOPTS = "-p no:hypothesispytest"
# Under xdist, the longest tests go first, so that no worker is left with one at the end.
SLOW_FIRST = (
    _HERE / "quickstart",
    _HERE / "bench",
    _HERE / "sdk",
    _HERE / "sandbox" / "test_sandbox_load.py",
    _HERE / "suite",
)


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which turns the option into workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The whole suite (no paths given) in `WORKERS` xdist workers, if `-n` is not given."""
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    if not whole_suite or os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get(NESTED):
        return  # (the quickstart clone runs a handful of tests: quicker in one process)
    if getattr(config.option, "numprocesses", 0) is not None:  # -n given, or no xdist at all
        return
    if config.option.collectonly or config.getoption("usepdb", False):
        return
    config.option.numprocesses = WORKERS
    if config.option.dist == "no":
        config.option.dist = "loadgroup"


def pytest_configure(config: pytest.Config) -> None:
    """The children of this process get `CHILD_ADDOPTS`; an xdist controller's workers do not.
    Every process this one starts writes its bytecode cache."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return  # the controller: the processes it starts are this session's workers
    current = os.environ.get("PYTEST_ADDOPTS", "")
    if CHILD_ADDOPTS not in current:
        os.environ["PYTEST_ADDOPTS"] = f"{current} {CHILD_ADDOPTS}".strip()


def in_clone_run(path: Path) -> bool:
    """Whether the quickstart clone's `uv run pytest -q` runs the tests in `path`."""
    path = path.resolve()
    return any(path == part or part in path.parents for part in CLONE_RUNS)


def _rank(item: pytest.Item) -> int:
    path = item.path.resolve()
    ranks = (i for i, part in enumerate(SLOW_FIRST) if path == part or part in path.parents)
    return next(ranks, len(SLOW_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if getattr(config.option, "numprocesses", None):
        items.sort(key=_rank)  # stable: the order within each rank is kept
    if not os.environ.get(NESTED):
        return
    kept = [item for item in items if in_clone_run(item.path)]
    dropped = [item for item in items if not in_clone_run(item.path)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="module")
def sandbox_app_token() -> str:
    return "test-app-token"


@pytest.fixture(scope="module")
def running(sandbox_app_token: str) -> Iterator[SandboxServer]:
    with SandboxServer(app_token=sandbox_app_token) as server:
        yield server


@pytest.fixture
def sb(running: SandboxServer) -> SandboxServer:
    """The module's sandbox, back in its initial state."""
    running.state.reset()
    return running
