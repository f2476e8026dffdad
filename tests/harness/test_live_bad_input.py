"""`oneentry-contracts run --live --project` against a project that cannot be used: each case
gives one message on stderr (what, where, how to fix), no traceback, no secret, exit code 2.

The "project" is a real sandbox on a free port (or a closed port), with fault rules that make
it answer what a proxy or a broken server would. The command runs in a child process, as a
user runs it, from a scratch root whose config keeps retries short.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.contract import expect_status
from oneentry_contracts.api.endpoints import endpoint
from oneentry_contracts.errors import UnexpectedStatus
from oneentry_sandbox import SandboxServer

APP_TOKEN = "bad-input-app-token-0123456789"
PROVIDERS = "/api/content/users-auth-providers"
REPO = Path(__file__).resolve().parents[2]
CONFIG = "[recording]\ntimeout = 2.0\nretry_attempts = 2\nretry_backoff = 0.1\n"


@pytest.fixture(scope="module")
def sandbox_app_token() -> str:
    return APP_TOKEN


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "features").mkdir()
    (tmp_path / "oneentry-contracts.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def fault(sb: SandboxServer, **rule: Any) -> None:
    httpx.post(sb.base_url + "/__sandbox/faults", json=rule).raise_for_status()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def run_live(
    root: Path, url: str, app_token: str = APP_TOKEN, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ONEENTRY_PROJECT_URL": url,
        "ONEENTRY_APP_TOKEN": app_token,
        "ONEENTRY_GUEST_EMAIL": "guest@onnentry.cloud",
        "ONEENTRY_GUEST_PASSWORD": "12345121334",
        "ONEENTRY_USER_EMAIL": "your-user@email.com",
        "ONEENTRY_USER_PASSWORD": "123456",
    }
    command = [sys.executable, "-m", "oneentry_contracts.cli", "run", "--live", "--project"]
    return subprocess.run(
        [*command, "--root", str(root), *extra],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def assert_clean(result: subprocess.CompletedProcess[str], *secrets: str) -> str:
    """Exit 2, nothing on stdout, one message on stderr without traceback or secret."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for secret in (APP_TOKEN, *secrets):
        assert secret not in result.stderr
    assert result.stderr.startswith("oneentry-contracts: ")
    return result.stderr.removeprefix("oneentry-contracts: ").rstrip("\n")


def test_an_unreachable_project_url(root: Path) -> None:
    port = str(closed_port())
    message = assert_clean(run_live(root, f"http://127.0.0.1:{port}"), "127.0.0.1", port)
    lines = message.splitlines()
    assert lines[0] == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) failed; gave up after 2 attempt(s)."
    )
    assert lines[1].startswith("  attempt 1: could not connect: ")
    assert lines[1].endswith(" (ConnectError); retried after 0.1 s")
    assert lines[2].startswith("  attempt 2: could not connect: ")
    assert lines[3:] == [
        "How to fix:",
        "  * Nothing answered at the project URL: check the URL (ONEENTRY_PROJECT_URL with "
        "--project) and that its host is reachable from here; for a sandbox, check that it is "
        "running on that port.",
    ]


def test_a_wrong_app_token(root: Path, sb: SandboxServer) -> None:
    message = assert_clean(run_live(root, sb.base_url, "not-the-app-token"), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL refused the app token: auth_providers "
        f'(GET {PROVIDERS}) answered 403 "Resource is closed", so no scenario ran. '
        "How to fix: check ONEENTRY_APP_TOKEN: it must hold the app token of the project that "
        "ONEENTRY_PROJECT_URL points at (the project's admin panel shows it)."
    )


def test_a_url_that_is_not_the_api_root(root: Path, sb: SandboxServer) -> None:
    message = assert_clean(run_live(root, sb.base_url + "/api"), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL does not answer like a OneEntry API: "
        f"auth_providers (GET {PROVIDERS}) answered 404 "
        f'"Cannot GET /api{PROVIDERS}", so no scenario ran. '
        "How to fix: check that ONEENTRY_PROJECT_URL is the project's root URL, such as "
        "https://your-project.oneentry.cloud, with no /api path after it."
    )


def test_a_body_that_is_not_json(root: Path, sb: SandboxServer) -> None:
    headers = {"Content-Type": "application/json"}
    fault(sb, path=PROVIDERS, status=200, body='{"identifier": "email", "title', headers=headers)
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) answered 200 OK with a body that is not JSON "
        '(content-type: application/json; 30 bytes: \'{"identifier": "email", "title\').\n'
        "How to fix: a cut-off JSON body means the connection broke mid-answer: run again; if "
        "it persists, look at the server's logs. When replaying, the cassette holds this "
        "answer: re-record the scenario."
    )


def test_an_html_error_page_from_a_proxy(root: Path, sb: SandboxServer) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    fault(sb, path=PROVIDERS, status=502, body=page, headers={"Content-Type": "text/html"})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) failed; gave up after 2 attempt(s).\n"
        "  attempt 1: 502 Bad Gateway, an HTML page; retried after 0.1 s\n"
        "  attempt 2: 502 Bad Gateway, an HTML page\n"
        "How to fix:\n"
        "  * An HTML error page usually comes from a proxy, gateway or login wall in front of "
        "the API: check that the project URL is the API host itself, and that the project is up."
    )


def test_an_html_page_with_a_success_status(root: Path, sb: SandboxServer) -> None:
    page = "<!doctype html><html><body>Please sign in</body></html>"
    fault(sb, path=PROVIDERS, status=200, body=page, headers={"Content-Type": "text/html"})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) answered 200 OK with an HTML page where JSON was "
        f"expected (content-type: text/html; {len(page)} bytes: '{page}').\n"
        "How to fix: an HTML page usually comes from a proxy, gateway or login wall in front of "
        "the API: check that the project URL is the API host itself and that the project is "
        "up. When replaying, the cassette holds this answer: re-record the scenario."
    )


def test_an_empty_body_where_json_is_expected(root: Path, sb: SandboxServer) -> None:
    fault(sb, path=PROVIDERS, status=200, body="", headers={"Content-Type": "application/json"})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) answered 200 with an empty body where JSON "
        "(auth_provider_list) was expected (content-type: application/json; in the project in "
        "ONEENTRY_PROJECT_URL).\n"
        "How to fix: check that the project URL is the API host itself and not a proxy that "
        "swallows bodies, and the server's logs; when replaying, the cassette holds this "
        "answer: re-record the scenario."
    )


def test_a_lost_create_order_mid_run_fails_that_scenario_clearly(sb: SandboxServer) -> None:
    """Past the check, a scenario whose createOrder answer is lost fails with exit 1 and the
    OutcomeUnknown message, not a traceback; the sandbox holds exactly one new order."""
    orders = "/api/content/orders-storage/marker/guest_orders/orders"
    fault(sb, method="POST", path=orders, drop="after", times=1)
    node = (
        "features/test_features.py::"
        "test_a_guest_without_an_account_orders_and_finds_the_order_and_its_session_again"
    )
    result = run_live(REPO, sb.base_url, APP_TOKEN, "--only", node)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert APP_TOKEN not in output
    assert (
        f"create_order (POST {orders}) was sent, but its answer was lost; it is not retried, "
        "because repeating it could do it twice." in output
    )
    assert "The order may have been created; check the storage before re-running." in output
    assert httpx.get(sb.base_url + "/__sandbox/state").json()["orders"] == 1


def test_a_403_in_a_step_explains_the_app_token() -> None:
    answer = ApiResponse(
        endpoint=endpoint("storages"),
        status=403,
        body={"statusCode": 403, "message": "Forbidden"},
        url="https://project.oneentry.test/api/content/orders-storage",
    )
    with pytest.raises(UnexpectedStatus) as caught:
        expect_status(answer)
    assert str(caught.value).splitlines()[-1] == (
        "How to fix: a 403 on every call means the app token is wrong: check ONEENTRY_APP_TOKEN "
        "(the project's app token, from the admin panel's settings) when running --project. On "
        "one call only, the entity is closed or the user lacks a permission in the admin panel."
    )
    assert expect_status(answer, 403)["message"] == "Forbidden"  # a refusal step still passes


def test_a_project_url_with_a_password_is_refused_before_any_request(root: Path) -> None:
    url = "https://admin:hunter22@127.0.0.1:9?x=1"
    message = assert_clean(run_live(root, url), "hunter22", "admin")
    assert message.startswith(
        "ONEENTRY_PROJECT_URL holds a user name or password (user:password@host), so no "
        "scenario ran (its value is not shown: it may hold a secret)."
    )


def test_a_preflight_answered_by_a_redirect(root: Path, sb: SandboxServer) -> None:
    fault(sb, path=PROVIDERS, status=301, body="", headers={"Location": "/v2" + PROVIDERS})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) answered 301 Moved Permanently, a redirect to "
        f"/v2{PROVIDERS}; the harness does not follow redirects (a request is never re-sent "
        "elsewhere).\nHow to fix: set the project URL to the address the redirect points to "
        "(often https:// instead of http://, or the host without a path after it)."
    )


def test_a_preflight_answered_by_a_500(root: Path, sb: SandboxServer) -> None:
    body = '{"statusCode": 500, "message": "Internal server error"}'
    fault(sb, path=PROVIDERS, status=500, body=body, headers={"Content-Type": "application/json"})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message == (
        "the project in ONEENTRY_PROJECT_URL failed on the server: auth_providers "
        f'(GET {PROVIDERS}) answered 500 "Internal server error", so no scenario ran. '
        "How to fix: the project's server failed on a request that needs nothing but the app "
        "token: look at the server's logs or the project's status, and run again later; the "
        "URL and the app token could not be checked."
    )


def test_a_preflight_answered_by_json_nested_too_deep(root: Path, sb: SandboxServer) -> None:
    body = "[" * 3000 + "]" * 3000
    fault(sb, path=PROVIDERS, status=200, body=body, headers={"Content-Type": "application/json"})
    message = assert_clean(run_live(root, sb.base_url), sb.base_url)
    assert message.startswith(
        "the project in ONEENTRY_PROJECT_URL could not be used, so no scenario ran: "
        f"auth_providers (GET {PROVIDERS}) answered 200 OK with JSON nested deeper than Python "
        "parses (the harness checks up to 64 levels)"
    )
