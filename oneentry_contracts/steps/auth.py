"""Signing in: the guest account and registered customers (AuthProvider)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config, Credentials, UserRole
from oneentry_contracts.steps import wording


@given(
    parsers.parse(wording.SIGNED_IN.text),
    target_fixture="signed_in_user",
)
def signed_in(
    role: UserRole,
    oneentry_api: ContractApi,
    oneentry_config: Config,
    oneentry_credentials: dict[UserRole, Credentials],
) -> dict[str, Any]:
    """Log in with the role's e-mail and password (seed 000 step 4, seed 003 step 3)."""
    login = oneentry_credentials[role]
    auth_data = [
        {"marker": oneentry_config.login_marker, "value": login.email},
        {"marker": oneentry_config.password_marker, "value": login.password},
    ]
    body: dict[str, Any] = expect_status(
        oneentry_api.login(oneentry_config.auth_provider, auth_data)
    )
    assert body["userIdentifier"] == login.email, (
        f"signed in as {body['userIdentifier']!r}, expected {login.email!r}"
    )
    assert body["authProviderIdentifier"] == oneentry_config.auth_provider
    return body
