"""Hostile request bodies, path ids and query values: each is the API's 4xx error body, nothing
is stored, and the keep-alive connection still serves the next request."""

from __future__ import annotations

import json

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import STORAGE, Api, assert_error, order_body, paid_order

ORDERS = f"{STORAGE}/marker/orders/orders"
BIG = "9" * 5000
SAFE = "-9007199254740991..9007199254740991"
TOO_LONG = "Request body integer 99999999999999999999... (5000 digits) is outside the safe range"
NOT_UTF8 = "Request body is not valid JSON: not UTF-8 (byte 20)"


def _order_text(**replace: str) -> str:
    """A valid createOrder body as text, with `"old": new` pieces swapped in."""
    text = json.dumps(order_body(products=[{"productId": 14, "quantity": 1}]))
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def _post_raw(user: Api, path: str, content: bytes | str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {user.token}", "Content-Type": "application/json"}
    return user.http.post(path, content=content, headers=headers)


def _local_port(response: httpx.Response) -> int:
    """The client-side port of the connection that carried `response`."""
    stream = response.extensions["network_stream"]
    port: int = stream.get_extra_info("client_addr")[1]
    return port


NESTED = "[" * 100_000 + "]" * 100_000
NESTED_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
DEEP_VALUE = _order_text(**{'"Christina Thomas"': "[" * 40 + "]" * 40})

BODIES: list[tuple[str, bytes | str, int, str]] = [
    ("deep array", NESTED, 400, "Request body is nested more than 32 levels deep"),
    ("deep object", NESTED_OBJECT, 400, "Request body is nested more than 32 levels deep"),
    ("deep formData value", DEEP_VALUE, 400, "Request body is nested more than 32 levels deep"),
    (
        "lone surrogate in a value",
        _order_text(**{"Christina Thomas": "\\ud800"}),
        400,
        "Request body contains a lone UTF-16 surrogate (e.g. \\ud800); send valid Unicode",
    ),
    (
        "lone surrogate in a key",
        _order_text(**{'"marker"': '"\\udfff"'}),
        400,
        "Request body contains a lone UTF-16 surrogate (e.g. \\ud800); send valid Unicode",
    ),
    (
        "5000-digit productId",
        _order_text(**{'"productId": 14': f'"productId": {BIG}'}),
        400,
        f"{TOO_LONG} {SAFE}",
    ),
    (
        "productId past 2**53",
        _order_text(**{'"productId": 14': '"productId": 9007199254740992'}),
        400,
        f"Request body integer 9007199254740992 is outside the safe range {SAFE}",
    ),
    (
        "huge negative quantity",
        _order_text(**{'"quantity": 1': '"quantity": -99999999999999999999'}),
        400,
        f"Request body integer -99999999999999999999 is outside the safe range {SAFE}",
    ),
    (
        "NaN quantity",
        _order_text(**{'"quantity": 1': '"quantity": NaN'}),
        400,
        "Request body is not valid JSON: NaN is not a JSON number",
    ),
    (
        "Infinity quantity",
        _order_text(**{'"quantity": 1': '"quantity": -Infinity'}),
        400,
        "Request body is not valid JSON: -Infinity is not a JSON number",
    ),
    (
        "overflowing float",
        _order_text(**{'"quantity": 1': '"quantity": 1e400'}),
        400,
        "Request body number 1e400 is out of range",
    ),
    (
        "negative quantity",
        _order_text(**{'"quantity": 1': '"quantity": -3'}),
        400,
        "quantity of product 14 must be an integer >= 1, got -3",
    ),
    (
        "fractional quantity",
        _order_text(**{'"quantity": 1': '"quantity": 1.5'}),
        400,
        "quantity of product 14 must be an integer >= 1, got 1.5",
    ),
    (
        "not UTF-8",
        b'{"formIdentifier": "\xff"}',
        400,
        "Request body is not valid JSON: not UTF-8 (byte 20)",
    ),
    ("not JSON", "{formIdentifier: order}", 400, "Request body is not valid JSON"),
    (
        "oversized",
        '{"pad": "' + "x" * (1024 * 1024) + '"}',
        413,
        "Request body is larger than 1048576 bytes (1048587 bytes sent)",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "status", "message"), BODIES, ids=[b[0] for b in BODIES]
)
def test_hostile_order_body_is_a_4xx_and_stores_nothing(
    sb: SandboxServer, user: Api, name: str, content: bytes | str, status: int, message: str
) -> None:
    refused = _post_raw(user, ORDERS, content)
    assert_error(refused, status, message)
    assert sb.state.orders == {}
    after = user.get("/api/content/forms")  # same client, same keep-alive connection
    assert after.status_code == 200
    assert _local_port(after) == _local_port(refused)
    assert user.create_order()["id"] == 90  # no id was spent by the refusal


def test_hostile_bodies_are_refused_by_every_body_route(sb: SandboxServer, user: Api) -> None:
    order_id = user.create_order()["id"]
    routes = [
        "/api/content/users-auth-providers/marker/email/users/auth",
        "/api/content/users-auth-providers/marker/email/users/sign-up",
        f"{STORAGE}/orders/preview",
        "/api/content/payments/sessions",
        f"/api/content/orders/{order_id}/refund",
    ]
    users, sessions, refunds = len(sb.state.users), len(sb.state.sessions), len(sb.state.refunds)
    for route in routes:
        assert_error(_post_raw(user, route, NESTED), 400, BODIES[0][3])
        surrogate = '{"orderId": %d, "note": "\\ud800", "products": {"14": {"quantity": 1}}}'
        assert _post_raw(user, route, surrogate % order_id).status_code == 400
    assert (len(sb.state.users), len(sb.state.sessions), len(sb.state.refunds)) == (
        users, sessions, refunds
    )  # fmt: skip


def test_device_metadata_header_nested_deeply_is_only_a_fingerprint(
    sb: SandboxServer, user: Api
) -> None:
    headers = {"x-device-metadata": "[" * 8000}
    response = user.http.post(
        "/api/content/users-auth-providers/marker/email/users/auth",
        json={"authData": [{"marker": "email_reg", "value": "your-user@email.com"},
                           {"marker": "password_reg", "value": "123456"}]},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            f"/api/content/products/{BIG}",
            "Product '99999999999999999999... (5000 characters)' not found",
        ),
        ("/api/content/products/\u0661\u0664", "Product '\u0661\u0664' not found"),  # Arabic "14"
        ("/api/content/products/1_4", "Product '1_4' not found"),
        ("/api/content/payments/accounts/\u0661", "Payment account '\u0661' not found"),
    ],
)
def test_odd_path_ids_are_not_found(sb: SandboxServer, user: Api, path: str, message: str) -> None:
    assert_error(user.get(path), 404, message)


def test_order_ids_in_other_digits_are_not_found(sb: SandboxServer, user: Api) -> None:
    assert user.create_order()["id"] == 90
    assert_error(user.get(f"{ORDERS}/\u0669\u0660"), 404, "Order '\u0669\u0660' not found")
    assert_error(user.get(f"{ORDERS}/{BIG}"), 404,
                 "Order '99999999999999999999... (5000 characters)' not found")  # fmt: skip
    assert user.get(f"{ORDERS}/90").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("offset=\u0663", "offset must be an integer, got '\u0663'"),
        ("offset=1_0", "offset must be an integer, got '1_0'"),
        ("offset=%201", "offset must be an integer, got ' 1'"),
        ("limit=%2B5", "limit must be an integer, got '+5'"),
        (
            f"limit={BIG}",
            "limit must be an integer, got '99999999999999999999'... (5000 characters)",
        ),
        ("offset=-1", "offset must be >= 0, got -1"),
    ],
)
def test_odd_pagination_is_a_400(sb: SandboxServer, api: Api, query: str, message: str) -> None:
    assert_error(api.get(f"/api/content/forms?{query}"), 400, message)


def test_refund_product_keys_in_other_digits_are_not_on_the_order(
    sb: SandboxServer, user: Api
) -> None:
    order_id = paid_order(user)["id"]  # only a paid order can be refunded (FIDELITY.md R1)
    url = f"/api/content/orders/{order_id}/refund"
    refused = user.post(url, {"products": {"\u0661\u0664": {"quantity": 1}}})
    assert_error(refused, 400, f"Product \u0661\u0664 is not in order {order_id}")
    assert sb.state.refunds == {}
