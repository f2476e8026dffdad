"""Command-line settings reach the scenarios: `run --faker-seed` changes the form data sent."""

from __future__ import annotations

from tests.suite.conftest import SuiteCopy
from tests.suite.test_suite import GUEST, GUEST_NODE


def test_faker_seed_from_the_command_line_changes_the_form_data(suite: SuiteCopy) -> None:
    assert suite.run("--only", GUEST_NODE).code == 0
    run = suite.run("--only", GUEST_NODE, "--faker-seed", "7")
    assert run.code == 1, run.output
    assert "/formData/en_US/0/value" in run.output  # the fake guest name differs from the cassette


def test_faker_seed_from_the_file_and_a_bad_set_is_a_usage_error(suite: SuiteCopy) -> None:
    config = suite.root / "oneentry-contracts.toml"
    config.write_text(config.read_text("utf-8") + "\n[formdata]\nseed = 7\n", encoding="utf-8")
    assert suite.run("--only", GUEST_NODE).code == 1
    bad = suite.run("--only", GUEST_NODE, "--set", "formdata.seed=seven")
    assert bad.code == 2, bad.output
    assert "command line: [formdata.seed] must be a whole number >= 0, got 'seven'" in bad.output


def _scrub(suite: SuiteCopy, table: str) -> None:
    config = suite.root / "oneentry-contracts.toml"
    config.write_text(config.read_text("utf-8") + f"\n[scrub]\n{table}\n", encoding="utf-8")


def test_scrub_list_records_placeholders_and_replays(suite: SuiteCopy) -> None:
    _scrub(suite, "values = ['Sale']\npatterns = ['UQ_[a-z]+']")
    assert suite.run("--record", "--only", GUEST_NODE).code == 0
    text = (suite.root / "cassettes" / GUEST).read_text("utf-8")
    assert "Sale" not in text
    assert "UQ_" not in text  # the device fingerprint header
    assert "<REDACTED>" in text
    replay = suite.run("--only", GUEST_NODE)
    assert replay.code == 0, replay.output


def test_a_scrubbed_value_the_scenario_sends_still_matches_its_recording(
    suite: SuiteCopy,
) -> None:
    _scrub(suite, "patterns = ['Blake \\w+']")  # the guest's fake name, sent in formData
    assert suite.run("--record", "--only", GUEST_NODE).code == 0
    assert "Blake" not in (suite.root / "cassettes" / GUEST).read_text("utf-8")
    replay = suite.run("--only", GUEST_NODE)
    # The request is scrubbed before matching, so it matches; the order's echo of the name is
    # <REDACTED> in the cassette, so the step that compares it with what was sent fails.
    assert "Request does not match the recording" not in replay.output
    assert replay.code == 1
    assert "Step failed: Then the order is created" in replay.output  # the failing step named
