"""Bad input of issue 16 that needs no scenario run: settings that are not finite, project URLs
that cannot work, an answer nested too deep or trickled past the deadline, redirects, a closed
output pipe, `check-forms --url` ending in /api, and the recorders' lock and leftovers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from oneentry_contracts.api.bodies import MAX_DEPTH, json_depth, parse_body
from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.api.endpoints import endpoint
from oneentry_contracts.api.retry import RetryPolicy
from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import CONFIG_FILE, Config, LiveSettings, resolve
from oneentry_contracts.errors import ConfigError, HarnessError, TransportError
from oneentry_contracts.recording.audit import KnownSecrets, audit_paths
from oneentry_contracts.recording.lock import (
    RecordingLock,
    remove_stale_temporaries,
    stale_temporaries,
)

REPO = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# Settings: nan and inf


@pytest.mark.parametrize("text", ["nan", "inf", "+inf"])
def test_a_timeout_that_is_not_finite_in_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / CONFIG_FILE).write_text(f"[recording]\ntimeout = {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        resolve(tmp_path, env={})
    assert str(caught.value) == (
        f"{CONFIG_FILE}: [recording.timeout] must be a number > 0, got {float(text)!r}: "
        "not a finite number"
    )


@pytest.mark.parametrize(("key", "text"), [("recording.timeout", "inf"), ("formdata.seed", "nan")])
def test_nan_and_inf_on_the_command_line_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, text: str
) -> None:
    (tmp_path / "features").mkdir()
    assert main(["run", "--root", str(tmp_path), "--set", f"{key}={text}"]) == 2
    err = capsys.readouterr().err
    assert f"command line: [{key}] must be" in err
    assert "Traceback" not in err


def test_retry_backoff_inf_from_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"retry_backoff\] must be a number >= 0, got inf"):
        resolve(tmp_path, env={"ONEENTRY_CONTRACTS_RECORDING_RETRY_BACKOFF": "inf"})


# ---------------------------------------------------------------------------------------------
# Project URLs


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://shop.oneentry.test?lang=en", "has a ?query, which every request would lose"),
        ("https://shop.oneentry.test/#admin", "has a #fragment, which every request would lose"),
        ("https://admin:hunter22@shop.oneentry.test", "holds a user name or password"),
        ("https://shop.oneentry.test:http", "is not a URL that can be parsed"),
        ("shop.oneentry.test", "is not an http(s) URL"),
    ],
    ids=["query", "fragment", "userinfo", "port", "scheme"],
)
def test_a_project_url_that_cannot_work_is_refused_without_echoing_it(
    url: str, problem: str
) -> None:
    env = {"ONEENTRY_PROJECT_URL": url, "ONEENTRY_APP_TOKEN": "app-token-1"}
    with pytest.raises(ConfigError) as caught:
        LiveSettings.from_env(Config(), env)
    message = str(caught.value)
    assert message.startswith(f"ONEENTRY_PROJECT_URL {problem}")
    assert ", so no scenario ran (its value is not shown: it may hold a secret)." in message
    assert "How to fix: set it to the project's root URL alone" in message
    assert "shop.oneentry.test" not in message
    assert "hunter22" not in message


@pytest.mark.parametrize(
    "url",
    ["HTTPS://Shop.OneEntry.Test/", "Https://Shop.OneEntry.Test", " https://Shop.OneEntry.Test "],
)
def test_a_project_url_s_scheme_may_be_written_in_any_case(url: str) -> None:
    env = {"ONEENTRY_PROJECT_URL": url, "ONEENTRY_APP_TOKEN": "app-token-1"}
    assert LiveSettings.from_env(Config(), env).project_url == "https://Shop.OneEntry.Test"


def test_check_forms_url_ending_in_api(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "features").mkdir()
    code = main(
        [
            *("check-forms", "--root", str(tmp_path), "--url", "http://127.0.0.1:8787/api/"),
            *("--app-token", "t", "--login", "a@example.test", "--password", "p"),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "oneentry-contracts check-forms: --url ends in /api, which the harness adds itself "
        "(/api/content/...): give the API's root, such as http://127.0.0.1:8787\n"
    )


# ---------------------------------------------------------------------------------------------
# Answers: nested too deep, redirected, trickled


def _answer(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    request = httpx.Request("GET", "https://shop.oneentry.test/api/content/users-auth-providers")
    return httpx.Response(
        status,
        content=body,
        headers={"content-type": "application/json", **(headers or {})},
        request=request,
    )


@pytest.mark.parametrize(("depth", "shown"), [(200, "200 levels deep"), (5000, "deeper than")])
def test_json_nested_too_deep_is_a_transport_error(depth: int, shown: str) -> None:
    body = ("[" * depth + "]" * depth).encode()
    with pytest.raises(TransportError) as caught:
        parse_body(endpoint("auth_providers"), "GET /x", _answer(body), str)
    message = str(caught.value)
    assert f"answered 200 OK with JSON nested {shown}" in message
    assert f"(the harness checks up to {MAX_DEPTH} levels)" in message


def test_json_at_the_depth_limit_is_accepted() -> None:
    body = ("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode()
    parsed = parse_body(endpoint("auth_providers"), "GET /x", _answer(body), str)
    assert json_depth(parsed) == MAX_DEPTH
    assert json_depth({"a": [1, {"b": []}]}) == 4
    assert json_depth(7) == 0


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("/api/v2/content/users-auth-providers", "a redirect to /api/v2/content/"),
        ("https://elsewhere.example/x", "a redirect to another host"),
        ("http://shop.oneentry.test/x", "a redirect to the same host over http"),
    ],
)
def test_a_redirect_is_explained_without_the_host(location: str, shown: str) -> None:
    answer = _answer(b"", 301, {"location": location})
    with pytest.raises(TransportError) as caught:
        parse_body(endpoint("auth_providers"), "GET /x", answer, str)
    message = str(caught.value)
    assert f"auth_providers (GET /x) answered 301 Moved Permanently, {shown}" in message
    assert "the harness does not follow redirects" in message
    assert "elsewhere.example" not in message
    assert "shop.oneentry.test" not in message


class _Trickle:
    """A server that sends its status and headers, then its body one byte every 80 ms."""

    BODY = b'{"items": [' + b" " * 200 + b"]}"

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.sent = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with self.socket:
            connection, _ = self.socket.accept()
            self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            connection.sendall(f"{head}{len(self.BODY)}\r\n\r\n".encode())
            try:
                for index in range(len(self.BODY)):
                    connection.sendall(self.BODY[index : index + 1])
                    self.sent += 1
                    time.sleep(0.08)
            except OSError:
                pass  # the client hung up: what the deadline is for


def _one_call_with_a_1_s_timeout(port: int) -> pytest.ExceptionInfo[TransportError]:
    with make_http_client(1.0) as http:
        client = OneEntryClient(
            f"http://127.0.0.1:{port}",
            "t",
            http=http,
            retry=RetryPolicy(attempts=1, backoff=0, max_delay=0),
        )
        with pytest.raises(TransportError) as caught:
            client.call("auth_providers")
    return caught


def test_timeout_is_a_deadline_for_the_whole_request() -> None:
    """A trickling server never trips httpx's per-read timeout; the deadline ends the request
    with a timeout message, long before the server has sent its whole body."""
    server = _Trickle()
    caught = _one_call_with_a_1_s_timeout(server.port)
    server.thread.join(timeout=60)
    assert "no complete answer within 1 s in all (DeadlineExceeded)" in str(caught.value)
    assert "raise timeout under [recording]" in str(caught.value)
    assert server.sent < len(_Trickle.BODY)


class _TrickledHead(_Trickle):
    """A server that trickles its status line and headers, one byte every 80 ms."""

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(self.BODY)}\r\n\r\n".encode()
            try:
                for index in range(len(head)):
                    connection.sendall(head[index : index + 1])
                    self.sent += 1
                    time.sleep(0.08)
                connection.sendall(self.BODY)
            except OSError:
                pass


def test_the_deadline_also_bounds_a_trickled_status_line_and_headers() -> None:
    server = _TrickledHead()
    caught = _one_call_with_a_1_s_timeout(server.port)
    server.thread.join(timeout=60)
    assert "no complete answer within 1 s in all (DeadlineExceeded)" in str(caught.value)
    assert server.sent < 30  # the head is ~40 bytes: cut off before it was all sent


# ---------------------------------------------------------------------------------------------
# Output to a closed pipe


def test_config_json_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`oneentry-contracts config --format json | head`: the reader stops reading."""
    child = subprocess.Popen(
        [sys.executable, "-m", "oneentry_contracts.cli", "config", "--format", "json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()  # before anything was written
    with child.stderr:
        err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141  # as a process that SIGPIPE ended
    assert err == ""


# ---------------------------------------------------------------------------------------------
# The recorders' lock and a killed write's leftovers


def test_one_recorder_holds_the_lock_until_it_releases_it(tmp_path: Path) -> None:
    first, second = RecordingLock(tmp_path), RecordingLock(tmp_path)
    first.acquire()
    with pytest.raises(HarnessError, match=r"another recording is running .*process \d+"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


def test_a_cassette_folder_that_cannot_be_written_stops_the_recording(tmp_path: Path) -> None:
    blocked = tmp_path / "cassettes"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        RecordingLock(blocked).acquire()
    assert str(caught.value).startswith(
        "cannot record: the cassette folder is not writable (cassettes/.recording.lock: "
    )
    assert "replaying needs no write access" in str(caught.value)


def test_stale_temporaries_are_found_removed_and_audited(tmp_path: Path) -> None:
    folder = tmp_path / "cassettes" / "guest_purchase"
    folder.mkdir(parents=True)
    cassette = folder / "a_guest_buys.yaml"
    cassette.write_text("version: 1\ninteractions: []\n", encoding="utf-8")
    left = folder / ".a_guest_buys.yaml.x7k2m9.tmp"
    left.write_text("x-app-token: s3cr3t-app-token-value\n", encoding="utf-8")
    secrets = KnownSecrets(values=(("app-token", "s3cr3t-app-token-value"),))
    report = audit_paths([tmp_path / "cassettes"], secrets)
    assert [Path(f.path).name for f in report.findings] == [left.name]
    assert stale_temporaries(tmp_path / "cassettes") == [left]
    assert remove_stale_temporaries(tmp_path / "cassettes") == [left]
    assert not left.exists()
    assert cassette.is_file()


def test_json_output_is_still_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--root", str(REPO), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["file"] == CONFIG_FILE
