"""The shop's side of a purchase: the filled form, the cart, and the order placed from them.

These values connect the steps of a scenario: the cart's lines must come back as the order's
products, the order's id must be the payment session's `orderId`, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oneentry_contracts.api.client import ApiResponse

__all__ = ["Cart", "CartLine", "FilledForm", "PlacedOrder", "order_body"]


@dataclass(frozen=True, slots=True)
class FilledForm:
    """An order form as the shopper filled it: `[{marker, type, value}]` in form order."""

    form: str
    entries: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class CartLine:
    """One product in the cart, with the price the catalogue showed for it."""

    product_id: int
    quantity: int
    price: Decimal
    title: str


@dataclass(frozen=True, slots=True)
class Cart:
    """The products the shopper is buying."""

    lines: tuple[CartLine, ...]

    @property
    def total(self) -> Decimal:
        """What the order must cost: the sum of catalogue price times quantity."""
        return sum((line.price * line.quantity for line in self.lines), Decimal(0))

    def products(self) -> list[dict[str, int]]:
        """The `products` of a createOrder body."""
        return [{"productId": line.product_id, "quantity": line.quantity} for line in self.lines]


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """An order as sent and as the API answered."""

    storage: str
    request: dict[str, Any]
    answer: ApiResponse

    @property
    def id(self) -> int:
        """The created order's id (the step that checks the creation has run before)."""
        body = self.answer.body
        order_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(order_id, int):
            raise AssertionError(f"the order was not created: {self.answer.status} {body!r}")
        return order_id


def order_body(form: FilledForm, cart: Cart, account: str, lang_code: str) -> dict[str, Any]:
    """The createOrder body exactly as the SDK puts it on the wire (formData under the language)."""
    return {
        "formIdentifier": form.form,
        "paymentAccountIdentifier": account,
        "formData": {lang_code: list(form.entries)},
        "products": cart.products(),
    }
