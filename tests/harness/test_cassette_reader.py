"""One cassette reader (`recording.cassettes`): the replay, the schema inference, check-forms'
`--offline` and the secrets audit all read a cassette through it, so a broken file is reported
the same way everywhere and the audit sees a value as vcrpy will replay it."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneentry_contracts.errors import ConfigError, UnreadableCassette
from oneentry_contracts.formcheck.check import CassetteReader
from oneentry_contracts.recording.cassettes import scalars
from oneentry_contracts.schemas.recorded import read_recorded

BROKEN = "interactions:\n- request: {method: GET\n  uri: x\n"


def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "cassettes" / "feature" / "scenario.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_schema_inference_names_the_broken_cassette_and_its_line(tmp_path: Path) -> None:
    path = _broken(tmp_path)
    with pytest.raises(UnreadableCassette) as caught:
        read_recorded(tmp_path / "cassettes")
    assert f"{path}:3:6: it is not valid YAML" in str(caught.value)


def test_check_forms_offline_names_it_on_one_line(tmp_path: Path) -> None:
    path = _broken(tmp_path)
    with pytest.raises(ConfigError) as caught:
        CassetteReader(tmp_path / "cassettes")
    message = str(caught.value)
    assert f"{path}:3:6: it is not valid YAML" in message
    assert "\n" not in message


def test_scalars_are_read_as_yaml_reads_them() -> None:
    text = (
        "a: plain\n"
        "b: 'quoted'\n"
        'c: "esc\\x41ped"\n'
        "d: 'folded\n  line'\n"
        "e: |\n  block\n  text\n"
        "f: !!binary |\n  /w==\n"
    )
    found = {s.value: (s.line, s.written) for s in scalars(text)}
    assert found["plain"] == (1, True)
    assert found["quoted"] == (2, True)
    assert found["escAped"] == (3, False)
    assert found["folded line"] == (4, False)
    assert found["block\ntext\n"] == (6, False)
    assert found[b"\xff"] == (9, False)
    assert list(scalars("a: [unclosed")) == []
