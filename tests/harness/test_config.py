"""The configuration: precedence (command line > environment > file > default), validation
errors that name the file, the key, the expected type and the closest key, `config` showing
where each value came from, `init` writing a starter that loads, and the scrub list's wiring."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oneentry_contracts.api.target import Target
from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import CONFIG_FILE, KEYS, Config, Credentials, resolve
from oneentry_contracts.config.starter import render_starter
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.pytest_plugin.plugin import _scrub_config
from oneentry_contracts.recording.audit import KnownSecrets, audit_paths
from oneentry_contracts.recording.scrub import REDACTED, Scrubber

TIMEOUT_ENV = "ONEENTRY_CONTRACTS_RECORDING_TIMEOUT"


def write(root: Path, text: str, name: str = CONFIG_FILE) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Precedence


def test_defaults_without_a_file_or_variables(tmp_path: Path) -> None:
    settings = resolve(tmp_path, env={})
    assert settings.file is None
    assert set(settings.sources.values()) == {"default"}
    assert settings.config == Config(source="defaults")
    assert {k.path: settings.values[k.path] for k in KEYS} == {k.path: k.default for k in KEYS}


def test_environment_beats_the_default(tmp_path: Path) -> None:
    env = {TIMEOUT_ENV: "42", "ONEENTRY_CONTRACTS_RECORDING_STRICT": "yes"}
    settings = resolve(tmp_path, env=env)
    assert settings.config.timeout == 42.0
    assert settings.config.strict is True
    assert settings.sources["recording.timeout"] == f"environment {TIMEOUT_ENV}"
    assert settings.sources["project.lang_code"] == "default"


def test_environment_beats_the_file(tmp_path: Path) -> None:
    write(tmp_path, "[recording]\ntimeout = 5\nstrict = true\n[formdata]\nseed = 3\n")
    settings = resolve(tmp_path, env={TIMEOUT_ENV: "42", "ONEENTRY_CONTRACTS_FORMDATA_SEED": "7"})
    assert settings.config.timeout == 42.0  # a CI variable overrides the committed file
    assert settings.sources["recording.timeout"] == f"environment {TIMEOUT_ENV}"
    assert settings.config.faker_seed == 7
    assert settings.sources["formdata.seed"] == "environment ONEENTRY_CONTRACTS_FORMDATA_SEED"
    assert settings.config.strict is True  # no variable: the file applies
    assert settings.sources["recording.strict"] == CONFIG_FILE


def test_a_broken_file_value_is_reported_even_when_a_variable_overrides_it(
    tmp_path: Path,
) -> None:
    write(tmp_path, '[recording]\ntimeout = "10s"\n')
    with pytest.raises(ConfigError, match=r"\[recording\.timeout\] must be a number > 0"):
        resolve(tmp_path, env={TIMEOUT_ENV: "42"})


def test_the_shipped_file_lets_the_environment_drive_every_key() -> None:
    """The README's example: this repository's own file sets only what differs from the
    defaults (the catalog), so every documented ONEENTRY_CONTRACTS_* variable takes effect."""
    root = Path(__file__).resolve().parents[2]
    assert resolve(root, env={}).config == Config(
        source=CONFIG_FILE, catalog=resolve(root, env={}).config.catalog
    )
    settings = resolve(root, env={key.env: "7" for key in KEYS if key.kind == "integer"})
    for key in KEYS:
        if key.kind == "integer":
            assert settings.sources[key.path] == f"environment {key.env}", key.path


def test_command_line_beats_environment_and_file(tmp_path: Path) -> None:
    write(tmp_path, '[recording]\ntimeout = 5\n[project]\nlang_code = "ru_RU"\n')
    settings = resolve(
        tmp_path,
        cli={"recording.timeout": "1.5", "project.lang_code": "es_ES"},
        env={TIMEOUT_ENV: "42", "ONEENTRY_CONTRACTS_PROJECT_LANG_CODE": "de_DE"},
    )
    assert (settings.config.timeout, settings.config.lang_code) == (1.5, "es_ES")
    assert settings.sources["recording.timeout"] == "command line"
    assert settings.sources["project.lang_code"] == "command line"


def test_pyproject_table_is_read_and_the_toml_file_wins_over_it(tmp_path: Path) -> None:
    write(tmp_path, '[tool.oneentry-contracts.auth]\nprovider = "phone"\n', "pyproject.toml")
    settings = resolve(tmp_path, env={})
    assert settings.config.auth_provider == "phone"
    assert settings.sources["auth.provider"] == "pyproject.toml [tool.oneentry-contracts]"
    write(tmp_path, '[auth]\nprovider = "sms"\n')
    assert resolve(tmp_path, env={}).config.auth_provider == "sms"


def test_lists_from_the_environment_and_the_command_line(tmp_path: Path) -> None:
    settings = resolve(
        tmp_path,
        cli={"scrub.keys": '["iban", "apiKey"]'},
        env={"ONEENTRY_CONTRACTS_SCRUB_PATTERNS": r"sk_live_\w+, acct_\d+"},
    )
    assert settings.config.scrub_keys == ("iban", "apiKey")
    assert settings.config.scrub_patterns == (r"sk_live_\w+", r"acct_\d+")


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    settings = resolve(tmp_path, env={TIMEOUT_ENV: "  "})
    assert settings.sources["recording.timeout"] == "default"


# ---------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[recording]\ntimout = 5\n",
            r"oneentry-contracts\.toml: 'recording\.timout' is not a known key\. "
            r"Did you mean 'recording\.timeout'\?",
        ),
        (
            '[recording]\ntimeout = "ten"\n',
            r"oneentry-contracts\.toml: \[recording\.timeout\] must be a number > 0, got 'ten'",
        ),
        (
            "[recording]\nstrict = 1\n",
            r"\[recording\.strict\] must be true or false, got 1",
        ),
        ("[projct]\n", r"'projct' is not a known key\. Did you mean 'project'\?"),
        ("timeout = 3\n", r"'timeout' is not a known section\. Did you mean 'recording\.timeout'"),
        (
            '[users.guests]\nemail_env = "X"\n',
            r"'users\.guests' is not a known key\. Did you mean 'users\.guest'\?",
        ),
        (
            '[users.guest]\nemial_env = "X"\n',
            r"Did you mean 'users\.guest\.email_env'\?",
        ),
        ('[project]\nurl_env = "my url"\n', r"\[project\.url_env\] 'my url' is not an environment"),
        ('[project]\nlang_code = "xx_XX"\n', r"\[project\.lang_code\] no fake data for langCode"),
        ('[scrub]\npatterns = ["(unclosed"]\n', r"\[scrub\.patterns\] '\(unclosed' is not a regul"),
        ('[scrub]\nkeys = "apiKey"\n', r"\[scrub\.keys\] must be a list of non-empty strings"),
        ("[formdata]\nseed = -1\n", r"\[formdata\.seed\] must be a whole number >= 0, got -1"),
        ('[catalog]\n"Cosmo" = "2957"\n', r"\[catalog\.Cosmo\] must be a positive product id"),
        ("[recording\n", r"oneentry-contracts\.toml: not valid TOML"),
    ],
)
def test_file_errors_name_the_file_the_key_and_the_fix(
    tmp_path: Path, text: str, expected: str
) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected):
        resolve(tmp_path, env={})


def test_a_secret_value_is_not_echoed_in_its_error(tmp_path: Path) -> None:
    write(tmp_path, '[scrub]\nvalues = ["s3cr3t-value", 5]\n')
    with pytest.raises(ConfigError, match=r"\[scrub\.values\]") as caught:
        resolve(tmp_path, env={})
    assert "s3cr3t" not in str(caught.value)


def test_environment_and_command_line_errors_name_their_origin(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=rf"environment {TIMEOUT_ENV}: \[recording\.timeout\]"):
        resolve(tmp_path, env={TIMEOUT_ENV: "soon"})
    with pytest.raises(ConfigError, match=r"command line: \[recording\.strict\] must be true or"):
        resolve(tmp_path, cli={"recording.strict": "maybe"}, env={})
    with pytest.raises(ConfigError, match=r"Did you mean 'formdata\.seed'\?"):
        resolve(tmp_path, cli={"formdata.sed": "1"}, env={})
    with pytest.raises(ConfigError, match=r"\[markers\] and \[catalog\] are set in the file only"):
        resolve(tmp_path, cli={"markers.cash": "cash2"}, env={})


# ---------------------------------------------------------------------------------------------
# `oneentry-contracts config`


def test_config_command_shows_each_source_and_masks_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        '[recording]\ntimeout = 5\n[scrub]\nvalues = ["internal-codename-x"]\nenv = ["MY_HOOK"]\n',
    )
    monkeypatch.setenv("ONEENTRY_CONTRACTS_PROJECT_LANG_CODE", "ru_RU")
    monkeypatch.setenv("ONEENTRY_APP_TOKEN", "real-app-token-value")
    monkeypatch.setenv("MY_HOOK", "hook-secret-value")
    code = main(["config", "--root", str(tmp_path), "--format", "json", "--strict"])
    out = capsys.readouterr().out
    assert code == 0
    rows = {row["key"]: row for row in json.loads(out)["settings"]}
    assert rows["recording.timeout"] == {
        "key": "recording.timeout",
        "value": "5.0",
        "source": CONFIG_FILE,
    }
    assert rows["recording.strict"]["source"] == "command line"
    assert rows["project.lang_code"]["source"] == "environment ONEENTRY_CONTRACTS_PROJECT_LANG_CODE"
    assert rows["project.app_token_env"]["value"] == "ONEENTRY_APP_TOKEN (set)"
    assert rows["scrub.env"]["value"] == "MY_HOOK (set)"
    assert rows["auth.provider"]["source"] == "default"
    for secret in ("internal-codename-x", "real-app-token-value", "hook-secret-value"):
        assert secret not in out


def test_config_command_exits_2_on_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "[recording]\ntimout = 5\n")
    assert main(["config", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Did you mean 'recording.timeout'?" in err
    assert "Traceback" not in err


def test_run_refuses_a_bad_set_before_starting_pytest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "features").mkdir()
    assert main(["run", "--root", str(tmp_path), "--set", "recording.timeout=-1"]) == 2
    assert "[recording.timeout] must be a number > 0, got -1.0" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# `oneentry-contracts init`


def test_init_writes_a_starter_that_loads_as_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--config-only", "--root", str(tmp_path)]) == 0
    written = (tmp_path / CONFIG_FILE).read_text("utf-8")
    assert written == render_starter()
    for key in KEYS:  # every key is in it, with its variable
        assert f"# {key.name} = " in written
        assert key.env in written
    settings = resolve(tmp_path, env={TIMEOUT_ENV: "3"})
    assert settings.file == CONFIG_FILE
    assert settings.config.timeout == 3.0  # all commented out: the environment applies


def test_the_starter_uncommented_is_valid_and_holds_the_defaults(tmp_path: Path) -> None:
    names = {key.name for key in KEYS} | {"guest_orders", "guest_order", "stripe", '"Cosmo"'}
    lines = []
    for line in render_starter().splitlines():
        name = line[2:].split(" = ", 1)[0] if line.startswith("# ") and " = " in line else ""
        lines.append(line[2:] if name in names and '"Classic' not in line else line)
    write(tmp_path, "\n".join(lines))
    settings = resolve(tmp_path, env={})
    assert all(source == CONFIG_FILE for source in settings.sources.values())
    for key in KEYS:
        if key.default not in (None, []):
            assert settings.values[key.path] == key.default, key.path
    assert settings.config.catalog == {"Cosmo": 2957}
    assert settings.config.marker("guest_orders") == "guest-orders"


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = write(tmp_path, "[recording]\ntimeout = 5\n")
    assert main(["init", "--config-only", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already exists and was not overwritten" in err
    assert "--force" in err
    assert mine.read_text("utf-8") == "[recording]\ntimeout = 5\n"
    assert main(["init", "--config-only", "--root", str(tmp_path), "--force"]) == 0
    assert mine.read_text("utf-8") == render_starter()
    assert [p.name for p in tmp_path.iterdir()] == [CONFIG_FILE]  # no temporary file left


def test_init_print_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--root", str(tmp_path), "--print"]) == 0
    assert capsys.readouterr().out == render_starter()
    assert not (tmp_path / CONFIG_FILE).exists()


# ---------------------------------------------------------------------------------------------
# The scrub list reaches the scrubber


def test_scrub_list_is_applied_on_top_of_the_built_ins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        '[scrub]\nvalues = ["Acme Internal Ltd"]\nenv = ["HOOK_SECRET"]\n'
        'patterns = ["sk_live_[0-9A-Za-z]+"]\nkeys = ["iban"]\n',
    )
    monkeypatch.setenv("HOOK_SECRET", "whsec-0123456789")
    config = resolve(tmp_path, env={}).config
    login = Credentials("jane@real.example", "hunter2-long-pass")
    target = Target("http://127.0.0.1:9999", "real-app-token", {"registered": login})
    scrubber = Scrubber(_scrub_config(config, target))
    body = {
        "company": "Acme Internal Ltd",
        "note": "hook whsec-0123456789, key sk_live_AbC123",
        "iban": "DE89370400440532013000",
        "password": "hunter2-long-pass",
        "user": "jane@real.example",
        "url": "http://127.0.0.1:9999/api",
    }
    scrubbed = scrubber.json(body)
    assert scrubbed == {
        "company": REDACTED,
        "note": f"hook {REDACTED}, key {REDACTED}",
        "iban": REDACTED,
        "password": REDACTED,
        "user": "registered-user@example.test",
        "url": "https://project.oneentry.test/api",
    }
    assert re.search(r"sk_live|whsec|Acme|DE89", json.dumps(scrubbed)) is None


def test_audit_looks_for_the_scrub_list(tmp_path: Path) -> None:
    config = Config(
        scrub_values=("Acme Internal Ltd",),
        scrub_env=("HOOK_SECRET",),
        scrub_patterns=("sk_live_[0-9A-Za-z]+",),
    )
    leaked = write(
        tmp_path, "a: Acme Internal Ltd\nb: whsec-0123456789\nc: sk_live_AbC123\n", "x.yaml"
    )
    secrets = KnownSecrets.from_env(config, {"HOOK_SECRET": "whsec-0123456789"})
    report = audit_paths([leaked], secrets)
    assert sorted((f.line, f.kind) for f in report.findings) == [
        (1, "scrub-list"),
        (2, "scrub-list"),
        (3, "scrub-list"),
    ]
    clean = write(tmp_path, f"a: {REDACTED}\n", "y.yaml")
    assert audit_paths([clean], secrets).clean
