"""`oneentry-contracts` imports only the chosen subcommand: `--help` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from oneentry_contracts.cli.main import COMMANDS, main

HEAVY = ("pytest", "faker", "jsonschema", "httpx", "rich", "yaml", "vcr")

PROBE = """
import sys
from oneentry_contracts.cli.main import main
try:
    main({argv!r})
except SystemExit:
    pass
print(' '.join(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def _imported(argv: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.split("\n")[-2].split()


def test_help_imports_no_heavy_library() -> None:
    assert _imported(["--help"]) == []


def test_a_subcommands_help_imports_only_what_it_needs() -> None:
    assert "pytest" not in _imported(["config", "--help"])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_its_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    assert f"usage: oneentry-contracts {name}" in capsys.readouterr().out


def test_the_overview_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name, command in COMMANDS.items():
        assert name in out
        assert command.help.split()[0] in out
