"""Every file `oneentry-contracts init` writes, as text, and writing them without loss.

`scaffold_files` renders the project for a `ShopLayout`: the configuration (the commented
starter with the values the layout needs uncommented), the purchase features, the pytest-bdd
binding, `pytest.ini`, `.gitignore`, a CI workflow that replays offline and audits the
cassettes, and a pre-commit configuration running the package's hook. `write_files` refuses to
replace any existing file unless forced, and writes nothing at all when it refuses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

from oneentry_contracts.config.settings import CONFIG_FILE
from oneentry_contracts.config.starter import render_starter
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.recording.atomic import write_atomically
from oneentry_contracts.scaffold.features import (
    FEATURE_FILES,
    FORMS_FEATURE,
    render_feature,
    render_forms_feature,
)
from oneentry_contracts.scaffold.layout import ShopLayout

__all__ = ["WORKFLOW", "scaffold_files", "set_in_starter", "write_files"]

WORKFLOW: Final = ".github/workflows/contracts.yml"

_BINDING = '''\
"""Binds every feature file in this folder to pytest (pytest-bdd). The steps, fixtures and
markers come from the installed oneentry-contracts plugin."""

from pytest_bdd import scenarios

scenarios(".")
'''

_PYTEST_INI = """\
# Written by `oneentry-contracts init`: `pytest` replays the scenarios under features/ from
# their cassettes; the oneentry-contracts plugin declares the markers the features use.
[pytest]
testpaths = features
addopts = --strict-markers
"""

_GITIGNORE = """\
# Written by `oneentry-contracts init`.
# A failed scenario's recording (`run --record --keep-failed`): for inspection, never committed.
*.failed.yaml
# Reports (`run --report reports`), and the configuration's temporary files while it is written.
/reports/
.oneentry-contracts.toml.*
__pycache__/
.pytest_cache/
"""

_WORKFLOW = """\
# Written by `oneentry-contracts init`: every scenario replayed from its cassette (offline, no
# secrets needed), the cassettes audited for secrets, the form configuration checked against
# the recorded answers. Recording happens on a developer's machine: run --record.
name: contracts
on:
  push:
  pull_request:
jobs:
  contracts:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install "oneentry-contracts{pin}"
      - run: oneentry-contracts run
      - run: oneentry-contracts audit-cassettes
      - run: oneentry-contracts check-forms
"""

_PRE_COMMIT = """\
# Written by `oneentry-contracts init`: the hook of oneentry-contracts' .pre-commit-hooks.yaml,
# run with the oneentry-contracts installed in this repository's environment.
repos:
  - repo: local
    hooks:
      - id: oneentry-audit-cassettes
        name: audit cassettes for secrets
        description: JWTs, Bearer tokens, refresh tokens, real hosts, loopback URLs, foreign e-mails
        entry: oneentry-contracts audit-cassettes
        language: system
        files: ^(cassettes|reports)/
        types_or: [yaml, json, xml, html, text]
"""


def _pin() -> str:
    try:
        return f"=={version('oneentry-contracts')}"
    except PackageNotFoundError:  # pragma: no cover - running from a checkout never installed
        return ""


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def set_in_starter(values: Mapping[str, Any], catalog: Mapping[str, int]) -> str:
    """The commented starter with `values` (dotted key -> value) uncommented and the
    `[catalog]` entries added, so the file keeps every key's explanation."""
    out: list[str] = []
    section, left = "", dict(values)
    for line in render_starter().splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        name = line[2:].split(" = ", 1)[0] if line.startswith("# ") and " = " in line else ""
        path = f"{section}.{name}"
        if path in left:
            line = f"{name} = {_toml(left.pop(path))}"
        out.append(line)
        if line == "[catalog]":
            out += [f"{_toml(title)} = {number}" for title, number in catalog.items()]
    if left:
        raise ConfigError(f"the starter has no line for {', '.join(left)}")
    return "\n".join(out) + "\n"


def scaffold_files(layout: ShopLayout, *, pytest_ini: bool = True) -> dict[str, str]:
    """Relative path -> text of every file for `layout`."""
    roles = {purchase.role for purchase in layout.purchases}
    values = {f"users.{role}.sandbox_login": "" for role in ("guest", "registered")}
    values = {path: text for path, text in values.items() if path.split(".")[1] not in roles}
    catalog = {name: number for name, number in layout.products.items() if not name.isdigit()}
    files = {CONFIG_FILE: set_in_starter(values, catalog)}
    files |= {FEATURE_FILES[p.role]: render_feature(p, layout) for p in layout.purchases}
    files[FORMS_FEATURE] = render_forms_feature("registered" if "registered" in roles else "guest")
    files["features/test_features.py"] = _BINDING
    if pytest_ini:
        files["pytest.ini"] = _PYTEST_INI
    files[".gitignore"] = _GITIGNORE
    files[WORKFLOW] = _WORKFLOW.format(pin=_pin())
    files[".pre-commit-config.yaml"] = _PRE_COMMIT
    return files


def write_files(root: Path, files: Mapping[str, str], *, force: bool, keep: bool) -> list[str]:
    """Write `files` under `root`; the relative paths written. An existing file is a
    ConfigError (nothing is written) unless `force` (replace it) or `keep` (leave it)."""
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder; pass --root with your repository's folder")
    existing = [name for name in files if (root / name).exists()]
    if existing and not (force or keep):
        raise ConfigError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in "
            f"{root.resolve()}, so nothing was written. How to fix: move them away, or pass "
            "--skip-existing to keep them and write only the missing files, or --force to "
            "replace them (their contents are lost).",
            source=str(root),
        )
    written = []
    for name, text in files.items():
        path = root / name
        if keep and name in existing:
            continue
        write_atomically(path, text.encode("utf-8"))
        written.append(name)
    return written
