"""An access token that expires between two steps, against a real sandbox and its clock.

A step that expects success sees the SDK's single refresh-and-retry work; when the refresh is
refused, it gets an `AuthenticationError` that says what happened and what to do, with no token
in it. (features/errors.feature keeps asserting the 401/400 contract itself, on the answers.)
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from oneentry_contracts.api.client import DEFAULT_DEVICE_METADATA, OneEntryClient, make_http_client
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.errors import AuthenticationError
from oneentry_contracts.schemas.store import SchemaStore, default_store
from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import REGISTERED, auth_body

APP_TOKEN = "expiry-test-app-token"
STORAGES = "/api/content/orders-storage"
REFRESH = "/api/content/users-auth-providers/marker/email/users/refresh"
TEN_HOURS_AND_A_SECOND = 36_001  # the default provider's accessTokenTtlSec is 36000


@pytest.fixture(scope="module")
def sandbox_app_token() -> str:
    return APP_TOKEN


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return default_store()


@pytest.fixture
def sent(running: SandboxServer) -> list[str]:
    running.state.reset()
    return []


@pytest.fixture
def api(running: SandboxServer, sent: list[str], schemas: SchemaStore) -> Iterator[ContractApi]:
    """A signed-in registered user; `sent` collects the path of every request it makes."""
    with make_http_client() as http:
        http.event_hooks["request"] = [lambda request: sent.append(request.url.path)]
        client = OneEntryClient(running.base_url, APP_TOKEN, http=http)
        assert client.login("email", auth_body(*REGISTERED)["authData"]).status == 200
        sent.clear()
        yield ContractApi(client, schemas, origin="the sandbox")


def expire_access_token(sb: SandboxServer) -> None:
    moved = httpx.post(
        sb.base_url + "/__sandbox/clock", json={"advance_sec": TEN_HOURS_AND_A_SECOND}
    )
    moved.raise_for_status()


def test_a_token_expiring_between_steps_is_refreshed_once_and_the_call_retried(
    running: SandboxServer, api: ContractApi, sent: list[str]
) -> None:
    assert expect_status(api.call("storages"))  # step 1, fresh token
    tokens_before = api.client.tokens
    expire_access_token(running)
    answer = api.call("storages")  # step 2, after the token expired
    assert "orders" in [storage["identifier"] for storage in expect_status(answer)]
    assert expect_status(api.call("storages"))  # step 3: the refreshed token is kept
    assert answer.refreshed
    assert sent == [STORAGES, STORAGES, REFRESH, STORAGES, STORAGES]
    assert api.client.tokens != tokens_before


def test_a_refused_refresh_is_an_authentication_error_where_success_is_expected(
    running: SandboxServer, api: ContractApi, sent: list[str]
) -> None:
    tokens = api.client.tokens
    assert tokens is not None
    spent = httpx.post(
        running.base_url + REFRESH,
        json={"refreshToken": tokens.refresh_token},
        headers={"x-app-token": APP_TOKEN, "x-device-metadata": DEFAULT_DEVICE_METADATA},
    )
    assert spent.status_code == 200  # another client used the single-use refresh token
    expire_access_token(running)
    answer = api.call("storages")
    assert sent == [STORAGES, REFRESH]  # one refresh, no retry after it failed
    with pytest.raises(AuthenticationError) as caught:
        expect_status(answer)
    text = str(caught.value)
    assert text == (
        f"storages (GET {STORAGES}) answered 401: the access token expired and the refresh was "
        'refused (400 "Refresh token is invalid or expired").\n'
        "How to fix: sign in again (a login step before this one); if a fresh sign-in is "
        "refused too, check the auth provider 'email' in the admin panel (token lifetimes, "
        "refresh allowed)."
    )
    assert caught.value.status == 400
    for secret in (tokens.access_token, tokens.refresh_token, APP_TOKEN, running.base_url):
        assert secret not in text
    # a step that asserts the refusal itself (errors.feature) still sees the 401 and the refresh
    assert expect_status(answer, 401)["statusCode"] == 401
    refused = api.client.last_refresh_error
    assert refused is not None
    assert refused.status == 400
