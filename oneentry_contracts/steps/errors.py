"""Refusals: the shop without a token, with a wrong app token, with spent tokens, as another
customer; and the Then steps that check a refusal's status, error body and message."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import httpx
from pytest_bdd import given, parsers, then, when

from oneentry_contracts.api.client import ApiResponse, OneEntryClient
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.api.endpoints import ERROR_SCHEMA
from oneentry_contracts.api.target import Target
from oneentry_contracts.config.settings import Config, Credentials, UserRole
from oneentry_contracts.shop.values import Cart, CartLine, PlacedOrder
from oneentry_contracts.steps import wording

WRONG_APP_TOKEN = "not-the-app-token"  # the scrubber writes <APP_TOKEN> in its place
WRONG_PASSWORD = "definitely-wrong-password"


def another_api(
    oneentry_api: ContractApi,
    http: httpx.Client,
    target: Target,
    config: Config,
    *,
    app_token: str | None = None,
) -> ContractApi:
    """A second shop on the same HTTP client (so the same cassette), with its own tokens."""
    client = OneEntryClient(
        target.base_url,
        app_token or target.app_token,
        http=http,
        lang_code=config.lang_code,
        provider_marker=config.auth_provider,
        retry=oneentry_api.client.retry_policy,
    )
    return dataclasses.replace(oneentry_api, client=client)


def _auth_data(config: Config, email: str, password: str) -> list[dict[str, str]]:
    return [
        {"marker": config.login_marker, "value": email},
        {"marker": config.password_marker, "value": password},
    ]


@given(wording.NOT_SIGNED_IN.text)
def not_signed_in(oneentry_api: ContractApi) -> None:
    """Nothing to do: a scenario's client starts without a user token."""
    assert oneentry_api.client.tokens is None


@given(wording.REFRESH_TOKEN_SPENT.text)
def refresh_token_spent(
    oneentry_api: ContractApi,
    oneentry_http: httpx.Client,
    oneentry_target: Target,
    oneentry_config: Config,
) -> None:
    """Another client refreshes with the shop's refresh token, which is single-use."""
    tokens = oneentry_api.client.tokens
    assert tokens is not None, "sign in before this step"
    other = another_api(oneentry_api, oneentry_http, oneentry_target, oneentry_config)
    path = {"marker": oneentry_config.auth_provider}
    expect_status(other.call("refresh", path=path, json={"refreshToken": tokens.refresh_token}))


@when(wording.WRONG_APP_TOKEN.text, target_fixture="answer")
def wrong_app_token(
    oneentry_api: ContractApi,
    oneentry_http: httpx.Client,
    oneentry_target: Target,
    oneentry_config: Config,
) -> ApiResponse:
    other = another_api(
        oneentry_api, oneentry_http, oneentry_target, oneentry_config, app_token=WRONG_APP_TOKEN
    )
    return other.call("storages")


@when(parsers.parse(wording.WRONG_PASSWORD.text), target_fixture="answer")
def wrong_password(
    role: UserRole,
    oneentry_api: ContractApi,
    oneentry_config: Config,
    oneentry_credentials: dict[UserRole, Credentials],
) -> ApiResponse:
    email = oneentry_credentials[role].email
    auth_data = _auth_data(oneentry_config, email, WRONG_PASSWORD)
    return oneentry_api.login(oneentry_config.auth_provider, auth_data)


@when(parsers.parse(wording.OTHER_USER_READS.text), target_fixture="answer")
def other_user_reads(
    role: UserRole,
    placed_order: PlacedOrder,
    oneentry_api: ContractApi,
    oneentry_http: httpx.Client,
    oneentry_target: Target,
    oneentry_config: Config,
    oneentry_credentials: dict[UserRole, Credentials],
) -> ApiResponse:
    other = another_api(oneentry_api, oneentry_http, oneentry_target, oneentry_config)
    login = oneentry_credentials[role]
    auth_data = _auth_data(oneentry_config, login.email, login.password)
    expect_status(other.login(oneentry_config.auth_provider, auth_data))
    path: dict[str, str | int] = {"marker": placed_order.storage, "id": placed_order.id}
    return other.call("order", path=path, params={"langCode": oneentry_config.lang_code})


@given(
    parsers.parse(wording.UNKNOWN_PRODUCT.text),
    target_fixture="cart",
)
def unknown_product(quantity: int, product_id: int) -> Cart:
    return Cart((CartLine(product_id, quantity, Decimal(0), f"product {product_id}"),))


@then(parsers.parse(wording.SHOP_REFUSED.text))
def shop_refused(status: int, item: str, answer: ApiResponse) -> None:
    assert_refused(answer, status, item)


@then(parsers.parse(wording.SHOP_REFUSED_STATUS.text))
def shop_refused_status(status: int, answer: ApiResponse) -> None:
    """Status and error body only: for refusals whose wording no live project has shown."""
    assert_refused(answer, status, "")


@then(parsers.parse(wording.REFUND_REFUSED.text))
def refund_refused(status: int, item: str, refund_answer: ApiResponse) -> None:
    assert_refused(refund_answer, status, item)


@then(parsers.parse(wording.ORDER_ID_REFUSED.text))
def order_id_refused(status: int, answer: ApiResponse, placed_order: PlacedOrder) -> None:
    assert_refused(answer, status, str(placed_order.id))


@then(parsers.parse(wording.ORDER_REFUSED.text))
def order_refused(status: int, item: str, placed_order: PlacedOrder) -> None:
    assert_refused(placed_order.answer, status, item)


@then(wording.REFRESHED.text)
def refreshed(answer: ApiResponse, oneentry_api: ContractApi) -> None:
    assert answer.ok, f"answered {answer.status}"
    assert answer.refreshed, "the call succeeded without a refresh"
    refresh = oneentry_api.client.last_refresh
    assert refresh is not None, "no refresh was recorded"
    assert refresh.ok, f"the refresh answered {refresh.status}"
    oneentry_api.schemas.validate(
        refresh.endpoint.schema,
        refresh.body,
        endpoint=str(refresh.endpoint),
        origin=oneentry_api.origin,
    )


@then(parsers.parse(wording.REFRESH_REFUSED.text))
def refresh_refused(status: int, item: str, answer: ApiResponse, oneentry_api: ContractApi) -> None:
    failed = _failed_refresh(answer, oneentry_api)
    assert_refused(failed, status, item)


@then(wording.REFRESH_REFUSED_ANY.text)
def refresh_refused_any(answer: ApiResponse, oneentry_api: ContractApi) -> None:
    """A 4xx with the error body: no live project has shown the status or the wording."""
    failed = _failed_refresh(answer, oneentry_api)
    assert 400 <= failed.status < 500, f"the refresh answered {failed.status}, not a 4xx"
    assert failed.body["statusCode"] == failed.status, failed.body


def _failed_refresh(answer: ApiResponse, oneentry_api: ContractApi) -> ApiResponse:
    assert not answer.refreshed, "the call was retried although the refresh failed"
    failed = oneentry_api.client.last_refresh_error
    assert failed is not None, "no failed refresh was recorded"
    oneentry_api.schemas.validate(
        ERROR_SCHEMA, failed.body, endpoint=str(failed.endpoint), origin=oneentry_api.origin
    )
    return failed


def assert_refused(answer: ApiResponse, status: int, item: str) -> None:
    """The answer has `status`, and its error message (string or list) mentions `item`."""
    body = expect_status(answer, status)
    assert body["statusCode"] == status, f"statusCode {body['statusCode']}, status {status}"
    message = body["message"]
    text = " ".join(message) if isinstance(message, list) else message
    assert item in text, f"the message {text!r} does not name {item!r}"
