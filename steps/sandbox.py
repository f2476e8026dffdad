"""Sandbox-only steps: the payment provider, the clock and a catalogue price.

A real project offers no way, from a test, to have the payment provider complete a payment
(its callback moves the session and the order; the content API has no such call, FIDELITY.md
P5), to make an access token expire now, or to change a product's price, so these steps drive
the sandbox's control API (`/__sandbox/`), and only in scenarios tagged `@sandbox`:

- recording: the control calls go to the sandbox through the scenario's HTTP client, inside
  the cassette, so they are recorded (host scrubbed) with everything else;
- replay: they are answered from the cassette like any other call (the request must match the
  recording, and must be played, or the scenario fails), so the replay shows exactly the
  exchange that was recorded;
- live against the sandbox: they reach the sandbox;
- `--oneentry-target project` (record or live): the scenario is skipped, the reason naming
  what its sandbox steps stand for on a live project (`STANDS_FOR`).

Each control answer is checked against its schema in `schemas/sandbox/`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import pytest
from pytest_bdd import given, parsers, when

from oneentry_contracts import (
    ApiResponse,
    Config,
    ConfigError,
    ContractApi,
    expect_status,
    scenario_steps,
)

SANDBOX_TAG = "sandbox"

# The start of each sandbox step's sentence -> what it stands for on a live project.
STANDS_FOR: Final = {
    "the payment provider completes the payment session": (
        "the payment provider completing the payment (on a live project only a real payment "
        "does that)"
    ),
    "the customer's access token has expired": "waiting out the access token's lifetime",
    "the catalogue price of ": "an admin changing the product's price in the admin panel",
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip `@sandbox` scenarios when recording or running live against a real project."""
    if item.get_closest_marker(SANDBOX_TAG) is None:
        return
    config = item.config
    against_project = config.getoption("--oneentry-target", "sandbox") == "project"
    if against_project and config.getoption("--oneentry-mode", "replay") != "replay":
        pytest.skip(skip_reason(item))


def skip_reason(item: pytest.Item) -> str:
    """Why a `@sandbox` scenario cannot run against a real project: what its steps stand for."""
    meanings = dict.fromkeys(
        meaning
        for step in scenario_steps(item)
        for start, meaning in STANDS_FOR.items()
        if step.startswith(start)
    )
    played = "; ".join(meanings) or "what a test cannot do on a live project"
    return f"@{SANDBOX_TAG}: the sandbox's control API plays {played}"


def _control(
    request: pytest.FixtureRequest,
    oneentry_api: ContractApi,
    method: str,
    path: str,
    body: Any,
    schema: str,
) -> Any:
    """One control call, recorded and replayed like the API calls; its answer schema-checked."""
    if request.node.get_closest_marker(SANDBOX_TAG) is None:
        raise ConfigError(
            f"{method} {path} is a sandbox control call, but the scenario is not tagged "
            f"@{SANDBOX_TAG}.\nHow to fix: tag the scenario @{SANDBOX_TAG}."
        )
    return oneentry_api.control(method, path, body, schema)


@given("the customer's access token has expired")
def access_token_expired(
    request: pytest.FixtureRequest,
    oneentry_api: ContractApi,
    oneentry_config: Config,
) -> None:
    """Move the sandbox clock one second past the auth provider's `accessTokenTtlSec`."""
    provider = expect_status(
        oneentry_api.call(
            "auth_provider",
            path={"marker": oneentry_config.auth_provider},
            params={"langCode": oneentry_config.lang_code},
        )
    )
    ttl = int(provider["config"]["accessTokenTtlSec"])
    body = {"advance_sec": ttl + 1}
    path = "/__sandbox/clock"
    _control(request, oneentry_api, "POST", path, body, "sandbox/clock")


@when(
    parsers.parse('the catalogue price of "{product}" changes to {price:d}'),
    target_fixture="new_catalogue_price",
)
def price_changes(
    product: str,
    price: int,
    request: pytest.FixtureRequest,
    oneentry_api: ContractApi,
    oneentry_config: Config,
) -> Decimal:
    """Change the product's current price, then read the price the catalogue now shows."""
    product_id = oneentry_config.product_id(product, where="the price-change step")
    path = f"/__sandbox/products/{product_id}"
    _control(request, oneentry_api, "PUT", path, {"price": price}, "sandbox/price")
    shown = expect_status(
        oneentry_api.call(
            "product", path={"id": product_id}, params={"langCode": oneentry_config.lang_code}
        )
    )
    return Decimal(str(shown["price"]))


@when("the payment provider completes the payment session", target_fixture="provider_answer")
def provider_completes(
    request: pytest.FixtureRequest, payment_session: ApiResponse, oneentry_api: ContractApi
) -> Any:
    """The gateway's callback for a paid session: the session becomes `completed`, its order
    `isCompleted: true`, with the status its storage maps a completed payment to (P9, P10)."""
    session = expect_status(payment_session)
    path = f"/__sandbox/sessions/{session['id']}/pay"
    answer = _control(request, oneentry_api, "POST", path, None, "sandbox/provider")
    assert answer["session"]["id"] == session["id"], answer["session"]
    assert answer["session"]["status"] == "completed", answer["session"]
    return answer
