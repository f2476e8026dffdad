"""Prices the shop signed for a storage (`signPrice`), and orders placed at them (seed 004)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config
from oneentry_contracts.shop.values import Cart, CartLine, FilledForm, PlacedOrder
from oneentry_contracts.steps import wording
from oneentry_contracts.steps.orders import cart_rows, place


@dataclass(frozen=True, slots=True)
class SignedCart:
    """A cart whose prices the catalogue signed for one storage: product id → `signedPrice`."""

    storage: str
    cart: Cart
    signatures: dict[int, str | None]

    def products(self, signatures: dict[int, str | None] | None = None) -> list[dict[str, Any]]:
        """The `products` of a createOrder body, each line with its `signedPrice`."""
        chosen = self.signatures if signatures is None else signatures
        return [{**p, "signedPrice": chosen[p["productId"]]} for p in self.cart.products()]


@given(
    parsers.parse(wording.SIGNED_CART.text),
    target_fixture="signed_cart",
)
def signed_cart(
    storage: str, datatable: list[list[str]], oneentry_api: ContractApi, oneentry_config: Config
) -> SignedCart:
    """Look each product up with `signPrice=<storage>`: its answer must carry `signedPrice`."""
    marker = oneentry_config.marker(storage)
    lines: list[CartLine] = []
    signatures: dict[int, str | None] = {}
    for product_id, quantity, product in cart_rows(datatable, oneentry_config):
        params = {"langCode": oneentry_config.lang_code, "signPrice": marker}
        body = expect_status(oneentry_api.call("product", path={"id": product_id}, params=params))
        signatures[product_id] = body.get("signedPrice")
        lines.append(CartLine(product_id, quantity, Decimal(str(body["price"])), product))
    return SignedCart(marker, Cart(tuple(lines)), signatures)


@then(wording.PRICES_SIGNED.text)
def prices_signed(signed_cart: SignedCart) -> None:
    unsigned = [pid for pid, token in signed_cart.signatures.items() if not token]
    assert not unsigned, f"products {unsigned} came without signedPrice ({signed_cart.storage!r})"


@when(
    parsers.parse(wording.PLACE_SIGNED.text),
    target_fixture="placed_order",
)
def place_signed(
    storage: str,
    account: str,
    filled_form: FilledForm,
    signed_cart: SignedCart,
    oneentry_api: ContractApi,
    oneentry_config: Config,
    request: pytest.FixtureRequest,
) -> PlacedOrder:
    products = signed_cart.products()
    cart = signed_cart.cart
    return place(
        oneentry_api,
        oneentry_config,
        storage,
        account,
        filled_form,
        cart,
        products,
        request=request,
    )


@when(
    parsers.parse(wording.PLACE_TAMPERED.text),
    target_fixture="placed_order",
)
def place_tampered(
    storage: str,
    account: str,
    filled_form: FilledForm,
    signed_cart: SignedCart,
    oneentry_api: ContractApi,
    oneentry_config: Config,
) -> PlacedOrder:
    """Change the last character of each `signedPrice`: whatever the format, not what was signed."""
    tampered: dict[int, str | None] = {
        pid: token[:-1] + ("B" if token.endswith("A") else "A")
        for pid, token in signed_cart.signatures.items()
        if token
    }
    products = signed_cart.products(tampered)
    return place(
        oneentry_api, oneentry_config, storage, account, filled_form, signed_cart.cart, products
    )


@then(wording.SIGNED_PRICES_KEPT.text)
def signed_prices_kept(
    placed_order: PlacedOrder, signed_cart: SignedCart, new_catalogue_price: Decimal
) -> None:
    order = expect_status(placed_order.answer)
    cart = signed_cart.cart
    assert all(line.price != new_catalogue_price for line in cart.lines), (
        f"the catalogue price did not change: it is {new_catalogue_price} as when signed"
    )
    assert Decimal(str(order["totalSum"])) == cart.total, (
        f"totalSum {order['totalSum']} is not the signed total {cart.total}"
    )
    echoed = {p["productId"]: p.get("signedPrice") for p in order["products"]}
    assert echoed == signed_cart.signatures, f"the order's products carry {echoed}"
