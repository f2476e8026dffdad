"""The `[recording]` retry keys: read, validated, and turned into the scenarios' RetryPolicy."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneentry_contracts.api.retry import RetryPolicy, no_wait
from oneentry_contracts.config.settings import Config, load_config
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.pytest_plugin.plugin import retry_policy


def write(tmp_path: Path, recording: str) -> Path:
    (tmp_path / "oneentry-contracts.toml").write_text(f"[recording]\n{recording}\n", "utf-8")
    return tmp_path


def test_defaults() -> None:
    config = Config()
    assert (config.retry_attempts, config.retry_backoff, config.retry_max_delay) == (4, 0.5, 8.0)
    assert retry_policy(config, "live") == RetryPolicy(attempts=4, backoff=0.5, max_delay=8.0)


def test_keys_are_read_and_become_the_policy(tmp_path: Path) -> None:
    root = write(tmp_path, "retry_attempts = 2\nretry_backoff = 1\nretry_max_delay = 30.5")
    config = load_config(root)
    live = retry_policy(config, "record")
    assert (live.attempts, live.backoff, live.max_delay) == (2, 1.0, 30.5)
    assert live.sleep is not no_wait
    assert retry_policy(config, "replay").sleep is no_wait  # a replay never waits


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'retry_attempts = "3"',
            "oneentry-contracts.toml: [recording.retry_attempts] must be a whole number from 1 to "
            "10, got '3'",
        ),
        (
            "retry_attempts = 2.5",
            "oneentry-contracts.toml: [recording.retry_attempts] must be a whole number from 1 to "
            "10, got 2.5",
        ),
        (
            "retry_attempts = 0",
            "oneentry-contracts.toml: [recording.retry_attempts] must be a whole number from 1 to "
            "10, got 0",
        ),
        (
            "retry_backoff = -1",
            "oneentry-contracts.toml: [recording.retry_backoff] must be a number >= 0, got -1",
        ),
        (
            "retry_max_delay = true",
            "oneentry-contracts.toml: [recording.retry_max_delay] must be a number >= 0, got True",
        ),
        (
            "retries = 3",
            "oneentry-contracts.toml: 'recording.retries' is not a known key. Did you mean "
            "'recording.retry_attempts'? Every key, with its meaning: "
            "`oneentry-contracts init --print`.",
        ),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, line))
    assert str(caught.value) == message
