"""The wheel holds everything an adopting shop needs, and its dependencies are split right.

Every file this repository keeps under `oneentry_contracts/` and `oneentry_sandbox/` is in the
wheel (the default schemas, `py.typed`, the bundled sandbox project and its documents), with
the console scripts and the pytest plugin's entry point. starlette and uvicorn come only with
the `sandbox` extra; pytest-xdist (`run -n`) and pytest-split (`run --splits`) always.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.product.conftest import ROOT

PACKAGES = ("oneentry_contracts", "oneentry_sandbox")


def _tracked() -> set[str]:
    git = shutil.which("git")
    assert git, "git is needed to list the repository's package files"
    done = subprocess.run(
        [git, "-C", str(ROOT), "ls-files", "-z", "--", *PACKAGES],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name for name in done.stdout.split("\0") if name}


def _metadata(wheel: Path) -> tuple[set[str], dict[str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        meta = Parser().parsestr(archive.read(info).decode("utf-8"))
        points = archive.read(entry_points).decode("utf-8")
    requires = {
        re.split(r"[ ;<>=!~\[]", line, maxsplit=1)[0].lower(): line
        for line in meta.get_all("Requires-Dist") or []
    }
    return names, {**requires, "__entry_points__": points}


def test_the_wheel_holds_every_package_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    tracked = _tracked()
    assert "oneentry_contracts/schemas/data/order.json" in tracked  # the listing is the real one
    assert tracked - names == set(), "files missing from the wheel"
    schemas = {n for n in names if n.startswith("oneentry_contracts/schemas/data/")}
    assert len([n for n in schemas if n.endswith(".json")]) >= 30
    assert any(n.startswith("oneentry_contracts/schemas/data/defs/") for n in schemas)
    for name in (
        "oneentry_contracts/py.typed",
        "oneentry_sandbox/py.typed",
        "oneentry_sandbox/default_project.yaml",
    ):
        assert name in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "features/", "cassettes/", "steps/"))]


def test_the_sandbox_server_is_an_extra_and_parallel_runs_are_not(wheel: Path) -> None:
    _, requires = _metadata(wheel)
    for name in ("starlette", "uvicorn"):
        assert "extra == 'sandbox'" in requires[name].replace('"', "'"), requires[name]
    for name in ("pytest-xdist", "pytest-split", "pytest-bdd", "httpx", "pyyaml"):
        assert "extra ==" not in requires[name], requires[name]
    points = requires["__entry_points__"]
    assert "oneentry-contracts = oneentry_contracts.cli.main:main" in points
    assert "oneentry-sandbox = oneentry_sandbox.cli:main" in points
    assert "[pytest11]\noneentry_contracts = oneentry_contracts.pytest_plugin.plugin" in points
