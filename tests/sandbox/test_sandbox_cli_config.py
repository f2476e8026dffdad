"""`oneentry-sandbox --config FILE` with a bad file, as a subprocess: exit 2 and one paragraph
on stderr (what, where: file and key, how to fix), no traceback, nothing on stdout."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "oneentry_sandbox", "--app-token", "t", "--port", "0"]
FIX_KEY = "; the bundled oneentry_sandbox/default_project.yaml lists every key with its type."


def _default_text() -> str:
    return resources.files("oneentry_sandbox").joinpath("default_project.yaml").read_text()


def _refused(config: Path) -> str:
    result = subprocess.run(
        [*COMMAND, "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = _default_text()
    assert old in text
    path = tmp_path / "project.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('start: "2025-04-30T20:15:29.254Z"', 'start: "last tuesday"', "deterministic.start",
         "expected an ISO 8601 instant with a zone, like '2025-04-30T20:15:29.254Z', "
         "got 'last tuesday'"),
        ("step_ms: 1000", "step_ms: fast", "deterministic.step_ms",
         "expected an integer, got str 'fast'"),
        ("currency: USD", "currency: USD\ncolour: blue", "colour",
         "unknown key (known keys here: "),
    ],
)  # fmt: skip
def test_a_bad_key_names_file_key_and_fix(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    config = _edited(tmp_path, old, new)
    line = _refused(config)
    assert line.startswith(f"oneentry-sandbox: error: {config}: {key}: {problem}")
    assert line.endswith(f". Fix '{key}' in {config}{FIX_KEY}")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    config = tmp_path / "latin1.yaml"
    config.write_bytes(_default_text().replace("USD", "US\u00a4", 1).encode("latin-1"))
    offset = _default_text().index("USD") + 2
    assert _refused(config) == (
        f"oneentry-sandbox: error: {config}: <file>: not UTF-8 text (byte 0xa4 at offset "
        f"{offset}); save the file as UTF-8."
    )


def test_a_missing_file(tmp_path: Path) -> None:
    config = tmp_path / "nowhere.yaml"
    assert _refused(config) == (
        f"oneentry-sandbox: error: {config}: <file>: cannot read: No such file or directory. "
        "Check the --config path and that the file is readable."
    )


def test_a_yaml_syntax_error(tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text("name: x\nforms: [\n")
    line = _refused(config)
    assert line.startswith(f"oneentry-sandbox: error: {config}: <syntax>: not valid YAML/JSON: ")
    assert 'in "' in line
    assert "line 3, column 1" in line
    assert line.endswith(". Fix the syntax at the line and column shown.")


def test_an_empty_file(tmp_path: Path) -> None:
    config = tmp_path / "empty.yaml"
    config.write_text("")
    assert _refused(config) == (
        f"oneentry-sandbox: error: {config}: <top>: expected a mapping, got null. A project "
        "file is one YAML mapping; start from a copy of the bundled "
        "oneentry_sandbox/default_project.yaml."
    )
