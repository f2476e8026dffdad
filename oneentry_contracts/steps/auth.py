"""Signing in: the guest account and registered customers (AuthProvider); or a guest id
instead of signing in."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from pytest_bdd import given, parsers

from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config, Credentials, UserRole
from oneentry_contracts.shop.formdata import seed_for
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


@given(wording.GUEST_CHECKOUT.text, target_fixture="guest_id")
def guest_without_sign_in(
    request: pytest.FixtureRequest, oneentry_api: ContractApi, oneentry_config: Config
) -> str:
    """Send a guest id (`x-guest-id`, no Bearer) as shops on SDK 1.0.150+ do for signed-out
    shoppers: their orders and sessions belong to that id (oneentry_sandbox/FIDELITY.md G1-G9).

    The id is a uuid v4 (the API replaces any other value with a fresh id, so nothing would be
    found again under the one sent), drawn from the scenario's id like the fake form data, so
    every run of the scenario sends the same bytes.
    """
    assert oneentry_api.client.tokens is None, "a guest id is ignored once a user signs in"
    scenario = f"guest id:{request.node.nodeid}"
    if oneentry_config.faker_seed is not None:
        scenario = f"{oneentry_config.faker_seed}:{scenario}"
    bits = random.Random(seed_for(scenario)).getrandbits(128)
    guest = str(uuid.UUID(int=bits, version=4))
    oneentry_api.client.guest_id = guest
    return guest
