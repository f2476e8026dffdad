"""`oneentry-contracts run --live --project` against a sandbox started from the default project,
exactly as against a real project: the scenarios hold on the sandbox's live-like answers, and
only the `@sandbox` ones (what a test cannot make a real project do) are skipped, each saying
what its sandbox step stands for."""

from __future__ import annotations

import re

from oneentry_sandbox import SandboxServer
from tests.suite.conftest import SCENARIOS, SuiteCopy

APP_TOKEN = "live-check-app-token"
USERS = {
    "ONEENTRY_GUEST_EMAIL": "guest@onnentry.cloud",  # the default project's (seed 000's)
    "ONEENTRY_GUEST_PASSWORD": "12345121334",
    "ONEENTRY_USER_EMAIL": "your-user@email.com",  # seed 003's
    "ONEENTRY_USER_PASSWORD": "123456",
}
# The @sandbox scenario examples, by what their sandbox step plays.
SKIPPED = {
    "the payment provider completing the payment (on a live project only a real payment "
    "does that)": 7,  # guest_purchase 5, guest_checkout 1, the refund of orders_lifecycle
    "waiting out the access token's lifetime": 2,  # errors: the two expired-token scenarios
    "an admin changing the product's price in the admin panel": 1,  # the signed price
}


def test_a_live_run_against_a_sandbox_passes_all_but_the_sandbox_scenarios(
    suite: SuiteCopy,
) -> None:
    before = suite.cassettes()
    with SandboxServer(APP_TOKEN) as sandbox:
        env = {"ONEENTRY_PROJECT_URL": sandbox.base_url, "ONEENTRY_APP_TOKEN": APP_TOKEN, **USERS}
        run = suite.run("--live", "--project", "--", "-rs", env=env)
    assert run.code == 0, run.output
    skipped = sum(SKIPPED.values())
    assert f"{SCENARIOS - skipped} passed, {skipped} skipped" in run.output, run.output
    reasons = re.findall(
        r"SKIPPED \[(\d+)\] [^:]+:\d+: @sandbox: the sandbox's control API plays (.+)", run.output
    )
    assert {reason.strip(): int(count) for count, reason in reasons} == SKIPPED, run.output
    assert suite.cassettes() == before  # a live run records nothing
