"""The public API: what `oneentry_contracts` exports, and who may use what (as httpx's
tests/test_exported_members.py keeps its namespace honest)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import oneentry_contracts

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "oneentry_contracts"


def test_every_exported_name_exists_and_nothing_public_is_left_out() -> None:
    exported = set(oneentry_contracts.__all__)
    assert len(exported) == len(oneentry_contracts.__all__)  # no name listed twice
    for name in exported:
        assert hasattr(oneentry_contracts, name), name
    public = {
        name
        for name, value in vars(oneentry_contracts).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__.startswith("oneentry_contracts")
    }
    assert public <= exported, public - exported


def test_names_are_imported_on_first_use_from_the_module_that_defines_them() -> None:
    where = vars(oneentry_contracts)["_WHERE"]
    assert set(where) == set(oneentry_contracts.__all__) - {"__version__"}
    for name, module in where.items():
        assert getattr(oneentry_contracts, name) is getattr(
            importlib.import_module(f"oneentry_contracts.{module}"), name
        )
    assert sorted(dir(oneentry_contracts)) == sorted(oneentry_contracts.__all__)


def test_the_exported_errors_are_the_whole_tree() -> None:
    errors = importlib.import_module("oneentry_contracts.errors")
    assert set(errors.__all__) <= set(oneentry_contracts.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(oneentry_contracts, name), oneentry_contracts.HarnessError)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_this_repository_s_own_steps_and_conftest_use_only_the_public_api() -> None:
    """The repository is the package's first adopter: its steps import `oneentry_contracts`
    itself, never one of its subpackages."""
    files = [*sorted((ROOT / "steps").glob("*.py")), ROOT / "conftest.py"]
    for path in files:
        private = {m for m in _imports(path) if m.startswith("oneentry_contracts.")}
        assert not private, f"{path.relative_to(ROOT)} imports {sorted(private)}"


def test_the_library_never_imports_the_sandbox() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        sandbox = {m for m in _imports(path) if m.split(".")[0] == "oneentry_sandbox"}
        assert not sandbox, f"{path.relative_to(ROOT)} imports {sorted(sandbox)}"


def test_the_library_is_in_subpackages_by_concept() -> None:
    """At the root only the public namespace and the exception tree; everything else has its
    concept's subpackage."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "errors.py"]
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert packages == [
        *("api", "cli", "config", "formcheck", "pytest_plugin"),
        *("recording", "reporting", "scaffold", "schemas", "shop", "steps"),
    ]
