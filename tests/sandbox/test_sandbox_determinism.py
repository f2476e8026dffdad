"""Deterministic mode: two fresh sandboxes, the same requests, byte-identical bodies."""

from __future__ import annotations

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import (
    AUTH,
    GUEST,
    REGISTERED,
    STORAGE,
    Api,
    guest_order_body,
    order_body,
)


def _scenario(sb: SandboxServer) -> list[bytes]:
    api = Api(sb.base_url, sb.app_token)
    bodies: list[bytes] = []
    try:
        for login in (GUEST, REGISTERED):
            response = api.http.post(
                AUTH + "/auth",
                json={
                    "authData": [
                        {"marker": "email_reg", "value": login[0]},
                        {"marker": "password_reg", "value": login[1]},
                    ]
                },
            )
            bodies.append(response.content)
            api.token = response.json()["accessToken"]
        refreshed = api.post(AUTH + "/refresh", {"refreshToken": response.json()["refreshToken"]})
        bodies.append(refreshed.content)
        api.token = refreshed.json()["accessToken"]
        created = api.post(f"{STORAGE}/marker/orders/orders", order_body())
        bodies.append(created.content)
        order_id = created.json()["id"]
        for path in (
            f"{STORAGE}/marker/orders/orders/{order_id}",
            f"{STORAGE}/marker/orders/orders",
            "/api/content/products/14?signPrice=orders",
        ):
            bodies.append(api.get(path).content)
        session = {"orderId": order_id, "type": "session", "automaticTaxEnabled": False}
        bodies.append(api.post("/api/content/payments/sessions", session).content)
        bodies.append(api.get("/api/content/payments/sessions/").content)
        bodies.append(api.post(f"{STORAGE}/marker/guest_orders/orders", guest_order_body()).content)
        bodies.append(api.get("/api/content/nothing").content)
    finally:
        api.close()
    return bodies


def test_two_runs_are_byte_identical() -> None:
    with SandboxServer(app_token="tok", deterministic=True) as first:
        one = _scenario(first)
    with SandboxServer(app_token="tok", deterministic=True) as second:
        two = _scenario(second)
    assert one == two
    assert b'"createdDate":"2025-04-30T20:15' in one[3]
    assert one[0] != one[1]


def test_real_mode_differs_between_runs() -> None:
    with SandboxServer(app_token="tok") as first:
        one = _scenario(first)
    with SandboxServer(app_token="tok") as second:
        two = _scenario(second)
    assert one[0] != two[0]  # random uuid in the refresh token
