"""The baseline (copied into the scratch project as test_baseline.py by bench.suites).

The guest purchase of features/guest_purchase.feature written as one plain pytest test per
row of rows.json: the same seven exchanges (the provider's completion through the sandbox's
control API), sent with httpx, each answer validated against the
same compiled schemas as the harness's, with the same kind of checks as its Then steps.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from oneentry_contracts.api.endpoints import endpoint
from oneentry_contracts.schemas.store import SchemaStore

ROWS = json.loads((Path(__file__).resolve().parent / "rows.json").read_text("utf-8"))
APP_TOKEN = "sandbox-app-token"
DEVICE = (
    '{"fingerprint":"UQ_oneentrycontracts","deviceInfo":{"os":"Node.js",'
    '"browser":"Node.js/oneentryco","location":"en-US"}}'
)
PRICES = {1: 25, 2957: 150, 10: 100, 2954: 50, 14: 340}


class Shop:
    """What the steps' client does: headers of the SDK, a Bearer once signed in, schemas."""

    def __init__(self, http: httpx.Client, base_url: str, schemas: SchemaStore) -> None:
        self.http, self.base_url, self.schemas = http, base_url, schemas
        self.token: str | None = None

    def call(self, name: str, url: str, body: Any = None, **params: str) -> Any:
        ep = endpoint(name)
        headers = {"x-app-token": APP_TOKEN, "Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if ep.method == "POST":
            headers["x-device-metadata"] = DEVICE
        content = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        answer = self.http.request(
            ep.method, self.base_url + url, params=params or None, content=content, headers=headers
        )
        assert answer.status_code == ep.success_status, answer.text
        data = answer.json()
        self.schemas.validate_endpoint(ep, data, origin=url)
        return data

    def control(self, url: str, schema: str) -> Any:
        """What steps/sandbox.py does: a bodyless POST to the sandbox's control API."""
        answer = self.http.post(self.base_url + url)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        self.schemas.validate(schema, data, endpoint=f"POST {url}", origin=url)
        return data


@pytest.mark.parametrize("row", ROWS, ids=[str(r["n"]) for r in ROWS])
def test_guest_purchase(
    row: dict[str, Any], http: httpx.Client, base_url: str, schemas: SchemaStore, cassette: Any
) -> None:
    shop = Shop(http, base_url, schemas)
    auth = {
        "authData": [
            {"marker": "email_reg", "value": "guest@onnentry.cloud"},
            {"marker": "password_reg", "value": "12345121334"},
        ]
    }
    signed = shop.call("auth", "/api/content/users-auth-providers/marker/email/users/auth", auth)
    assert signed["userIdentifier"] == "guest@onnentry.cloud"
    shop.token = signed["accessToken"]

    product = shop.call("product", f"/api/content/products/{row['product_id']}", langCode="en_US")
    assert Decimal(str(product["price"])) == PRICES[row["product_id"]]

    form = [
        {"marker": "guest_name", "type": "string", "value": f"Shopper {row['n']}"},
        {"marker": "guest_phone", "type": "string", "value": f"+1800500{row['n']:04d}"},
        {"marker": "guest_email", "type": "string", "value": f"shopper{row['n']}@example.test"},
    ]
    lines = [{"productId": row["product_id"], "quantity": row["quantity"]}]
    order_body = {
        "formIdentifier": "guest_order",
        "paymentAccountIdentifier": row["account"],
        "formData": {"en_US": form},
        "products": lines,
    }
    storage = "/api/content/orders-storage/marker/guest_orders/orders"
    order = shop.call("create_order", storage, order_body)
    assert [(p["productId"], p["quantity"]) for p in order["products"]] == [
        (row["product_id"], row["quantity"])
    ]
    assert Decimal(str(order["totalSum"])) == Decimal(str(product["price"])) * row["quantity"]
    assert [(e["marker"], e["value"]) for e in order["formData"]] == [
        (e["marker"], e["value"]) for e in form
    ]

    session = shop.call(
        "create_session",
        "/api/content/payments/sessions",
        {"orderId": order["id"], "type": "session", "automaticTaxEnabled": False},
    )
    assert (session["orderId"], session["status"]) == (order["id"], "waiting")

    paid = shop.control(f"/__sandbox/sessions/{session['id']}/pay", "sandbox/provider")
    assert (paid["session"]["id"], paid["session"]["status"]) == (session["id"], "completed")

    found = shop.call("session_by_order", f"/api/content/payments/sessions/order/{order['id']}")
    assert [s["status"] for s in found if s["id"] == session["id"]] == ["completed"]

    read = shop.call("order", f"{storage}/{order['id']}", langCode="en_US")
    assert read["id"] == order["id"]
    assert Decimal(str(read["totalSum"])) == Decimal(str(order["totalSum"]))
    assert (read["isCompleted"], read["statusIdentifier"]) == (True, "paid_for")
