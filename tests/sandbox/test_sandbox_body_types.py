"""Every JSON type at every level of the createOrder, updateOrder, preview, createSession,
updateSession and refund bodies: the answer is a success or the API's 400, never a 5xx, and a
refusal stores nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import ERROR_KEYS, STORAGE, Api, order_body


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


ODD_VALUES: tuple[object, ...] = (
    None, True, False, 0, -1, 2**53 - 1, 1.5, -0.0, "", "x", "\u0663", [], {}, [[]], [None],
    {"a": {}}, {"marker": 1}, 10**30, -(2**53), 1e308, _nested(40),
)  # fmt: skip
ORDERS = f"{STORAGE}/marker/orders/orders"
PAYMENTS = "/api/content/payments/sessions"

Path = tuple[str | int, ...]


def _replaced(body: Any, path: Path, value: object) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(body)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def _counts(sb: SandboxServer) -> tuple[int, ...]:
    state = sb.state
    with state.lock:
        return (len(state.orders), len(state.sessions), len(state.refunds), len(state.users))


def _try_all(sb: SandboxServer, send: Any, body: Any, path: Path) -> list[int]:
    """Send `body` with each odd value at `path`; check each answer; return the statuses."""
    statuses = []
    for value in ODD_VALUES:
        before = _counts(sb)
        response = send(_replaced(body, path, value))
        statuses.append(response.status_code)
        where = f"{path!r} = {value!r}: {response.status_code} {response.text[:300]}"
        assert response.status_code in (200, 201, 400, 404), where
        if response.status_code >= 400:
            error = response.json()
            assert set(error) == ERROR_KEYS, where
            assert error["statusCode"] == response.status_code, where
            assert isinstance(error["message"], str), where
            assert error["message"], where
            assert _counts(sb) == before, where
    return statuses


ORDER_PATHS: list[Path] = [
    (), ("formIdentifier",), ("paymentAccountIdentifier",), ("formData",),
    ("formData", "en_US"), ("formData", "en_US", 0), ("formData", "en_US", 0, "marker"),
    ("formData", "en_US", 0, "type"), ("formData", "en_US", 0, "value"), ("products",),
    ("products", 0), ("products", 0, "productId"), ("products", 0, "quantity"),
    ("products", 0, "signedPrice"), ("statusIdentifier",), ("extra",),
]  # fmt: skip


@pytest.mark.parametrize("path", ORDER_PATHS, ids=lambda p: ".".join(map(str, p)) or "body")
def test_create_order_never_fails_on_a_wrong_type(sb: SandboxServer, user: Api, path: Path) -> None:
    statuses = _try_all(sb, lambda b: user.post(ORDERS, b), order_body(), path)
    if path not in (("extra",), ("formData", "en_US", 0, "value")):
        assert 400 in statuses  # every other place has some value the API refuses


@pytest.mark.parametrize("path", ORDER_PATHS, ids=lambda p: ".".join(map(str, p)) or "body")
def test_update_order_never_fails_on_a_wrong_type(sb: SandboxServer, user: Api, path: Path) -> None:
    order_id = user.create_order()["id"]
    before = copy.deepcopy(sb.state.orders[order_id])
    statuses = _try_all(sb, lambda b: user.put(f"{ORDERS}/{order_id}", b), order_body(), path)
    if 200 not in statuses:
        assert sb.state.orders[order_id] == before


@pytest.mark.parametrize(
    "path", [(), ("products",), ("products", 0), ("products", 0, "productId"),
             ("products", 0, "quantity"), ("couponCode",)],
    ids=lambda p: ".".join(map(str, p)) or "body",
)  # fmt: skip
def test_preview_never_fails_on_a_wrong_type(sb: SandboxServer, user: Api, path: Path) -> None:
    body = {"products": [{"productId": 14, "quantity": 2}]}
    _try_all(sb, lambda b: user.post(f"{STORAGE}/orders/preview", b), body, path)


@pytest.mark.parametrize("path", [(), ("orderId",), ("type",), ("automaticTaxEnabled",)])
def test_create_session_never_fails_on_a_wrong_type(
    sb: SandboxServer, user: Api, path: Path
) -> None:
    body = {"orderId": user.create_order()["id"], "type": "session", "automaticTaxEnabled": False}
    statuses = _try_all(sb, lambda b: user.post(PAYMENTS, b), body, path)
    assert 400 in statuses


@pytest.mark.parametrize("path", [(), ("status",), ("paymentUrl",)])
def test_update_session_never_fails_on_a_wrong_type(
    sb: SandboxServer, user: Api, path: Path
) -> None:
    order_id = user.create_order()["id"]
    created = user.post(PAYMENTS, {"orderId": order_id, "type": "session"})
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    body = {"status": "paid", "paymentUrl": "https://pay.example/1"}
    _try_all(sb, lambda b: user.put(f"{PAYMENTS}/{session_id}", b), body, path)


@pytest.mark.parametrize(
    "path",
    [(), ("products",), ("products", "14"), ("products", "14", "quantity"), ("note",)],
    ids=lambda p: ".".join(map(str, p)) or "body",
)
def test_refund_never_fails_on_a_wrong_type(sb: SandboxServer, user: Api, path: Path) -> None:
    order_id = user.create_order(order_body(products=[{"productId": 14, "quantity": 3}]))["id"]
    body = {"products": {"14": {"quantity": 1}}, "note": "broken"}
    url = f"/api/content/orders/{order_id}/refund"

    def send(b: Any) -> Any:
        response = user.post(url, b)
        user.delete(url)  # cancel an accepted request so the next one may be made
        return response

    _try_all(sb, send, body, path)
