"""The replay transport (recording/replay.py) against vcrpy: same answers, same errors.

Each test records a cassette with vcrpy against the small server of test_recording.py, then
replays it both ways, through vcrpy and through `ReplayTransport`, and compares.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from oneentry_contracts.api.client import OneEntryClient
from oneentry_contracts.errors import CassetteError
from oneentry_contracts.recording.replay import ReplayTransport, Tape
from oneentry_contracts.recording.scrub import HOST_PLACEHOLDER
from oneentry_contracts.recording.vcr import explain_replay_failure
from tests.harness.test_recording import (
    EMAIL_PH,
    PASSWORD_PH,
    RERECORD,
    Scenario,
    ShopServer,
    purchase,
    run_cassette,
)

SHOWN = "cassettes/guest_purchase/buy.yaml"


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[Path]:
    """A purchase recorded by vcrpy against test_recording.py's server."""
    shop = ShopServer()
    thread = threading.Thread(target=shop.serve_forever, daemon=True)
    thread.start()
    try:
        path = tmp_path / "buy.yaml"
        run_cassette(path, "all", purchase(), base_url=shop.url)
        yield path
    finally:
        shop.shutdown()
        shop.server_close()
        thread.join(timeout=5)


def replay(path: Path, scenario: Scenario) -> Tape:
    """Run `scenario` with its answers from `path` through the transport; the tape it used."""
    tape = Tape.load(path, shown=SHOWN, rerecord_command=RERECORD)
    transport = ReplayTransport()
    transport.tape = tape
    with httpx.Client(transport=transport) as http:
        client = OneEntryClient(HOST_PLACEHOLDER, "<APP_TOKEN>", http=http)
        scenario(client, EMAIL_PH, PASSWORD_PH)
    return tape


def vcrpy_error(path: Path, scenario: Scenario) -> str:
    with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
        run_cassette(path, "none", scenario, base_url=None)
    return str(explain_replay_failure(caught.value, cassette_path=SHOWN, rerecord_command=RERECORD))


def test_a_faithful_replay_plays_every_interaction_once(recorded: Path) -> None:
    tape = replay(recorded, purchase())
    assert sorted(tape.play_counts.values()) == [1] * 6
    tape.check_all_played()  # nothing left over


def test_answers_are_the_recorded_ones(recorded: Path) -> None:
    answers: list[tuple[int, bytes]] = []

    def scenario(client: OneEntryClient, email: str, password: str) -> None:
        client.http.event_hooks["response"].append(
            lambda r: answers.append((r.status_code, r.read()))
        )
        purchase()(client, email, password)

    replay(recorded, scenario)
    cassette = run_cassette(recorded, "none", purchase(), base_url=None)
    assert answers == [
        (response["status"]["code"], response["body"]["string"])
        for _request, response in cassette.data
    ]


def test_a_changed_body_gives_vcrpys_error_with_the_field_diff(recorded: Path) -> None:
    with pytest.raises(CassetteError) as caught:
        replay(recorded, purchase("Ann Lee"))
    text = str(caught.value)
    assert '/formData/en_US/0/value: "Christina Thomas" → "Ann Lee"' in text
    assert text.startswith("Request does not match the recording\n")
    assert text == vcrpy_error(recorded, purchase("Ann Lee"))


def test_a_repeated_request_gives_vcrpys_error(recorded: Path) -> None:
    def twice(client: OneEntryClient, email: str, password: str) -> None:
        purchase()(client, email, password)
        client.call("form", path={"marker": "order"}, params={"langCode": "en_US"})

    with pytest.raises(CassetteError) as caught:
        replay(recorded, twice)
    assert str(caught.value).startswith("Request was already played back")
    assert str(caught.value) == vcrpy_error(recorded, twice)


def test_an_endpoint_never_recorded_lists_the_recording(recorded: Path) -> None:
    def other(client: OneEntryClient, email: str, password: str) -> None:
        purchase()(client, email, password)
        client.call("product", path={"id": 3})

    with pytest.raises(CassetteError) as caught:
        replay(recorded, other)
    text = str(caught.value)
    assert text.startswith("Request is not in the recording")
    assert "The recording holds (played ones marked ✓):" in text
    assert text == vcrpy_error(recorded, other)


def test_an_unused_interaction_fails_as_with_vcrpy(recorded: Path) -> None:
    tape = replay(recorded, purchase(logout=False))
    with pytest.raises(CassetteError) as caught:
        tape.check_all_played()
    text = str(caught.value)
    assert "1 of 6 recorded interactions were not requested" in text
    assert "6. POST /api/content/users-auth-providers/marker/email/users/logout" in text


def test_no_socket_is_opened(recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the replay opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    replay(recorded, purchase()).check_all_played()


def test_a_request_outside_a_scenario_is_refused() -> None:
    with httpx.Client(transport=ReplayTransport()) as http, pytest.raises(CassetteError) as caught:
        http.get("https://example.test/api/content/products/1")
    assert "outside any scenario" in str(caught.value)


def test_an_empty_cassette_file_is_no_recording(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(CassetteError) as caught:
        replay(path, purchase())
    assert str(caught.value).startswith("No recording for this scenario")


PROBE = """
import sys

def pytest_sessionfinish(session):
    loaded = sorted(name for name in sys.modules if name == "vcr" or name.startswith("vcr."))
    print("vcr modules:", len(loaded))
"""


def test_a_replay_of_the_suite_never_loads_vcrpy(tmp_path: Path) -> None:
    """Nothing is patched: the replay answers through httpx's transport alone."""
    (tmp_path / "vcr_probe.py").write_text(PROBE, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-s", "-p", "vcr_probe",
            str(root / "features"), "--rootdir", str(root),
            "--oneentry-mode=replay", "--record-mode=none", "--block-network",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "vcr modules: 0" in done.stdout
