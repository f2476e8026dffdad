"""The sandbox fixtures the test folders share, and what the quickstart clone leaves to the
outer run.

`running` is one sandbox per module, on a free loopback port, accepting `sandbox_app_token`
(a module overrides that fixture to plant its own token); `sb` is that sandbox reset to its
initial state before a test.

`tests/quickstart` clones the repository and runs the README's `uv run pytest -q` in the clone,
with `ONEENTRY_QUICKSTART_CLONE` set. That inner run proves a newcomer's command installs,
collects and passes; the tests that re-run the whole project through the CLI (`tests/suite`),
the benchmark's smoke run and the 20-second load test would only repeat, at several minutes'
cost, what the outer run (the same commit) does anyway. In the clone they are skipped, with
that reason; everywhere else they run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from oneentry_sandbox import SandboxServer

NESTED = "ONEENTRY_QUICKSTART_CLONE"
_HERE = Path(__file__).resolve().parent
OUTER_ONLY = (_HERE / "suite", _HERE / "bench", _HERE / "sandbox" / "test_sandbox_load.py")
REASON = "run by the outer test session; the quickstart clone only proves the command works"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.environ.get(NESTED):
        return
    for item in items:
        path = item.path.resolve()
        if any(path == part or part in path.parents for part in OUTER_ONLY):
            item.add_marker(pytest.mark.skip(reason=REASON))


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
