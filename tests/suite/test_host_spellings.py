"""A recording against a project URL written in another spelling than the one httpx sends leaves
no host anywhere: not in the cassette, not in the output; and the audit, told the URL in that
spelling, finds the host written the way httpx writes it.

The project is a sandbox on a loopback port, reached with `--project` like a real one; the
spellings are those httpx normalises (upper case, leading zeros of the port, a trailing slash).
The scrubber also replaces any loopback URL (`scrub_loopback`), so here the audit half is the
sharper check; tests/harness/test_scrub_spellings.py checks the scrubber alone, with loopback
scrubbing off, for these spellings and the trailing dot, the default port and an
internationalised name (no loopback name resolves with a trailing dot, nor an IDN).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from oneentry_sandbox.loader import load_project
from tests.suite.conftest import SuiteCopy
from tests.suite.test_suite import PLANTED, plant_secrets

# A scenario a --project recording runs (the guest purchase is @sandbox: skipped there) that
# signs in as both users.
BOTH_USERS = "errors/another_customer_s_order_is_not_found.yaml"
BOTH_USERS_NODE = "features/test_features.py::test_another_customers_order_is_not_found"

SPELLINGS = ("http://LOCALHOST:{port}", "http://127.0.0.1:0{port}", "http://LocalHost:{port}/")


@pytest.fixture
def planted_project(suite: SuiteCopy) -> Iterator[SandboxServer]:
    env = plant_secrets(suite)
    project = load_project(env["ONEENTRY_CONTRACTS_SANDBOX_PROJECT"])
    with SandboxServer(app_token=PLANTED["app token"], project=project) as server:
        yield server


def _project_env(url: str) -> dict[str, str]:
    return {
        "ONEENTRY_PROJECT_URL": url,
        "ONEENTRY_APP_TOKEN": PLANTED["app token"],
        "ONEENTRY_GUEST_EMAIL": PLANTED["guest login"],
        "ONEENTRY_GUEST_PASSWORD": PLANTED["guest password"],
        "ONEENTRY_USER_EMAIL": PLANTED["user login"],
        "ONEENTRY_USER_PASSWORD": PLANTED["user password"],
    }


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_spelling_of_the_project_host_reaches_the_cassette_or_the_output(
    suite: SuiteCopy, planted_project: SandboxServer, spelling: str
) -> None:
    port = urlsplit(planted_project.base_url).port
    env = _project_env(spelling.format(port=port))
    cassette = suite.root / "cassettes" / BOTH_USERS
    cassette.unlink()
    run = suite.run("--record", "--project", "--only", BOTH_USERS_NODE, env=env)
    assert run.code == 0, run.output
    text = cassette.read_text(encoding="utf-8")
    host = re.compile(rf"127\.0\.0\.1|localhost|:0*{port}\b", re.IGNORECASE)
    for name, written in {"the cassette": text, "the output": run.output}.items():
        assert not host.search(written), f"the project host leaked into {name}"
        for what, value in PLANTED.items():
            assert value.lower() not in written.lower(), f"{what} leaked into {name}"
    assert "https://project.oneentry.test/api/content/" in text

    audit = suite.command("audit-cassettes", "--root", str(suite.root), env=env)
    assert audit.code == 0, audit.output
    # The host as httpx sends it, planted back: the audit, told the other spelling, finds it.
    sent = httpx.URL(env["ONEENTRY_PROJECT_URL"])
    cassette.write_text(
        text.replace("https://project.oneentry.test", f"http://{sent.host}:{sent.port}", 1)
        + f"# served by {sent.host.upper()}\n",
        encoding="utf-8",
    )
    found = suite.command("audit-cassettes", str(cassette), env=env)
    assert found.code == 1, found.output
    assert found.output.count("project-host") == 2, found.output
