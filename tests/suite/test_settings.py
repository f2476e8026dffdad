"""Command-line settings reach the scenarios: `run --faker-seed` changes the form data sent."""

from __future__ import annotations

from tests.suite.conftest import SuiteCopy
from tests.suite.test_suite import GUEST_NODE


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
