"""vcrpy's imports of absent HTTP client libraries fail at once (vcrprobes.py)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from oneentry_contracts.pytest_plugin import vcrprobes


@pytest.fixture
def remembered() -> Iterator[tuple[str, ...]]:
    vcrprobes.forget()  # the harness's own plugin remembered them when this session began
    names = vcrprobes.remember_absent()
    yield names
    vcrprobes.forget()
    assert not any(name in sys.modules for name in names)
    vcrprobes.remember_absent()


def test_every_library_vcrpy_probes_is_known() -> None:
    """A vcrpy release that probes another library must be added to PROBED."""
    source = importlib.util.find_spec("vcr.patch")
    assert source is not None
    assert source.origin is not None
    tree = ast.parse(Path(source.origin).read_text(encoding="utf-8"))
    probed = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } - set(sys.stdlib_module_names)
    assert probed <= set(vcrprobes.PROBED), probed - set(vcrprobes.PROBED)
    assert "httpx" in probed  # the one the harness uses: the parse found the probes


def test_absent_libraries_fail_at_once_and_present_ones_import(
    remembered: tuple[str, ...],
) -> None:
    absent = [name for name in vcrprobes.PROBED if name in remembered]
    assert absent, "this environment has every library vcrpy probes: nothing to check"
    assert "httpx" not in remembered  # installed: untouched
    for name in absent:
        assert sys.modules[name] is None
        with pytest.raises(ImportError):
            importlib.import_module(name)
    assert importlib.import_module("httpx") is sys.modules["httpx"]


def test_forget_takes_out_only_what_was_put_in(remembered: tuple[str, ...]) -> None:
    name = remembered[0]
    vcrprobes.forget()
    assert name not in sys.modules
    assert importlib.util.find_spec(name) is None  # still not installed: a normal failed import
    assert "httpx" in sys.modules


def test_a_library_imported_before_is_left_alone() -> None:
    vcrprobes.forget()
    sys.modules["tornado"] = sys.modules["json"]  # stands in for an installed, imported one
    try:
        assert "tornado" not in vcrprobes.remember_absent()
        assert sys.modules["tornado"] is sys.modules["json"]
        vcrprobes.forget()
        assert sys.modules["tornado"] is sys.modules["json"]
    finally:
        del sys.modules["tornado"]
