"""Sandbox-only steps: moving the sandbox's clock and changing a catalogue price.

A real project offers no way to make an access token expire now or to change a product's
price from a test, so these steps drive the sandbox's control API (`/__sandbox/`), and only in
scenarios tagged `@sandbox`:

- recording: the control calls go to the sandbox through the scenario's HTTP client, inside
  the cassette, so they are recorded (host scrubbed) with everything else;
- replay: they are answered from the cassette like any other call (the request must match the
  recording, and must be played, or the scenario fails), so the replay shows exactly the
  exchange that was recorded;
- live against the sandbox: they reach the sandbox;
- `--oneentry-target project` (record or live): the scenario is skipped, saying why.

Each control answer is checked against its schema in `schemas/sandbox/`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_bdd import given, parsers, when

from oneentry_contracts import Config, ConfigError, ContractApi, expect_status

SANDBOX_TAG = "sandbox"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip `@sandbox` scenarios when recording or running live against a real project."""
    if item.get_closest_marker(SANDBOX_TAG) is None:
        return
    config = item.config
    against_project = config.getoption("--oneentry-target", "sandbox") == "project"
    if against_project and config.getoption("--oneentry-mode", "replay") != "replay":
        pytest.skip("a @sandbox scenario needs the sandbox's control API (/__sandbox/)")


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
