"""`check-forms --project` with the roles a shop has: every role is optional, but someone must
sign in to read the storages and payment accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneentry_contracts.cli.main import main
from oneentry_sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
GUEST = ("guest@onnentry.cloud", "12345121334")


def _project_env(monkeypatch: pytest.MonkeyPatch, sb: SandboxServer, token: str) -> None:
    for name in (
        *("ONEENTRY_GUEST_EMAIL", "ONEENTRY_GUEST_PASSWORD"),
        *("ONEENTRY_USER_EMAIL", "ONEENTRY_USER_PASSWORD"),
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONEENTRY_PROJECT_URL", sb.base_url)
    monkeypatch.setenv("ONEENTRY_APP_TOKEN", token)


def test_a_shop_with_only_a_guest_account_is_checked_as_the_guest(
    sb: SandboxServer,
    sandbox_app_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project_env(monkeypatch, sb, sandbox_app_token)
    monkeypatch.setenv("ONEENTRY_GUEST_EMAIL", GUEST[0])
    monkeypatch.setenv("ONEENTRY_GUEST_PASSWORD", GUEST[1])
    code = main(["check-forms", "--project", "--root", str(ROOT), "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err  # findings, not a usage error: the guest signed in
    assert '"findings"' in out.out
    assert "signing in" not in out.out
    assert GUEST[0] not in out.out + out.err


def test_a_shop_with_no_user_set_is_told_which_variables_to_export(
    sb: SandboxServer,
    sandbox_app_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project_env(monkeypatch, sb, sandbox_app_token)
    code = main(["check-forms", "--project", "--root", str(ROOT)])
    err = capsys.readouterr().err
    assert code == 2
    assert "no user is set" in err
    assert "ONEENTRY_USER_EMAIL and ONEENTRY_USER_PASSWORD (a registered customer)" in err
    assert "Traceback" not in err
