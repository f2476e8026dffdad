"""Bad input in the project's files (issue 16): feature files, cassettes of the wrong shape,
schemas, two recorders, leftovers of a killed write, a cassette that cannot be written. Each
case gives one paragraph, no traceback, and the exit code of the README's table. Run as a user
runs it (`oneentry-contracts run`) in a scratch copy of the project."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from oneentry_contracts.recording.lock import LOCK_NAME, RecordingLock
from tests.suite.conftest import Run, SuiteCopy
from tests.suite.test_suite import GUEST, GUEST_NODE

GUEST_FEATURE = "features/guest_purchase.feature"
ERRORS_FEATURE = "features/errors.feature"
# Recorded in the tests below: a scenario whose recording does not depend on the guest checkout.
STORAGE_NODE = "features/test_features.py::test_an_unknown_order_storage_is_not_found"
STORAGE = "errors/an_unknown_order_storage_is_not_found.yaml"


def _clean(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    assert "site-packages" not in run.output, run.output


def _text(suite: SuiteCopy, name: str) -> str:
    return (suite.root / name).read_text(encoding="utf-8")


def _write(suite: SuiteCopy, name: str, text: str) -> None:
    (suite.root / name).write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Feature files


def test_a_feature_file_that_is_not_utf8(suite: SuiteCopy) -> None:
    (suite.root / GUEST_FEATURE).write_bytes(_text(suite, GUEST_FEATURE).encode("cp1252"))
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert f"Feature file is not UTF-8 text: {GUEST_FEATURE}:15 (byte " in run.output
    assert "How to fix: save the file as UTF-8" in run.output
    _clean(run)


@pytest.mark.parametrize("content", ["", "# only a comment\n"], ids=["empty", "no-feature"])
def test_an_empty_feature_file(suite: SuiteCopy, content: str) -> None:
    _write(suite, "features/new.feature", content)
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    what = "is empty" if not content else "has no Feature: line"
    assert f"Feature file {what}: features/new.feature." in run.output
    assert "How to fix: start it with `Feature: <title>`" in run.output
    _clean(run)


def test_two_plain_scenarios_with_the_same_title(suite: SuiteCopy) -> None:
    text = _text(suite, ERRORS_FEATURE)
    title = "An unknown order storage is not found"
    assert f"Scenario: {title}" in text
    first = text[: text.index(f"Scenario: {title}")].count("\n") + 1
    duplicated = text.replace("Scenario: A wrong app token is refused", f"Scenario: {title}")
    _write(suite, ERRORS_FEATURE, duplicated)
    second = duplicated[: duplicated.index(f"Scenario: {title}")].count("\n") + 1
    before = suite.cassettes()
    run = suite.run("--record", "-k", "not_found")
    assert run.code == 2, run.output
    assert (
        f'Two scenarios in {ERRORS_FEATURE} have the same title: "{title}" (line {second}) '
        f'and "{title}" (line {first}).' in run.output
    )
    assert "pytest-bdd would keep only the last one, and both would record into " in run.output
    assert "How to fix: give each scenario a title of its own." in run.output
    assert suite.cassettes() == before  # nothing was recorded over
    _clean(run)


def test_an_examples_column_that_was_renamed(suite: SuiteCopy) -> None:
    text = _text(suite, GUEST_FEATURE)
    header = "| account | product         | quantity |"
    assert header in text
    _write(suite, GUEST_FEATURE, text.replace(header, header.replace("quantity", "qty     ")))
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert (
        'Scenario Outline "A guest buys <quantity> × <product> and pays by <account>" at '
        f"{GUEST_FEATURE}:15 uses <quantity>, but its Examples at line 35 has no such column "
        "(its columns: account, product, qty)" in run.output
    )
    assert "No cassette" not in run.output
    _clean(run)


def test_examples_without_rows(suite: SuiteCopy) -> None:
    lines = _text(suite, GUEST_FEATURE).splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if "| account | product" in line)
    rows = [i for i in range(header + 1, len(lines)) if lines[i].strip().startswith("|")]
    kept = [line for i, line in enumerate(lines) if i not in rows or i > rows[-1] + 1]
    _write(suite, GUEST_FEATURE, "".join(kept))
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert f"at {GUEST_FEATURE}:15: its Examples at line 35 has no rows" in run.output
    assert "How to fix: add a row per example under the header | account | product | " in (
        run.output
    )
    assert "No cassette" not in run.output
    _clean(run)


# ---------------------------------------------------------------------------------------------
# Cassettes of the wrong shape


def _first_interaction(suite: SuiteCopy, change: str, value: object) -> None:
    path = suite.root / "cassettes" / GUEST
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = data["interactions"][0]
    *parents, last = change.split(".")
    for part in parents:
        node = node[part]
    node[last] = value
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "value", "problem"),
    [
        (
            "request.headers",
            ["x-app-token"],
            "request.headers a list (['x-app-token']), where a mapping of names to values",
        ),
        ("response.body.string", 42, "response.body.string a number (42), where a string"),
        ("request.uri", 7, "request.uri a number (7), where a string belongs"),
        ("request.method", None, "request.method null, where a string belongs"),
    ],
    ids=["headers-list", "body-number", "uri-number", "method-null"],
)
def test_a_cassette_field_of_the_wrong_type(
    suite: SuiteCopy, change: str, value: object, problem: str
) -> None:
    _first_interaction(suite, change, value)
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "Cassette cannot be read" in run.output
    assert re.search(
        rf"cassettes/{re.escape(GUEST)}:\d+: interaction 1 has {re.escape(problem)}", run.output
    )
    assert "re-record the scenario" in run.output
    _clean(run)


# ---------------------------------------------------------------------------------------------
# Schemas


def test_a_schema_ref_cycle(suite: SuiteCopy) -> None:
    base = "https://schemas.oneentry-contracts.test/"
    schemas = suite.root / "schemas"
    (schemas / "loop_a.json").write_text(
        json.dumps({"$id": base + "loop_a.json", "$ref": "loop_b.json"})
    )
    (schemas / "loop_b.json").write_text(
        json.dumps({"$id": base + "loop_b.json", "allOf": [{"$ref": "loop_a.json"}]})
    )
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "schemas/loop_a.json: its $refs go round in a circle (loop_b.json -> loop_a.json" in (
        run.output
    )
    assert "How to fix: break the circle" in run.output
    _clean(run)


# ---------------------------------------------------------------------------------------------
# Recording: one recorder, leftovers, a cassette that cannot be written


def test_a_second_recorder_in_the_same_checkout_is_refused(suite: SuiteCopy) -> None:
    lock = RecordingLock(suite.root / "cassettes")
    lock.acquire()  # this test is the first recorder
    try:
        before = suite.cassettes()
        run = suite.run("--record", "--only", STORAGE_NODE)
    finally:
        lock.release()
    assert run.code == 2, run.output
    assert re.search(
        rf"another recording is running in this checkout \(process \d+ holds cassettes/"
        rf"{re.escape(LOCK_NAME)}\), so this one did not start",
        run.output,
    )
    assert "How to fix: wait for it to finish, or stop it" in run.output
    assert suite.cassettes() == before
    _clean(run)
    again = suite.run("--record", "--only", STORAGE_NODE)  # the lock is free again
    assert again.code == 0, again.output


def test_a_killed_write_s_temporary_file_is_removed_by_the_next_recording(
    suite: SuiteCopy,
) -> None:
    folder = suite.root / "cassettes" / "errors"
    left = folder / f".{Path(STORAGE).name}.k3x9q2.tmp"
    left.write_text("interactions: [half a cassette", encoding="utf-8")
    replay = suite.run("--only", STORAGE_NODE)
    assert replay.code == 0, replay.output
    assert left.exists()  # a replay writes nothing and leaves it (a recorder may be writing it)
    run = suite.run("--record", "--only", STORAGE_NODE)
    assert run.code == 0, run.output
    assert not left.exists()


def test_temporary_cassette_files_and_the_lock_are_ignored_by_git(suite: SuiteCopy) -> None:
    root = suite.root
    (root / ".gitignore").write_bytes((Path(__file__).parents[2] / ".gitignore").read_bytes())
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    names = [f"cassettes/guest_purchase/.{Path(GUEST).name}.abc123.tmp", f"cassettes/{LOCK_NAME}"]
    for name in names:
        (root / name).write_text("x", encoding="utf-8")
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", *names], capture_output=True, text=True
    )
    assert ignored.stdout.split() == names
    shown = subprocess.run(
        ["git", "-C", str(root), "check-ignore", f"cassettes/{GUEST}"], capture_output=True
    )
    assert shown.returncode == 1  # cassettes themselves are not ignored


def test_a_cassette_that_cannot_be_written_counts_once_in_the_summary(suite: SuiteCopy) -> None:
    """Its scenario passed, then its teardown failed to save: one failed scenario, not one
    passed and one failed (a full disk counted 31 passed and 16 failed for 31 scenarios)."""
    blocked = suite.root / "cassettes" / STORAGE
    blocked.unlink()
    (blocked / "in_the_way").mkdir(parents=True)
    run = suite.run("--record", "-k", "unknown_order_storage or form_field")
    assert run.code == 1, run.output
    assert f"Could not write the cassette cassettes/{STORAGE}: Is a directory" in run.output
    row = re.search(r"errors\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)", run.output)
    assert row is not None, run.output
    counts = tuple(map(int, row.groups()))
    assert counts == (3, 1, 0), run.output  # four scenarios: three saved, one not
    _clean(run)


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only for this process: its mode for a user; for root, which ignores modes,
    a read-only bind mount of it (the test needs mount rights then)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for path in modes:
            path.chmod(0o555)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    mount = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], check=False)
    if mount.returncode != 0:
        pytest.fail("running as root without mount rights: no way to make a read-only folder")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_cassette_folder_replays_but_refuses_to_record(suite: SuiteCopy) -> None:
    folder = suite.root / "cassettes"
    with _read_only(folder):
        with pytest.raises(OSError, match=r"Read-only|Permission"):
            (folder / "probe").write_text("x", encoding="utf-8")
        replay = suite.run("--only", GUEST_NODE)
        record = suite.run("--record", "--only", STORAGE_NODE)
    assert replay.code == 0, replay.output
    assert record.code == 2, record.output
    assert (
        f"cannot record: the cassette folder is not writable (cassettes/{LOCK_NAME}: "
        in record.output
    )
    assert "How to fix: make the folder writable" in record.output
    _clean(record)
