"""Project-file values that parse but would break the sandbox later are refused at load time,
naming the file and the key; so are files that are not UTF-8 or not readable as YAML."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from oneentry_sandbox import ConfigError, SandboxState, load_project


def _data() -> dict[str, Any]:
    text = resources.files("oneentry_sandbox").joinpath("default_project.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _refusal(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "project.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert caught.value.file == str(path)
    return caught.value


def _with(tmp_path: Path, section: str, key: str, value: object) -> ConfigError:
    data = _data()
    data[section][key] = value
    return _refusal(tmp_path, yaml.safe_dump(data))


START = "expected an ISO 8601 instant with a zone, like '2025-04-30T20:15:29.254Z'"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("yesterday", f"{START}, got 'yesterday'"),
        ("2025-04-30T20:15:29", f"{START} (the zone is missing), got '2025-04-30T20:15:29'"),
        (
            "9999-12-31T23:59:59Z",
            "expected an instant from 1970 to 7999, got '9999-12-31T23:59:59Z'",
        ),
        (1700000000, f"{START}, got int 1700000000"),
        (None, f"{START}, got null None"),
    ],
)
def test_bad_deterministic_start(tmp_path: Path, value: object, problem: str) -> None:
    error = _with(tmp_path, "deterministic", "start", value)
    assert (error.key, error.problem) == ("deterministic.start", problem)


def test_an_unquoted_yaml_timestamp_with_a_zone_is_a_start(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    text = yaml.safe_dump(_data()).replace(
        "start: '2025-04-30T20:15:29.254Z'", "start: 2025-04-30T20:15:29.254Z"
    )
    assert "start: 2025-04-30T20:15:29.254Z" in text
    path.write_text(text)
    project = load_project(path)
    assert project.deterministic.start == "2025-04-30T20:15:29.254Z"
    state = SandboxState(project, deterministic=True)
    assert state.clock.now().isoformat() == "2025-04-30T20:15:29.254000+00:00"


def test_a_naive_yaml_timestamp_is_refused(tmp_path: Path) -> None:
    text = yaml.safe_dump(_data()).replace(
        "start: '2025-04-30T20:15:29.254Z'", "start: 2025-04-30 20:15:29"
    )
    error = _refusal(tmp_path, text)
    assert error.key == "deterministic.start"
    assert error.problem.startswith(f"{START}, got an unquoted YAML timestamp (quote it")


@pytest.mark.parametrize(
    ("section", "key", "value", "where", "problem"),
    [
        ("deterministic", "step_ms", -1, "deterministic.step_ms",
         "expected 0..86400000 (one day), got -1"),
        ("deterministic", "step_ms", "fast", "deterministic.step_ms",
         "expected an integer, got str 'fast'"),
        ("deterministic", "seed", 7, "deterministic.seed", "expected a string, got int 7"),
        ("sequences", "order", 2**60, "sequences.order",
         "expected an integer from -9007199254740991 to 9007199254740991, "
         "got 1152921504606846976"),
        ("behaviour", "require_device_metadata", "yes", "behaviour.require_device_metadata",
         "expected a boolean, got str 'yes'"),
    ],
)  # fmt: skip
def test_wrong_types_and_ranges_name_the_key(
    tmp_path: Path, section: str, key: str, value: object, where: str, problem: str
) -> None:
    error = _with(tmp_path, section, key, value)
    assert (error.key, error.problem) == (where, problem)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("accessTokenTtlSec", "\u00b2", "expected a string of digits from 1 to 315360000, got '²'"),
        ("accessTokenTtlSec", "\u0663\u0660", "expected a string of digits from 1 to 315360000, "
         "got '٣٠'"),
        ("refreshTokenTtlMc", "9" * 30, "expected a string of digits from 1 to 315360000000, "
         "got '999999999999999999999999999999'"),
        ("accessTokenTtlSec", "0", "expected a string of digits from 1 to 315360000, got '0'"),
    ],
)  # fmt: skip
def test_token_lifetimes_must_be_plain_digits_in_range(
    tmp_path: Path, key: str, value: str, problem: str
) -> None:
    data = _data()
    data["auth_providers"][0]["config"][key] = value
    error = _refusal(tmp_path, yaml.safe_dump(data))
    assert (error.key, error.problem) == (f"auth_providers[0].config.{key}", problem)


def test_prices_above_the_ceiling_are_refused(tmp_path: Path) -> None:
    data = _data()
    data["products"][0]["price"] = 1e300
    error = _refusal(tmp_path, yaml.safe_dump(data))
    assert (error.key, error.problem) == (
        "products[0].price", "expected a number from 0 to 1000000000, got 1e+300"
    )  # fmt: skip


def test_lone_surrogates_in_strings_are_refused(tmp_path: Path) -> None:
    text = yaml.safe_dump(_data()).replace("name: oneentry-sandbox", 'name: "\\ud800"', 1)
    error = _refusal(tmp_path, text)
    assert (error.key, error.problem) == (
        "name", "contains a lone UTF-16 surrogate (e.g. \\ud800); use valid Unicode"
    )  # fmt: skip


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: café\n".encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert (caught.value.key, caught.value.problem) == (
        "<file>", "not UTF-8 text (byte 0xe9 at offset 9); save the file as UTF-8"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("order: " + "9" * 5000 + "\n", "not valid YAML/JSON: Exceeds the limit (4300 digits)"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply to read"),
    ],
)
def test_yaml_the_reader_cannot_hold(tmp_path: Path, text: str, problem: str) -> None:
    error = _refusal(tmp_path, text)
    assert error.key == "<syntax>"
    assert error.problem.startswith(problem)
