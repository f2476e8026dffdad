"""Orders: storages, statuses, create/get/list/update/preview, validation, signedPrice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import (
    GUEST,
    STORAGE,
    Api,
    assert_error,
    guest_order_body,
    order_body,
)

ORDERS = f"{STORAGE}/marker/orders/orders"


def test_storages_list_and_by_marker(user: Api) -> None:
    storages = user.get(STORAGE, params={"langCode": "en_US", "offset": 0, "limit": 30}).json()
    assert [s["identifier"] for s in storages] == ["guest_orders", "orders"]
    orders = user.get(f"{STORAGE}/marker/orders", params={"langCode": "en_US"}).json()
    assert orders == storages[1]
    assert orders == {
        "id": 2,
        "localizeInfos": {"title": "Orders"},
        "position": 2,
        "identifier": "orders",
        "formIdentifier": "order",
        "generalTypeId": None,
        "paymentAccountIdentifiers": [{"identifier": "cash"}, {"identifier": "stripe"}],
    }
    assert_error(user.get(f"{STORAGE}/marker/nope"), 404, "Order storage 'nope' not found")


def test_statuses_need_no_bearer(api: Api) -> None:
    statuses = api.get(f"{STORAGE}/marker/orders/order-statuses").json()
    assert [s["identifier"] for s in statuses] == [
        "inProgress",
        "paid_for",
        "completed",
        "canceled",
    ]
    assert statuses[0] == {
        "id": 1,
        "identifier": "inProgress",
        "localizeInfos": {"title": "In progress"},
        "isDefault": True,
        "position": 1,
        "isUsed": False,
    }


def test_registered_purchase_create_matches_seed003(user: Api) -> None:
    created = user.create_order()
    assert set(created) == {
        "id",
        "formIdentifier",
        "paymentAccountIdentifier",
        "formData",
        "products",
        "currency",
        "totalSum",
        "createdDate",
        "statusIdentifier",
    }
    assert created["id"] == 90
    assert created["formIdentifier"] == "order"
    assert created["paymentAccountIdentifier"] == "cash"
    assert created["formData"] == [
        {"marker": "name", "type": "string", "value": "Christina Thomas"}
    ]
    assert created["products"] == [{"productId": 14, "quantity": 1}]
    assert created["currency"] == "USD"
    assert created["totalSum"] == 340
    assert isinstance(created["totalSum"], int)
    assert created["statusIdentifier"] == "inProgress"


def test_guest_purchase_with_the_guest_form(sb: SandboxServer, api: Api) -> None:
    api.login(*GUEST)
    created = api.create_order(guest_order_body(), storage="guest_orders")
    assert created["totalSum"] == 100
    assert sb.state.orders[created["id"]].user_id == 16


def test_flat_form_data_array_is_accepted(user: Api) -> None:
    body = order_body()
    body["formData"] = body["formData"]["en_US"]
    assert user.create_order(body)["formData"][0]["value"] == "Christina Thomas"


def test_order_entity_and_list(user: Api) -> None:
    created = user.create_order(order_body(products=[{"productId": 2957, "quantity": 2}]))
    entity = user.get(f"{ORDERS}/{created['id']}", params={"langCode": "en_US"}).json()
    assert entity == {
        "id": 90,
        "storageId": 2,
        "createdDate": created["createdDate"],
        "statusIdentifier": "inProgress",
        "statusLocalizeInfos": {"title": "In progress"},
        "formIdentifier": "order",
        "formData": [{"marker": "name", "type": "string", "value": "Christina Thomas"}],
        "attributeSetIdentifier": "order",
        "totalSum": "300.00",
        "currency": "USD",
        "paymentAccountIdentifier": "cash",
        "paymentAccountLocalizeInfos": {"title": "Cash"},
        "paymentUrl": None,
        "products": [
            {
                "id": 2957,
                "title": "Cosmo",
                "sku": None,
                "previewImage": None,
                "price": 150,
                "quantity": 2,
                "isGift": False,
            }
        ],
        "isCompleted": None,  # cash: never tracked (FIDELITY O7)
    }
    user.create_order()
    listing = user.get(ORDERS, params={"offset": 0, "limit": 30}).json()
    assert listing["total"] == 2
    assert [o["id"] for o in listing["items"]] == [90, 91]
    assert listing["items"][0] == entity
    page = user.get(ORDERS, params={"offset": 1, "limit": 1}).json()
    assert page == {"items": [listing["items"][1]], "total": 2}


def test_another_users_order_is_404(sb: SandboxServer, user: Api) -> None:
    created = user.create_order()
    guest = Api(sb.base_url, sb.app_token)
    guest.login(*GUEST)
    assert_error(guest.get(f"{ORDERS}/{created['id']}"), 404, f"Order {created['id']} not found")
    assert guest.get(ORDERS).json() == {"items": [], "total": 0}
    refused = guest.put(f"{ORDERS}/{created['id']}", order_body())
    assert_error(refused, 404, f"Order {created['id']} not found")
    guest.close()


def test_orders_need_a_bearer(api: Api) -> None:
    assert_error(api.post(ORDERS, order_body()), 401, "Unauthorized")
    assert_error(api.get(ORDERS), 401, "Unauthorized")


def test_update_revalidates_and_answers_the_created_shape(user: Api) -> None:
    created = user.create_order()
    body = order_body(name="Ivan", products=[{"productId": 1, "quantity": 3}], account="stripe")
    body["statusIdentifier"] = "completed"
    response = user.put(f"{ORDERS}/{created['id']}", body)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["id"] == created["id"]
    assert updated["createdDate"] == created["createdDate"]
    assert updated["totalSum"] == 75
    assert updated["paymentAccountIdentifier"] == "stripe"
    assert updated["statusIdentifier"] == "completed"
    entity = user.get(f"{ORDERS}/{created['id']}").json()
    # a hand-set status does not pay the order: isCompleted follows the gateway (FIDELITY O9)
    assert entity["isCompleted"] is False
    assert entity["totalSum"] == "75.00"
    bad = order_body()
    bad["formData"] = [{"marker": "x", "type": "string", "value": "1"}]
    assert_error(
        user.put(f"{ORDERS}/{created['id']}", bad),
        400,
        "formData's marker 'x' is not in form 'order'",
    )


def _with(**changes: Any) -> dict[str, Any]:
    body = order_body()
    body.update(changes)
    return body


def _form(*items: dict[str, Any]) -> dict[str, Any]:
    return _with(formData={"en_US": list(items)})


NAME = {"marker": "name", "type": "string", "value": "Ann"}
INVALID = [
    (
        _with(formIdentifier="guest_order"),
        400,
        "formIdentifier 'guest_order' is not the form of storage 'orders' (expected 'order')",
    ),
    (
        _with(paymentAccountIdentifier="paypal"),
        400,
        "Payment account 'paypal' is not enabled for storage 'orders'",
    ),
    (
        _form(NAME, {"marker": "x", "type": "string", "value": "1"}),
        400,
        "formData's marker 'x' is not in form 'order'",
    ),
    (
        _form({"marker": "name", "type": "integer", "value": "Ann"}),
        400,
        "formData's marker 'name' has type 'integer', but form 'order' declares 'string'",
    ),
    (_form(), 400, "formData's marker 'name' is required by form 'order' and is missing or empty"),
    (
        _form({"marker": "name", "type": "string", "value": "  "}),
        400,
        "formData's marker 'name' is required by form 'order' and is missing or empty",
    ),
    (
        _form({"marker": "name", "type": "string", "value": "a" * 101}),
        400,
        "formData's marker 'name' must be at most 100 characters (got 101)",
    ),
    (
        _form(NAME, {"marker": "delivery", "type": "list", "value": ["drone"]}),
        400,
        "formData's marker 'delivery' value 'drone' is not among the listTitles of form 'order' "
        "(courier, pickup)",
    ),
    (_with(products=[{"productId": 999, "quantity": 1}]), 400, "Product 999 not found"),
    (
        _with(products=[{"productId": 14, "quantity": 0}]),
        400,
        "quantity of product 14 must be an integer >= 1, got 0",
    ),
    (
        _with(products=[{"productId": 14, "quantity": 1.5}]),
        400,
        "quantity of product 14 must be an integer >= 1, got 1.5",
    ),
    (_with(products=[]), 400, "products must not be empty for storage 'orders'"),
    (
        _with(products=[{"productId": 14, "quantity": 1, "signedPrice": "abc.def"}]),
        400,
        "signedPrice of product 14 is invalid",
    ),
]


@pytest.mark.parametrize(("body", "status", "message"), INVALID, ids=[m for _, _, m in INVALID])
def test_create_order_validation(
    sb: SandboxServer, user: Api, body: dict[str, Any], status: int, message: str
) -> None:
    assert_error(user.post(ORDERS, body), status, message)
    assert sb.state.orders == {}


def test_guest_email_must_be_an_email(api: Api) -> None:
    api.login(*GUEST)
    body = guest_order_body()
    body["formData"]["en_US"][2]["value"] = "not-an-email"
    response = api.post(f"{STORAGE}/marker/guest_orders/orders", body)
    assert_error(
        response,
        400,
        "formData's marker 'guest_email' value 'not-an-email' is not a valid e-mail address",
    )


def test_list_option_value_is_accepted(user: Api) -> None:
    body = _form(NAME, {"marker": "delivery", "type": "list", "value": ["pickup"]})
    assert user.create_order(body)["formData"][1]["value"] == ["pickup"]


def test_unknown_storage_in_path_is_404(user: Api) -> None:
    response = user.post(f"{STORAGE}/marker/nope/orders", order_body())
    assert_error(response, 404, "Order storage 'nope' not found")


def _signed(api: Api, product_id: int, storage: str) -> str:
    product = api.get(
        f"/api/content/products/{product_id}", params={"langCode": "en_US", "signPrice": storage}
    ).json()
    signed: str = product["signedPrice"]
    return signed


def test_signed_price_fixes_the_price(sb: SandboxServer, user: Api) -> None:
    token = _signed(user, 14, "orders")
    httpx.put(sb.base_url + "/__sandbox/products/14", json={"price": 400}).raise_for_status()
    fixed = user.create_order(
        order_body(products=[{"productId": 14, "quantity": 2, "signedPrice": token}])
    )
    assert fixed["totalSum"] == 680
    assert fixed["products"] == [{"productId": 14, "quantity": 2, "signedPrice": token}]
    current = user.create_order()
    assert current["totalSum"] == 400


def test_tampered_or_foreign_signed_price_is_refused(user: Api) -> None:
    token = _signed(user, 14, "orders")
    prefix, payload, sig = token.split(".")
    tampered = f"{prefix}.{payload[:-2]}{'31' if payload[-2:] != '31' else '32'}.{sig}"
    bad = order_body(products=[{"productId": 14, "quantity": 1, "signedPrice": tampered}])
    assert_error(user.post(ORDERS, bad), 400, "signedPrice of product 14 is invalid")
    foreign = _signed(user, 14, "guest_orders")
    bad = order_body(products=[{"productId": 14, "quantity": 1, "signedPrice": foreign}])
    assert_error(
        user.post(ORDERS, bad),
        400,
        "signedPrice of product 14 was issued for storage 'guest_orders', not 'orders'",
    )
    other = _signed(user, 1, "orders")
    bad = order_body(products=[{"productId": 14, "quantity": 1, "signedPrice": other}])
    assert_error(user.post(ORDERS, bad), 400, "signedPrice of product 14 was issued for product 1")


def test_preview_totals(user: Api) -> None:
    body = {"products": [{"productId": 2957, "quantity": 2}]}
    response = user.post(f"{STORAGE}/orders/preview?langCode=en_US", body)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "totalSum": 300,
        "totalSumWithDiscount": 300,
        "bonusApplied": 0,
        "totalDue": 300,
        "currency": "USD",
        "discountConfig": {
            "orderDiscounts": [],
            "productDiscounts": [],
            "coupon": None,
            "bonus": None,
            "settings": {
                "allowGiftStacking": False,
                "allowStacking": False,
                "maxDiscountValue": None,
            },
        },
        "orderPreview": [
            {"id": 2957, "price": 150, "quantity": 2, "discountPrice": None, "isGift": False}
        ],
    }
    coupon = user.post(f"{STORAGE}/orders/preview", {"products": [], "couponCode": "X"})
    assert_error(coupon, 400, "Coupon 'X' not found or expired")
