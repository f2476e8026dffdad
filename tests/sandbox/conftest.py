"""Fixtures of the sandbox suite: its app token and clients of the module's sandbox (`running`
and `sb` come from `tests/conftest.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import REGISTERED, Api

APP_TOKEN = "test-app-token"


@pytest.fixture(scope="module")
def sandbox_app_token() -> str:
    return APP_TOKEN


@pytest.fixture
def api(sb: SandboxServer) -> Iterator[Api]:
    """An anonymous client (app token and device metadata, no Bearer)."""
    client = Api(sb.base_url, sb.app_token)
    yield client
    client.close()


@pytest.fixture
def user(sb: SandboxServer) -> Iterator[Api]:
    """A client logged in as the registered user of SEED003."""
    client = Api(sb.base_url, sb.app_token)
    client.login(*REGISTERED)
    yield client
    client.close()
