"""Nothing recorded is lost: a scenario that fails while recording leaves its cassette alone
(`--keep-failed` keeps the failed recording beside it), and two workers record the whole suite
without corrupting a cassette. Run as a user runs it, in a scratch copy of the project."""

from __future__ import annotations

import re
from pathlib import Path

from oneentry_contracts.recording.cassettes import FAILED_SUFFIX, load_cassette_check
from oneentry_contracts.recording.lock import LOCK_NAME
from tests.suite.conftest import ROOT, SCENARIOS, SuiteCopy
from tests.suite.test_suite import GUEST, GUEST_NODE

FAILED = GUEST.removesuffix(".yaml") + FAILED_SUFFIX
KEPT = f"cassettes/{GUEST} was kept unchanged because the scenario failed while recording"


def _break_the_guest_order(suite: SuiteCopy) -> None:
    """The guest outline now orders into a storage the sandbox does not have: the order is
    refused with 404 mid-scenario, after the sign-in and the product look-up were recorded."""
    feature = suite.root / "features" / "guest_purchase.feature"
    text = feature.read_text(encoding="utf-8")
    step = 'the shopper places the order in storage "guest_orders" paying by'
    assert step in text
    feature.write_text(
        text.replace(step, step.replace("guest_orders", "guest_orders_gone"), 1),
        encoding="utf-8",
    )


def _stray_files(folder: Path) -> list[str]:
    """Temporary files (`.<name>.tmp`) and anything else that is not a committed cassette
    (the recorders' lock, `.recording.lock`, ignored by git, is meant to stay)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != LOCK_NAME
        and (p.name.startswith(".") or not p.name.endswith(".yaml"))
    )


def test_a_scenario_failing_while_recording_keeps_its_cassette(suite: SuiteCopy) -> None:
    committed = suite.cassettes()
    _break_the_guest_order(suite)
    run = suite.run("--record", "--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "Order storage 'guest_orders_gone' not found" in run.output  # it did fail mid-way
    assert suite.cassettes() == committed  # byte-identical, and no new file beside it
    assert _stray_files(suite.root / "cassettes") == []
    # Said twice: in pytest's output and in the command's summary.
    assert run.output.count(KEPT) == 2, run.output
    assert "run again with --keep-failed" in run.output
    assert "; 1 not replaced because their scenario failed while recording:" in run.output
    assert "Traceback" not in run.output


def test_keep_failed_keeps_the_failed_recording_beside_the_cassette(suite: SuiteCopy) -> None:
    committed = suite.cassettes()
    _break_the_guest_order(suite)
    run = suite.run("--record", "--keep-failed", "--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert f"the failed recording is in cassettes/{FAILED}" in run.output
    written = suite.cassettes()
    assert written.pop(FAILED) != committed[GUEST]  # the failed recording, which differs
    assert written == committed  # the cassette itself is byte-identical
    failed = suite.root / "cassettes" / FAILED
    data = load_cassette_check(failed)  # a well-formed cassette, scrubbed like any other
    uris = [i["request"]["uri"] for i in data["interactions"]]
    assert any("/marker/guest_orders_gone/orders" in uri for uri in uris), uris
    text = failed.read_text(encoding="utf-8")
    assert "127.0.0.1" not in text
    assert "sandbox-app-token" not in text
    assert not re.search(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.", text)

    # Replay never picks it up: the scenario (its feature restored) replays its own cassette.
    (suite.root / "features" / "guest_purchase.feature").write_bytes(
        (ROOT / "features" / "guest_purchase.feature").read_bytes()
    )
    replay = suite.run("--only", GUEST_NODE)
    assert replay.code == 0, replay.output

    # audit-cassettes scans it like any cassette: a planted JWT in it is found.
    planted = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ"
    failed.write_text(text.replace("guest_orders_gone", planted, 1), encoding="utf-8")
    audit = suite.audit()
    assert audit.code == 1, audit.output
    assert f"guest_purchase/{Path(FAILED).name}:" in audit.output
    assert ": jwt: " in audit.output

    # Recording the scenario again supersedes the old failed recording.
    again = suite.run("--record", "--only", GUEST_NODE)
    assert again.code == 0, again.output
    assert suite.cassettes() == committed


def test_a_new_scenario_failing_while_recording_writes_no_cassette(suite: SuiteCopy) -> None:
    (suite.root / "cassettes" / GUEST).unlink()
    _break_the_guest_order(suite)
    run = suite.run("--record", "--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert not (suite.root / "cassettes" / GUEST).exists()
    assert f"cassettes/{GUEST} was not written because the scenario failed" in run.output
    assert _stray_files(suite.root / "cassettes") == []
    assert not (suite.root / "cassettes" / FAILED).exists()


def test_two_workers_record_the_whole_suite_without_corrupting_a_cassette(
    suite: SuiteCopy,
) -> None:
    committed = suite.cassettes()
    for cassette in (suite.root / "cassettes").rglob("*.yaml"):
        cassette.unlink()  # every cassette is written anew, by one worker or the other
    run = suite.run("--record", "-n", "2")
    assert run.code == 0, run.output
    assert "2 workers" in run.output, run.output  # it did run on two xdist workers
    recorded = suite.cassettes()
    for name in recorded:
        load_cassette_check(suite.root / "cassettes" / name)  # every one parses
    assert recorded == committed  # each worker's sandbox, reset per scenario: same bytes
    assert _stray_files(suite.root / "cassettes") == []
    replay = suite.run()
    assert replay.code == 0, replay.output
    assert f"{SCENARIOS} passed" in replay.output


def test_a_cassette_that_cannot_be_written_is_named_and_the_run_goes_on(suite: SuiteCopy) -> None:
    """A folder where the guest cassette should go: its save fails. The error names the file
    and the reason, without a traceback; the feature's other scenarios, recorded after it in
    the same process, are saved as before (vcrpy let go of httpx although the save failed)."""
    committed = suite.cassettes()
    blocked = suite.root / "cassettes" / GUEST
    blocked.unlink()
    (blocked / "in_the_way").mkdir(parents=True)
    outline = "guest_purchase/a_guest_buys"
    others = {name: data for name, data in committed.items() if name.startswith(outline)}
    for name in others:
        if name != GUEST:
            (suite.root / "cassettes" / name).unlink()
    run = suite.run("--record", "-k", "a_guest_buys")
    assert run.code != 0, run.output
    assert f"Could not write the cassette cassettes/{GUEST}: Is a directory" in run.output
    assert "the cassette on disk is as it was before" in run.output
    assert "Traceback" not in run.output
    assert len(others) > 2
    for name, data in others.items():
        if name != GUEST:
            assert (suite.root / "cassettes" / name).read_bytes() == data, name
    assert _stray_files(suite.root / "cassettes") == []
