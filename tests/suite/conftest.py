"""Fixtures for running the scenario suite itself, as a user would, in a scratch copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PARTS = (
    "features",
    "steps",
    "schemas",
    "cassettes",
    "conftest.py",
    "pyproject.toml",
    "oneentry-contracts.toml",
    ".test_durations",
)

# The scenario examples of features/ (what a full run collects), and those tagged @sandbox.
SCENARIOS = 37


@dataclass(frozen=True)
class Run:
    code: int
    output: str


@dataclass(frozen=True)
class SuiteCopy:
    """A scratch copy of the scenario suite, runnable with `oneentry-contracts run`."""

    root: Path

    def run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        return self.command("run", "--root", str(self.root), *args, env=env)

    def audit(self, *args: str) -> Run:
        return self.command("audit-cassettes", "--root", str(self.root), *args)

    def command(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """`oneentry-contracts ARGS` in the copy, as a user would type it."""
        done = subprocess.run(
            [sys.executable, "-m", "oneentry_contracts.cli", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "200", **(env or {})},
            check=False,
        )
        return Run(done.returncode, done.stdout + done.stderr)

    def cassettes(self) -> dict[str, bytes]:
        folder = self.root / "cassettes"
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


@pytest.fixture
def suite(tmp_path: Path) -> SuiteCopy:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(
                source,
                tmp_path / part,
                ignore=shutil.ignore_patterns("__pycache__", ".recording.lock", ".*.tmp"),
            )
        else:
            shutil.copy2(source, tmp_path / part)
    return SuiteCopy(tmp_path)
