"""`oneentry-contracts run` and its pytest child: the child dies with the CLI however the CLI
ends (SIGKILL, SIGTERM), and Ctrl-C ends with pytest's summary and exit 130, no traceback.

The project is a scratch one whose second test writes its process id and sleeps: the CLI is
signalled while that test runs, then the test checks the process id is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLOW_TESTS = """\
import os
import time
from pathlib import Path


def test_quick() -> None:
    Path(os.environ["PID_FILE"] + ".quick").write_text("done")


def test_slow() -> None:
    Path(os.environ["PID_FILE"]).write_text(str(os.getpid()))
    time.sleep(120)
"""
STARTUP_SECONDS = 120.0  # pytest's start-up on a loaded machine; not a speed assert


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has ended; only its parent has not reaped it yet


def _gone(pid: int) -> bool:
    for _ in range(200):
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "test_slow.py").write_text(SLOW_TESTS, encoding="utf-8")
    pid_file = tmp_path / "pid"
    cli = subprocess.Popen(
        [sys.executable, "-m", "oneentry_contracts.cli", "run", "--root", str(tmp_path), *args],
        cwd=tmp_path,
        env={**os.environ, "PID_FILE": str(pid_file), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while not pid_file.is_file() or not pid_file.read_text():
        if cli.poll() is not None or time.monotonic() > deadline:
            cli.kill()
            pytest.fail(f"the slow test never started: {cli.communicate()[0]}")
        time.sleep(0.05)
    return cli, int(pid_file.read_text())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_sigkill_of_the_cli_ends_the_pytest_child(tmp_path: Path) -> None:
    cli, child = _start(tmp_path)
    assert _alive(child)
    cli.kill()
    cli.communicate()
    assert _gone(child), "the pytest child outlived a SIGKILLed CLI"


def test_sigterm_of_the_cli_ends_the_pytest_child_and_exits_143(tmp_path: Path) -> None:
    cli, child = _start(tmp_path)
    cli.send_signal(signal.SIGTERM)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 128 + signal.SIGTERM, output
    assert _gone(child), "the pytest child outlived a SIGTERMed CLI"
    assert "Traceback" not in output, output


def test_ctrl_c_ends_with_pytests_summary_and_exit_130(tmp_path: Path) -> None:
    cli, child = _start(tmp_path)
    cli.send_signal(signal.SIGINT)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 130, output
    assert _gone(child)
    assert "KeyboardInterrupt" in output  # pytest's own summary of the interrupted run
    assert "1 passed" in output
    assert "oneentry-contracts: interrupted (Ctrl-C); the run stopped." in output
    assert "Traceback" not in output, output
    assert "site-packages" not in output, output


def test_ctrl_c_of_a_parallel_replay_ends_every_group_with_exit_130(tmp_path: Path) -> None:
    """`-n 2`: two pytest-split groups, one test each; Ctrl-C reaches both."""
    cli, child = _start(tmp_path, "-n", "2")
    quick = tmp_path / "pid.quick"  # the other group's test is over: it ends unharmed
    deadline = time.monotonic() + STARTUP_SECONDS
    while not quick.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    cli.send_signal(signal.SIGINT)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 130, output
    assert _gone(child)
    assert "── group 1 of 2 ──" in output
    assert "── group 2 of 2 ──" in output
    assert "KeyboardInterrupt" in output.split("── group 2 of 2 ──")[1]  # the slow test's group
    assert "1 passed" in output.split("── group 2 of 2 ──")[0]  # the quick one's
    assert "oneentry-contracts: interrupted (Ctrl-C); the run stopped." in output
    assert "Traceback" not in output, output
