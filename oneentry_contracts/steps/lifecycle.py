"""After the purchase: storages, pages of orders, changing an order, previews, signed prices,
refunds (Orders, seed 004)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config
from oneentry_contracts.shop.values import Cart, FilledForm, PlacedOrder, order_body
from oneentry_contracts.steps import wording
from oneentry_contracts.steps.orders import cart_holds, place

_MAX_PAGES = 100


@dataclass(frozen=True, slots=True)
class ChangedOrder:
    """An order as the customer changed it, and the API's answer."""

    form: FilledForm
    cart: Cart
    answer: ApiResponse


@when(wording.LIST_STORAGES.text, target_fixture="answer")
def list_storages(oneentry_api: ContractApi) -> ApiResponse:
    return oneentry_api.call("storages")


@then(parsers.parse(wording.STORAGES_INCLUDE.text))
def storages_include(storage: str, answer: ApiResponse, oneentry_config: Config) -> None:
    markers = [s["identifier"] for s in expect_status(answer)]
    assert oneentry_config.marker(storage) in markers, f"no storage {storage!r} in {markers}"


@when(parsers.parse(wording.GET_STORAGE.text), target_fixture="answer")
def get_storage(storage: str, oneentry_api: ContractApi, oneentry_config: Config) -> ApiResponse:
    return oneentry_api.call("storage", path={"marker": oneentry_config.marker(storage)})


@then(parsers.parse(wording.STORAGE_SETUP.text))
def storage_setup(
    storage: str, form: str, accounts: str, answer: ApiResponse, oneentry_config: Config
) -> None:
    found = expect_status(answer)
    assert found["identifier"] == oneentry_config.marker(storage)
    assert found["formIdentifier"] == oneentry_config.marker(form), found["formIdentifier"]
    enabled = sorted(a["identifier"] for a in found["paymentAccountIdentifiers"])
    expected = sorted(oneentry_config.marker(a.strip()) for a in accounts.split(","))
    assert enabled == expected, f"the storage enables {enabled}, expected {expected}"


@given(
    parsers.parse(wording.EARLIER_ORDERS.text),
    target_fixture="earlier_orders",
)
def earlier_orders(
    count: int,
    storage: str,
    account: str,
    filled_form: FilledForm,
    cart: Cart,
    oneentry_api: ContractApi,
    oneentry_config: Config,
    request: pytest.FixtureRequest,
) -> list[int]:
    placed = [
        place(oneentry_api, oneentry_config, storage, account, filled_form, cart, request=request)
        for _ in range(count)
    ]
    return [expect_status(p.answer)["id"] for p in placed]


@when(
    parsers.parse(wording.READ_PAGES.text),
    target_fixture="order_pages",
)
def read_pages(
    storage: str, size: int, oneentry_api: ContractApi, oneentry_config: Config
) -> list[dict[str, Any]]:
    """Page through the storage's orders with offset/limit until `total` is reached."""
    marker = oneentry_config.marker(storage)
    pages: list[dict[str, Any]] = []
    for number in range(_MAX_PAGES):
        params: dict[str, str | int] = {
            "langCode": oneentry_config.lang_code,
            "offset": number * size,
            "limit": size,
        }
        page = expect_status(oneentry_api.call("orders", path={"marker": marker}, params=params))
        pages.append(page)
        if (number + 1) * size >= page["total"] or not page["items"]:
            break
    return pages


@then(parsers.parse(wording.PAGES_CONSISTENT.text))
def pages_consistent(
    size: int,
    order_pages: list[dict[str, Any]],
    placed_order: PlacedOrder,
    earlier_orders: list[int],
) -> None:
    totals = {page["total"] for page in order_pages}
    assert len(totals) == 1, f"the pages disagree on the total: {sorted(totals)}"
    ids = [order["id"] for page in order_pages for order in page["items"]]
    assert all(len(page["items"]) <= size for page in order_pages), "a page exceeds its limit"
    assert len(ids) == len(set(ids)), f"pages overlap: {ids}"
    assert len(ids) == totals.pop(), f"total says one number, the pages hold {len(ids)} orders"
    missing = {placed_order.id, *earlier_orders} - set(ids)
    assert not missing, f"orders {sorted(missing)} are on no page ({ids})"


@when(
    parsers.parse(wording.CHANGE_ORDER.text),
    target_fixture="changed_order",
)
def change_order(
    field: str,
    value: str,
    datatable: list[list[str]],
    placed_order: PlacedOrder,
    filled_form: FilledForm,
    oneentry_api: ContractApi,
    oneentry_config: Config,
) -> ChangedOrder:
    marker = oneentry_config.marker(field)
    entries = tuple(
        {**e, "value": value} if e["marker"] == marker else e for e in filled_form.entries
    )
    assert entries != filled_form.entries, f"the form has no field {field!r} to change"
    form = replace(filled_form, entries=entries)
    cart = cart_holds(datatable, oneentry_api, oneentry_config)
    account = placed_order.request["paymentAccountIdentifier"]
    body = order_body(form, cart, account, oneentry_config.lang_code)
    path: dict[str, str | int] = {"marker": placed_order.storage, "id": placed_order.id}
    params = {"langCode": oneentry_config.lang_code}
    return ChangedOrder(
        form, cart, oneentry_api.call("update_order", path=path, params=params, json=body)
    )


@then(wording.ORDER_CHANGED.text)
def order_changed(changed_order: ChangedOrder, placed_order: PlacedOrder) -> None:
    order = expect_status(changed_order.answer)
    assert order["id"] == placed_order.id
    products = [(p["productId"], p["quantity"]) for p in order["products"]]
    assert products == [(c.product_id, c.quantity) for c in changed_order.cart.lines], products
    assert Decimal(str(order["totalSum"])) == changed_order.cart.total


@then(wording.CHANGE_READ_BACK.text)
def change_read_back(order_read_back: dict[str, Any], changed_order: ChangedOrder) -> None:
    products = order_read_back["products"]
    lines = [(p["id"], p["quantity"], Decimal(str(p["price"]))) for p in products]
    cart = changed_order.cart
    assert lines == [(c.product_id, c.quantity, c.price) for c in cart.lines], lines
    assert Decimal(str(order_read_back["totalSum"])) == cart.total
    data = order_read_back["formData"]
    entries = [e for v in data.values() for e in v] if isinstance(data, dict) else data
    assert [(e["marker"], e["value"]) for e in entries] == [
        (e["marker"], e["value"]) for e in changed_order.form.entries
    ], f"the form data read back is {entries}"


@when(parsers.parse(wording.LIST_STATUSES.text), target_fixture="answer")
def list_statuses(storage: str, oneentry_api: ContractApi, oneentry_config: Config) -> ApiResponse:
    path = {"marker": oneentry_config.marker(storage)}
    return oneentry_api.call(
        "order_statuses", path=path, params={"langCode": oneentry_config.lang_code}
    )


@then(wording.STATUS_KNOWN.text)
def status_known(answer: ApiResponse, order_read_back: dict[str, Any]) -> None:
    statuses = [s["identifier"] for s in expect_status(answer)]
    status = order_read_back["statusIdentifier"]
    assert status in statuses, f"status {status!r} is not among {statuses}"


@when(wording.PREVIEW_CART.text, target_fixture="preview")
def preview_cart(cart: Cart, oneentry_api: ContractApi, oneentry_config: Config) -> Any:
    params = {"langCode": oneentry_config.lang_code}
    body = {"products": cart.products()}
    return expect_status(oneentry_api.call("preview_order", params=params, json=body))


@then(wording.PREVIEW_TOTAL.text)
def preview_total(preview: dict[str, Any], placed_order: PlacedOrder) -> None:
    total = Decimal(str(placed_order.answer.body["totalSum"]))
    assert Decimal(str(preview["totalSum"])) == total, f"preview {preview['totalSum']}, {total}"
