"""The installed product: this checkout built as a wheel, and fresh virtual environments.

`wheel` builds the package once per session (`uv build --wheel`, into a temporary folder).
`Venv` is a virtual environment in a temporary folder outside the repository; `install` puts
the wheel (or `wheel[sandbox]`) in it with the tested dependency set: the versions pinned in
pyproject's `[tool.uv] constraint-dependencies`, passed as a constraints file. Packages come
from wherever the machine's uv gets them (its cache first). `run` runs one of the venv's
commands with a clean environment: the venv first on PATH, nothing of this repository's
settings (`ONEENTRY_*`, `VIRTUAL_ENV`, `PYTEST_*`) inherited. Its commands write Python's
bytecode cache, as on a shop's machine, like every process the suite starts (`tests/conftest.py`):
uv compiles nothing at install, so otherwise each command compiled every module it imports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _uv() -> str:
    uv = shutil.which("uv")
    assert uv, "uv is needed to build the wheel and create a virtual environment (pip install uv)"
    return uv


def _checked(command: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, **kwargs
    )  # type: ignore[call-overload]
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}"
    return done  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built as a wheel."""
    out = tmp_path_factory.mktemp("dist")
    _checked([_uv(), "build", "--wheel", "--quiet", "--out-dir", str(out), str(ROOT)])
    (built,) = out.glob("oneentry_contracts-*.whl")
    return built


class Venv:
    """A virtual environment outside the repository, and its commands."""

    def __init__(self, path: Path, constraints: Path) -> None:
        self.path = path
        self.bin = path / "bin"
        self.constraints = constraints
        _checked([_uv(), "venv", "--quiet", "--python", sys.executable, str(path)])

    def install(self, requirement: str) -> None:
        command = [_uv(), "pip", "install", "--quiet", "--python", str(self.bin / "python")]
        _checked([*command, "--constraints", str(self.constraints), requirement])

    def uninstall(self, *names: str) -> None:
        command = [_uv(), "pip", "uninstall", "--quiet", "--python", str(self.bin / "python")]
        _checked([*command, *names])

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key not in ("VIRTUAL_ENV", "PYTHONPATH")
            and not key.startswith(("ONEENTRY_", "PYTEST_", "UV_PROJECT"))
        }
        path = f"{self.bin}{os.pathsep}{inherited.get('PATH', '')}"
        return {**inherited, "PATH": path, "COLUMNS": "200", **(extra or {})}

    def run(
        self, *args: str, cwd: Path, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """One of the venv's commands (`oneentry-contracts`, `pytest`, ...) in `cwd`."""
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=cwd,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def python_can_import(self, module: str) -> bool:
        code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
        done = subprocess.run([str(self.bin / "python"), "-c", code], check=False)
        return done.returncode == 0


@pytest.fixture(scope="session")
def constraints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyproject's pinned versions as a constraints file: the tested dependency set."""
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["uv"]
    path = tmp_path_factory.mktemp("pins") / "constraints.txt"
    path.write_text("\n".join(pins["constraint-dependencies"]) + "\n", encoding="utf-8")
    return path
