"""Test helpers for the sandbox suite: an httpx client speaking like the SDK, and fixtures data."""

from __future__ import annotations

import json
from typing import Any

import httpx

DEVICE = json.dumps(
    {
        "fingerprint": "UQ_sandboxtests",
        "deviceInfo": {"os": "Node.js", "browser": "Node.js/sandboxtes", "location": "en-US"},
    }
)
AUTH = "/api/content/users-auth-providers/marker/email/users"
STORAGE = "/api/content/orders-storage"
GUEST = ("guest@onnentry.cloud", "12345121334")
REGISTERED = ("your-user@email.com", "123456")
ERROR_KEYS = {"statusCode", "message", "pageData", "timestamp"}


def auth_body(login: str, password: str) -> dict[str, Any]:
    return {
        "authData": [
            {"marker": "email_reg", "value": login},
            {"marker": "password_reg", "value": password},
        ]
    }


def order_body(
    name: str = "Christina Thomas",
    products: list[dict[str, Any]] | None = None,
    account: str = "cash",
) -> dict[str, Any]:
    """A valid createOrder wire body for storage `orders` (formData as the SDK wraps it)."""
    return {
        "formIdentifier": "order",
        "paymentAccountIdentifier": account,
        "formData": {"en_US": [{"marker": "name", "type": "string", "value": name}]},
        "products": products if products is not None else [{"productId": 14, "quantity": 1}],
    }


def guest_order_body() -> dict[str, Any]:
    return {
        "formIdentifier": "guest_order",
        "paymentAccountIdentifier": "cash",
        "formData": {
            "en_US": [
                {"marker": "guest_name", "type": "string", "value": "Christina Thomas"},
                {"marker": "guest_phone", "type": "string", "value": "+18005000500"},
                {"marker": "guest_email", "type": "string", "value": "guest@yourmail.com"},
            ]
        },
        "products": [{"productId": 10, "quantity": 1}],
    }


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    """The OneEntry error body with exactly this status and message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["statusCode"] == status
    assert body["message"] == message
    assert body["pageData"] is None
    assert body["timestamp"].endswith("Z")


class Api:
    """An httpx client sending `x-app-token` and `x-device-metadata` like SDK 1.0.149."""

    def __init__(self, base_url: str, app_token: str, device: str = DEVICE) -> None:
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=base_url,
            headers={"x-app-token": app_token, "x-device-metadata": device},
            timeout=10,
        )
        self.token: str | None = None

    def close(self) -> None:
        self.http.close()

    def _headers(self, token: str | None) -> dict[str, str]:
        bearer = token if token is not None else self.token
        return {"Authorization": f"Bearer {bearer}"} if bearer else {}

    def get(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers=self._headers(token), **kw)

    def post(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        return self.http.post(path, json=body, headers=self._headers(token))

    def put(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        return self.http.put(path, json=body, headers=self._headers(token))

    def delete(self, path: str, token: str | None = None) -> httpx.Response:
        return self.http.delete(path, headers=self._headers(token))

    def login(self, login: str, password: str) -> dict[str, Any]:
        """Log in and keep the access token for later calls; returns the auth entity."""
        response = self.http.post(AUTH + "/auth", json=auth_body(login, password))
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        self.token = tokens["accessToken"]
        return tokens

    def create_order(self, body: dict[str, Any] | None = None, storage: str = "orders") -> Any:
        response = self.post(f"{STORAGE}/marker/{storage}/orders", body or order_body())
        assert response.status_code == 200, response.text
        return response.json()


PAY = "/api/content/payments"


def provider(api: Api, session_id: object, action: str) -> httpx.Response:
    """Play the payment gateway: `pay`, `fail` or `expire` a session via the control API."""
    return api.http.post(f"/__sandbox/sessions/{session_id}/{action}")


def new_session(api: Api, order_id: int) -> dict[str, Any]:
    body = {"orderId": order_id, "type": "session", "automaticTaxEnabled": False}
    response = api.post(f"{PAY}/sessions", body)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    return session


def paid_order(api: Api, body: dict[str, Any] | None = None, storage: str = "orders") -> Any:
    """An order whose session the provider completed (`isCompleted: true`)."""
    order = api.create_order(body or order_body(account="stripe"), storage=storage)
    session = new_session(api, order["id"])
    assert provider(api, session["id"], "pay").status_code == 200
    return order
