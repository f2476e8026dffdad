"""The `oneentry-sandbox` command as a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

COMMAND = [sys.executable, "-m", "oneentry_sandbox"]


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*COMMAND, "--port", "0", "--app-token", "cli-token", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("oneentry-sandbox serving http://127.0.0.1:"), line
    return process, line.split()[-1]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_a_signal_then_exits_cleanly(sig: signal.Signals) -> None:
    process, url = _start("--deterministic")
    try:
        port = int(url.rsplit(":", 1)[1])
        assert port > 0
        health = httpx.get(url + "/", timeout=5).json()
        assert health["status"] == "ok"
        assert health["name"] == "oneentry-sandbox"
        assert health["deterministic"] is True
        forms = httpx.get(url + "/api/content/forms", headers={"x-app-token": "cli-token"})
        assert forms.json()["total"] == 3
    finally:
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=30)


def test_malformed_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("secret: x\nauth_providers: []\nforms: []\nstorages: 3\n")
    result = _run("--app-token", "t", "--port", "0", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"oneentry-sandbox: error: {config}: storages: expected a list, got int. "
        f"Fix 'storages' in {config}; the bundled oneentry_sandbox/default_project.yaml lists "
        "every key with its type."
    )
    assert "Traceback" not in result.stderr


def test_bad_options_exit_2() -> None:
    result = _run("--app-token", "t", "--port", "70000")
    assert result.returncode == 2
    assert "--port: expected an integer 0..65535, got 70000" in result.stderr
    missing = _run("--port", "0")
    assert missing.returncode == 2
    assert "--app-token" in missing.stderr


def test_port_in_use_exits_2() -> None:
    process, url = _start()
    port = url.rsplit(":", 1)[1]
    try:
        result = _run("--app-token", "t", "--port", port)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
