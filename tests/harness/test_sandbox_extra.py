"""Without the `[sandbox]` extra: the core imports, and recording says how to get the sandbox.

The real proof is `tests/product/test_adoption.py` (a venv without starlette and uvicorn
replays); this is the quick one: the two packages hidden from a child interpreter, and from
`find_spec` in this one.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import pytest

from oneentry_contracts.cli.main import main

_HIDDEN = ("starlette", "uvicorn")

_BLOCKER = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("starlette", "uvicorn"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
import oneentry_contracts.pytest_plugin.plugin, oneentry_contracts.cli.main
import oneentry_contracts.steps.orders, oneentry_contracts.recording.audit
from oneentry_contracts import ContractApi
assert "starlette" not in sys.modules and "uvicorn" not in sys.modules
print("imported")
"""


def test_the_core_imports_without_the_sandbox_extra() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _BLOCKER], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported"


def test_recording_without_the_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> ModuleSpec | None:
        return None if name in _HIDDEN else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    (tmp_path / "features").mkdir()
    assert main(["run", "--record", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "needs the sandbox, which is not installed (missing: starlette, uvicorn)" in err
    assert "pip install 'oneentry-contracts[sandbox]'" in err
    assert "--project" in err
    assert "Traceback" not in err
