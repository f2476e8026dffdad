"""The secrets audit: committed cassettes are clean, every planted kind is found, masked."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import Config
from oneentry_contracts.recording.audit import KnownSecrets, audit_paths, mask

ROOT = Path(__file__).resolve().parents[2]
ENV_NAMES = (
    "ONEENTRY_PROJECT_URL",
    "ONEENTRY_APP_TOKEN",
    "ONEENTRY_GUEST_EMAIL",
    "ONEENTRY_GUEST_PASSWORD",
    "ONEENTRY_USER_EMAIL",
    "ONEENTRY_USER_PASSWORD",
)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6OCwidXNlcklkZW50aWZpZXIiOiJqYW5lIn0"
    ".c2lnbmF0dXJlLW9uZQ"
)
OPAQUE = "f3a9c2d1e8b7a6f5e4d3c2b1a0"
REFRESH = "1767759348848-7184d7ba-a66d-4f30-bb76-29a64696f96d"
APP_TOKEN = "app-TOKEN-9f8e7d6c5b4a"
HOST = "my-shop.oneentry.cloud"
LOOPBACK = "http://127.0.0.1:54321"
EMAIL = "jane.doe@realmail.io"

# A clean cassette, as the recorder writes it; line 9 is where a secret gets planted.
TEMPLATE = """\
interactions:
- request:
    body: '{{"orderId":90,"type":"session"}}'
    headers:
      accept:
      - '*/*'
      x-app-token:
      - app-token-placeholder
      {planted}
    method: POST
    uri: https://project.oneentry.test/api/content/payments/sessions
  response:
    body:
      string: '{{"userIdentifier":"guest-user@example.test","accessToken":"<ACCESS_TOKEN_1>"}}'
    status:
      code: 200
      message: OK
version: 1
"""
PLANTED_LINE = 9


@pytest.fixture(autouse=True)
def no_project_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit reads ONEENTRY_* variables; a developer's own must not leak into the tests."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def plant(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "cassettes" / "feature" / "scenario.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(planted=line), encoding="utf-8")
    return path


def test_committed_cassettes_are_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["audit-cassettes"]) == 0, capsys.readouterr().out
    assert "no secrets found" in capsys.readouterr().out


def test_the_template_itself_is_clean(tmp_path: Path) -> None:
    report = audit_paths(
        [plant(tmp_path, "authorization: Bearer <ACCESS_TOKEN_2>")], KnownSecrets()
    )
    assert report.files == 1
    assert report.findings == ()


@pytest.mark.parametrize(
    ("line", "secret", "kind", "env"),
    [
        ("x-token: " + JWT, JWT, "jwt", {}),
        ("authorization: Bearer " + OPAQUE, OPAQUE, "bearer", {}),
        ("authorization: Bearer " + JWT, JWT, "jwt", {}),
        ('body: \'{"refreshToken":"' + REFRESH + "\"}'", REFRESH, "refresh-token", {}),
        ("x-other-token: " + APP_TOKEN, APP_TOKEN, "app-token", {"ONEENTRY_APP_TOKEN": APP_TOKEN}),
        (
            "location: https://" + HOST + "/api/content/orders",
            "https://" + HOST,
            "project-host",
            {"ONEENTRY_PROJECT_URL": "https://" + HOST},
        ),
        ("location: " + LOOPBACK + "/api/content/orders", LOOPBACK, "loopback-url", {}),
        ('body: \'{"email":"' + EMAIL + "\"}'", EMAIL, "email", {}),
        (
            "body: 'login=guest%40onnentry.cloud'",
            "guest%40onnentry.cloud",
            "user-email",
            {"ONEENTRY_GUEST_EMAIL": "guest@onnentry.cloud"},
        ),
    ],
    ids=[
        "jwt",
        "bearer",
        "bearer-jwt",
        "refresh",
        "app-token",
        "host",
        "loopback",
        "email",
        "guest",
    ],
)
def test_each_planted_kind_is_found_once_on_its_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
    secret: str,
    kind: str,
    env: dict[str, str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = plant(tmp_path, line)
    code = main(["audit-cassettes", str(path)])
    out = capsys.readouterr().out
    assert code == 1, out
    findings = [row for row in out.splitlines() if row.startswith(str(path))]
    column = line.index(secret) + 7  # the planted line is indented by 6 spaces
    assert findings == [f"{path}:{PLANTED_LINE}:{column}: {kind}: {mask(secret)}"]
    assert secret not in out
    assert "How to fix" in out


def test_an_address_off_the_reserved_domains_is_found_configured_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = plant(tmp_path, 'body: \'{"login":"guest@onnentry.cloud"}\'')
    report = audit_paths([path], KnownSecrets.from_env(Config()))
    assert [(f.line, f.kind) for f in report.findings] == [(PLANTED_LINE, "email")]
    monkeypatch.setenv("ONEENTRY_GUEST_EMAIL", "guest@onnentry.cloud")
    report = audit_paths([path], KnownSecrets.from_env(Config()))
    assert [(f.line, f.kind) for f in report.findings] == [(PLANTED_LINE, "user-email")]


def test_only_reserved_domains_are_allowed(tmp_path: Path) -> None:
    reserved = "a@example.com b@mail.example.org c@example.net d@e.test e@shop.example f@x.invalid"
    assert audit_paths([plant(tmp_path, f"body: '{reserved}'")], KnownSecrets()).clean
    free = "a@gmail.com b@mail.ru c@yandex.ru d@outlook.com e@Example.COM.evil.io"
    report = audit_paths([plant(tmp_path, f"body: '{free}'")], KnownSecrets())
    assert [f.excerpt[:2] for f in report.findings] == ["a@", "b@", "c@", "d@", "e@"]


def test_placeholder_values_in_the_environment_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEENTRY_APP_TOKEN", "app-token-placeholder")
    monkeypatch.setenv("ONEENTRY_PROJECT_URL", "https://project.oneentry.test")
    secrets = KnownSecrets.from_env(Config())
    assert secrets == KnownSecrets()
    assert audit_paths([plant(tmp_path, "accept: '*/*'")], secrets).clean


def test_short_password_only_where_it_stands_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEENTRY_USER_PASSWORD", "12345")
    secrets = KnownSecrets.from_env(Config())
    assert audit_paths([plant(tmp_path, "body: '{\"id\":123456}'")], secrets).clean
    report = audit_paths([plant(tmp_path, 'body: \'{"password":"12345"}\'')], secrets)
    assert [(f.kind, f.excerpt) for f in report.findings] == [("password", "12… (5 chars)")]


def test_reports_folder_and_json_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(tmp_path, "accept: '*/*'")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "junit.xml").write_text(f"<failure>\nBearer {OPAQUE}\n</failure>\n")
    (reports / "image.png").write_bytes(b"Bearer " + OPAQUE.encode())  # not a report type
    monkeypatch.chdir(tmp_path)
    assert main(["audit-cassettes", "--format", "json"]) == 1
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["files"] == 2
    assert data["findings"] == [
        {
            "path": str(Path("reports") / "junit.xml"),
            "line": 2,
            "column": 8,
            "kind": "bearer",
            "excerpt": mask(OPAQUE),
        }
    ]
    assert OPAQUE not in out


def test_a_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-cassettes"
    assert main(["audit-cassettes", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert f"no such file or folder: {missing}" in lines[0]


def test_the_cli_does_not_import_vcr() -> None:
    # The audit shares its placeholders with the scrubber through `placeholders`, which must
    # stay light: vcr imported before pytest starts breaks pytest-recording's rewriting.
    code = "import sys, oneentry_contracts.cli.main; sys.exit('vcr' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_mask_never_shows_more_than_half() -> None:
    assert mask(JWT) == f"eyJh… ({len(JWT)} chars)"
    assert mask("abc") == "a… (3 chars)"


# ---------------------------------------------------------------------------------------------
# Every planted spelling: the audit reads a cassette as vcrpy will, and looks inside wrappings.

PASSWORD = 'Пароль "q\\uote" 9f'  # Cyrillic, a quote and a backslash: escaped every way
PASSWORD_ENV = {"ONEENTRY_USER_PASSWORD": PASSWORD}
HOST_ENV = {"ONEENTRY_PROJECT_URL": "https://MyShop.oneentry.cloud:443"}
EMAIL_ENV = {"ONEENTRY_USER_EMAIL": "Jane.Doe@Customer-Mail.io"}


def _json_string(value: str, *, ascii_only: bool = True) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)[1:-1]


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _gzip_b64(text: str) -> str:
    import gzip

    return _b64(gzip.compress(text.encode("utf-8"), mtime=0))


def _yaml_x_escaped(value: str) -> str:
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in value)


PLANTED_FORMS = {
    # name: (the cassette lines to plant at line 9, the environment, the kind to find)
    "json-u-escapes": (f'body: \'{{"p":"{_json_string(PASSWORD)}"}}\'', PASSWORD_ENV, "password"),
    "json-echo-escaped-twice": (
        "body: '" + _json_string(json.dumps({"password": PASSWORD}), ascii_only=False) + "'",
        PASSWORD_ENV,
        "password",
    ),
    "python-repr": (f"x-note: {PASSWORD!r}", PASSWORD_ENV, "password"),
    "yaml-x-escapes": (f'x-note: "{_yaml_x_escaped(PASSWORD)}"', PASSWORD_ENV, "password"),
    "folded-at-a-space": (
        "x-note: 'prefix Пароль \"q\\uote\"\n        9f suffix'",
        PASSWORD_ENV,
        "password",
    ),
    "folded-escaped-line-break": (
        'x-note: "prefix Пароль \\"q\\\\uo\\\n        te\\" 9f suffix"',
        PASSWORD_ENV,
        "password",
    ),
    "literal-block": (
        "x-note: |\n        line one\n        " + PASSWORD + "\n        line three",
        PASSWORD_ENV,
        "password",
    ),
    "binary-body": (
        "x-note: !!binary |\n        " + _b64(b"\xff\xfe " + JWT.encode() + b" \xff"),
        {},
        "jwt",
    ),
    "binary-body-host": (
        "x-note: !!binary |\n        " + _b64(b"\xff https://myshop.oneentry.cloud/x \xfe"),
        HOST_ENV,
        "project-host",
    ),
    "gzip-body": ("x-note: !!binary |\n        " + _gzip_b64(f"token={JWT}"), {}, "jwt"),
    "base64-token": ("x-note: " + _b64(JWT.encode()), {}, "jwt"),
    "base64-in-text": (
        f"x-note: 'Basic {_b64(b'user:' + PASSWORD.encode())}'",
        PASSWORD_ENV,
        "password",
    ),
    "bare-host": ("x-note: served by myshop.oneentry.cloud today", HOST_ENV, "project-host"),
    "host-uppercase": ("location: HTTPS://MYSHOP.ONEENTRY.CLOUD/x", HOST_ENV, "project-host"),
    "host-url-encoded": (
        "location: /r?next=https%3A%2F%2Fmyshop.oneentry.cloud%2Fx",
        HOST_ENV,
        "project-host",
    ),
    "host-punycode": (
        "location: https://xn--80aairftm.oneentry.cloud/x",
        {"ONEENTRY_PROJECT_URL": "https://Магазин.oneentry.cloud"},
        "project-host",
    ),
    "email-other-case": ("body: 'login=jane.doe@customer-mail.io'", EMAIL_ENV, "user-email"),
    "email-html-entity": ("x-note: 'jane.doe&#64;customer-mail.io'", EMAIL_ENV, "user-email"),
}


@pytest.mark.parametrize(("planted", "env", "kind"), PLANTED_FORMS.values(), ids=PLANTED_FORMS)
def test_every_planted_spelling_is_found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    planted: str,
    env: dict[str, str],
    kind: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = plant(tmp_path, planted)
    report = audit_paths([path], KnownSecrets.from_env(Config()))
    assert kind in [f.kind for f in report.findings], (planted, report.findings)
    assert all(f.line >= PLANTED_LINE for f in report.findings)
    for finding in report.findings:  # never the secret, in any spelling
        for value in env.values():
            assert value.lower() not in str(finding).lower()


def test_the_planted_spellings_are_found_in_reports_too(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "report.json").write_text(
        json.dumps({"error": f"password={PASSWORD}"}), encoding="utf-8"
    )
    (reports / "report.html").write_text(
        "<pre>" + html.escape(PASSWORD) + "</pre>", encoding="utf-8"
    )
    (reports / "junit.xml").write_text(f"<failure>{PASSWORD!r}</failure>", encoding="utf-8")
    secrets = KnownSecrets((("password", PASSWORD),))
    report = audit_paths([reports], secrets)
    assert sorted({Path(f.path).name for f in report.findings}) == [
        "junit.xml",
        "report.html",
        "report.json",
    ]
