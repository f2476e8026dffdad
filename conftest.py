"""The scenarios' home: registers the harness plugin and the step modules, and provides the
sandbox target for recording and live runs (the harness library itself never imports it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from oneentry_contracts.config import Credentials, UserRole
from oneentry_contracts.target import Target

if TYPE_CHECKING:
    from oneentry_sandbox import ProjectConfig

pytest_plugins = [
    "oneentry_contracts.plugin",
    "steps.auth",
    "steps.forms",
    "steps.formcheck",
    "steps.orders",
    "steps.payments",
    "steps.lifecycle",
    "steps.prices",
    "steps.refunds",
    "steps.errors",
    "steps.sandbox",
]

# The sandbox that recording starts. The defaults are the seeds' project; the variables below
# point it at another project file (the leak test plants distinctive secrets this way).
SANDBOX_PROJECT_ENV = "ONEENTRY_SANDBOX_PROJECT"  # path to a sandbox project YAML
SANDBOX_TOKEN_ENV = "ONEENTRY_SANDBOX_APP_TOKEN"
SANDBOX_LOGIN_ENV: dict[UserRole, tuple[str, str]] = {
    "guest": ("ONEENTRY_SANDBOX_GUEST_LOGIN", "guest@onnentry.cloud"),  # seed 000
    "registered": ("ONEENTRY_SANDBOX_USER_LOGIN", "your-user@email.com"),  # seed 003
}


def sandbox_credentials(project: ProjectConfig) -> dict[UserRole, Credentials]:
    """The guest and registered users' logins as the sandbox project defines them."""
    passwords = {user.login: user.password for user in project.users}
    logins = {
        role: os.environ.get(var, default) for role, (var, default) in SANDBOX_LOGIN_ENV.items()
    }
    missing = [login for login in logins.values() if login not in passwords]
    if missing:
        raise pytest.UsageError(f"the sandbox project has no user {missing[0]!r}")
    return {role: Credentials(login, passwords[login]) for role, login in logins.items()}


@pytest.fixture(scope="session")
def oneentry_sandbox_target() -> Iterator[Target]:
    """A deterministic sandbox on a free loopback port, reset before every scenario so that
    each cassette is the same whatever order scenarios are recorded in."""
    # Imported here: a replay never starts it, and importing it (a web app) costs every
    # replaying process, each xdist worker too, ~0.1 s.
    from oneentry_sandbox import SandboxServer, default_project, load_project

    project_file = os.environ.get(SANDBOX_PROJECT_ENV)
    project = load_project(Path(project_file)) if project_file else default_project()
    app_token = os.environ.get(SANDBOX_TOKEN_ENV, "sandbox-app-token")
    with SandboxServer(app_token=app_token, project=project, deterministic=True) as sandbox:

        def reset() -> None:
            httpx.post(f"{sandbox.base_url}/__sandbox/reset", timeout=5.0).raise_for_status()

        yield Target(sandbox.base_url, app_token, sandbox_credentials(project), reset)
