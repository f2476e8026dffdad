"""A newcomer's first five minutes: clone the repository, type the README's quickstart, pass.

The commands are read from the README's `## Quickstart` code block and run literally, each in a
shell, in a fresh `git clone` of this checkout's committed HEAD (uncommitted changes are not
part of a clone, as they are not part of a newcomer's). The clone has no `.venv`, no `.cache`
and no `uv.lock`, so `uv run` must create everything from the pinned versions.

Python packages come only from the caches the outer `uv run` has already filled (`UV_OFFLINE`,
`PIP_NO_INDEX`): the same pinned versions, no download; a cache miss fails this test. The one
exception is the clone's SDK fidelity test, which installs the official npm package exactly as
the outer run's does (`prefer-offline`: from npm's cache when the outer run has filled it).
Python writes its bytecode cache in the clone, as on a newcomer's machine (`tests/conftest.py`
does not pass this machine's `PYTHONDONTWRITEBYTECODE` on: with it, every command in the fresh
`.venv` compiled every module it imports again).

The clone's `uv run pytest -q` runs with `ONEENTRY_QUICKSTART_CLONE` set: this test skips
itself there (it cannot run inside itself), and the clone runs only the scenarios, the public
API's tests and this module's checks (`tests/conftest.py`'s `CLONE_RUNS`), deselecting the
rest, which this same session runs outside the clone; running the suite twice would double
CI's time for nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import NESTED, in_clone_run

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(
    r"^## Quickstart\n(?:.*?\n)*?```console\n(?P<body>.*?)```", re.MULTILINE | re.DOTALL
)


def quickstart_commands(readme: str) -> list[str]:
    """The command lines of the first console block under `## Quickstart`."""
    found = _BLOCK.search(readme)
    if found is None:
        raise AssertionError("README.md has no ```console block under '## Quickstart'")
    return [line.strip() for line in found["body"].splitlines() if line.strip()]


def _clone(tmp_path: Path) -> Path:
    git = shutil.which("git")
    assert git, "git is needed to clone the repository for the quickstart test"
    inside = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert inside.returncode == 0, f"{ROOT} is not a git checkout: {inside.stderr.strip()}"
    clone = tmp_path / "oneentry-contracts"
    subprocess.run([git, "clone", "--quiet", str(ROOT), str(clone)], check=True)
    return clone


def _newcomer_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "VIRTUAL_ENV" and not key.startswith(("UV_PROJECT", "PYTEST_", "ONEENTRY_"))
    }
    env.update(
        {
            NESTED: "1",
            "UV_OFFLINE": "1",
            "UV_NO_PROGRESS": "1",
            "PIP_NO_INDEX": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "npm_config_prefer_offline": "true",
            "COLUMNS": "200",
        }
    )
    return env


def _clone_count(clone: Path, env: dict[str, str]) -> tuple[int, int]:
    """How many tests the clone collects, and how many of them it runs (`CLONE_RUNS`)."""
    done = subprocess.run(
        [str(clone / ".venv" / "bin" / "pytest"), "--collect-only", "-q"],
        cwd=clone,
        env={key: value for key, value in env.items() if key != NESTED},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    assert ids, done.stdout + done.stderr
    runs = [i for i in ids if in_clone_run(ROOT / i.split("::", 1)[0])]
    return len(ids), len(runs)


def test_the_readme_names_two_commands_and_nothing_else() -> None:
    commands = quickstart_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2, commands
    assert commands[0].endswith("uv run oneentry-contracts run")
    assert commands[1] == "uv run pytest -q"


def test_a_fresh_clone_passes_the_quickstart_literally(tmp_path: Path) -> None:
    if os.environ.get(NESTED):
        pytest.skip("this is the clone's own run of the quickstart; the outer run checks it")
    clone = _clone(tmp_path)
    assert not (clone / ".venv").exists()
    assert not (clone / "uv.lock").exists()
    env = _newcomer_env()
    outputs = []
    for command in quickstart_commands((clone / "README.md").read_text(encoding="utf-8")):
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"`{command}` exited {done.returncode}:\n{output[-6000:]}"
        outputs.append(output)
    scenarios, tests = outputs
    assert (clone / ".venv").is_dir()
    assert "total" in scenarios, scenarios[-3000:]  # the scenario table; exit 0 = all passed
    summary = tests.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), summary
    assert "failed" not in summary
    assert "error" not in summary
    # The clone skips its own copy of this test and deselects what the outer run covers.
    collected, runs = _clone_count(clone, env)
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|skipped|deselected)", summary)}
    assert counts == {"passed": runs - 1, "skipped": 1, "deselected": collected - runs}, summary
