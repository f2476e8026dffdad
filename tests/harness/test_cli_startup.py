"""`oneentry-contracts` imports only the chosen subcommand: `--help` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oneentry_contracts.cli import main as cli
from oneentry_contracts.cli.main import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]

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
        cwd=ROOT,
    )
    return done.stdout.split("\n")[-2].split()


def test_help_imports_no_heavy_library() -> None:
    assert _imported(["--help"]) == []


def test_a_subcommands_help_imports_only_what_it_needs() -> None:
    assert "pytest" not in _imported(["config", "--help"])


def test_a_replay_imports_only_rich_before_its_pytest_child() -> None:
    """`run` itself checks the settings, starts pytest and prints the table: pytest, httpx
    (the preflight), faker (the locale check) belong in the child, each ~50-80 ms a run."""
    assert _imported(["run", "-k", "no_scenario_is_called_this"]) == ["rich"]


def test_the_exit_codes_run_tells_apart_are_pytests() -> None:
    assert cli.PYTEST_OK == pytest.ExitCode.OK
    assert cli.PYTEST_TESTS_FAILED == pytest.ExitCode.TESTS_FAILED
    assert cli.PYTEST_NO_TESTS_COLLECTED == pytest.ExitCode.NO_TESTS_COLLECTED


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


@pytest.mark.parametrize(
    ("codes", "merged"),
    [
        ([0, 0], 0),
        ([0, 1], 1),
        ([1, 5], 1),
        ([0, 5], 0),
        ([5, 5], 5),
        ([1, 4], 4),  # a usage error in one group is the run's
        ([3, 0], 3),
    ],
)
def test_the_groups_of_a_parallel_replay_end_with_one_code(codes: list[int], merged: int) -> None:
    assert cli._merged_code(codes) == merged
