"""The scenarios' home: registers the harness plugin and the step modules, and provides the
sandbox target for recording and live runs (the harness library itself never imports it)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from oneentry_contracts.config import Credentials, UserRole
from oneentry_contracts.target import Target
from oneentry_sandbox import ProjectConfig, SandboxServer, default_project

pytest_plugins = [
    "oneentry_contracts.plugin",
    "steps.auth",
    "steps.forms",
    "steps.orders",
    "steps.payments",
]

SANDBOX_APP_TOKEN = "sandbox-app-token"
# The seeds' accounts, which the sandbox's default project reproduces.
SANDBOX_LOGINS: dict[UserRole, str] = {
    "guest": "guest@onnentry.cloud",
    "registered": "your-user@email.com",
}


def sandbox_credentials(project: ProjectConfig) -> dict[UserRole, Credentials]:
    """The guest and registered users' logins as the sandbox project defines them."""
    passwords = {user.login: user.password for user in project.users}
    return {role: Credentials(login, passwords[login]) for role, login in SANDBOX_LOGINS.items()}


@pytest.fixture(scope="session")
def oneentry_sandbox_target() -> Iterator[Target]:
    """A deterministic sandbox on a free loopback port, reset before every scenario so that
    each cassette is the same whatever order scenarios are recorded in."""
    project = default_project()
    with SandboxServer(app_token=SANDBOX_APP_TOKEN, project=project, deterministic=True) as sandbox:

        def reset() -> None:
            httpx.post(f"{sandbox.base_url}/__sandbox/reset", timeout=5.0).raise_for_status()

        yield Target(sandbox.base_url, SANDBOX_APP_TOKEN, sandbox_credentials(project), reset)
