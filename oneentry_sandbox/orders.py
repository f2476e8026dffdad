"""Validation of create/update order bodies and the price of each line.

Each problem is a 400 naming the offending item; the server reports the first one found, in
this order: body shape, `formIdentifier`, `paymentAccountIdentifier`, each sent `formData`
item (known marker, same type, number or date shape, length, e-mail, list option), required
markers, products (non-empty, known, integer quantity >= 1, valid `signedPrice`), optional
`statusIdentifier`.
A line costs its `signedPrice` when one is given (it must be ours, for this product and this
storage), otherwise the product's current price.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from oneentry_sandbox.config import Attribute, Form, Storage
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.state import OrderLine, SandboxState
from oneentry_sandbox.tokens import TokenError, verify_price

__all__ = ["OrderDraft", "check_order_body", "form_data_items", "price_lines"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """A validated order body."""

    form_identifier: str
    account: str
    form_data: tuple[object, ...]
    lines: tuple[OrderLine, ...]
    products_echo: tuple[object, ...]
    status: str | None


def form_data_items(raw: object, lang: str = "en_US") -> list[object]:
    """`formData` as a flat list: accepts `{"en_US": [...]}`, an array, or one object."""
    if isinstance(raw, Mapping) and "marker" not in raw:
        raw = raw.get(lang, next(iter(raw.values()), []))
    if isinstance(raw, Mapping):
        return [raw]
    if not isinstance(raw, list):
        raise ApiError(400, "formData must be an array or a {langCode: array} map")
    return list(raw)


def _empty(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return value is None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATES = ("date", "dateTime", "time")


def _check_shape(name: str, attr: Attribute, value: object) -> None:
    """Numbers for integer/real/float (strings of digits too), `{fullDate: ISO, ...}` for
    date/dateTime/time (reference §4, formData value formats)."""
    if attr.type in ("integer", "real", "float"):
        text = str(value).strip() if isinstance(value, str | int | float) else ""
        ok = not isinstance(value, bool) and _NUMBER.fullmatch(text) is not None
        if ok and attr.type == "integer":
            ok = "." not in text
        if not ok:
            raise ApiError(400, f"{name} value must be a number ({attr.type})")
    if attr.type in _DATES:
        full = value.get("fullDate") if isinstance(value, Mapping) else None
        try:
            datetime.fromisoformat(str(full).replace("Z", "+00:00"))
        except ValueError:
            full = None
        if not isinstance(full, str):
            shape = "{fullDate, formattedValue, formatString}"
            raise ApiError(400, f"{name} value must be a {attr.type} {shape}")


def _check_value(form: Form, attr: Attribute, value: object) -> None:
    name = f"formData's marker '{attr.marker}'"
    if _empty(value):
        return
    _check_shape(name, attr, value)
    if attr.type == "string" or attr.email:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ApiError(400, f"{name} value must be a string")
        text = str(value)
        if attr.string_length and len(text) != attr.string_length:
            raise ApiError(400, f"{name} must be exactly {attr.string_length} characters")
        if attr.string_min and len(text) < attr.string_min:
            raise ApiError(400, f"{name} must be at least {attr.string_min} characters")
        if attr.string_max and len(text) > attr.string_max:
            raise ApiError(
                400, f"{name} must be at most {attr.string_max} characters (got {len(text)})"
            )
        if attr.email and not _EMAIL.match(text):
            raise ApiError(400, f"{name} value '{text}' is not a valid e-mail address")
    if attr.type in ("list", "radioButton"):
        allowed = [option.value for option in attr.options]
        for chosen in value if isinstance(value, list) else [value]:
            if chosen not in allowed:
                names = ", ".join(str(a) for a in allowed)
                raise ApiError(
                    400,
                    f"{name} value {chosen!r} is not among the listTitles of form "
                    f"'{form.identifier}' ({names})",
                )


def check_form_data(form: Form, items: list[object]) -> tuple[object, ...]:
    seen: dict[str, object] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ApiError(400, f"formData[{index}] must be an object {{marker, type, value}}")
        if not isinstance(item.get("marker"), str):  # as live, e.g. a double-wrapped formData
            raise ApiError(400, "formData's marker 'undefined' marker is required")
        marker = item["marker"]
        attr = form.attribute(marker)
        if attr is None:
            raise ApiError(400, f"formData's marker '{marker}' is not in form '{form.identifier}'")
        if item.get("type") != attr.type:
            raise ApiError(
                400,
                f"formData's marker '{marker}' has type {item.get('type')!r}, but form "
                f"'{form.identifier}' declares '{attr.type}'",
            )
        if marker in seen:
            raise ApiError(400, f"formData's marker '{marker}' appears more than once")
        _check_value(form, attr, item.get("value"))
        seen[marker] = item.get("value")
    for attr in form.attributes:
        if attr.required and _empty(seen.get(attr.marker)):
            raise ApiError(
                400,
                f"formData's marker '{attr.marker}' is required by form '{form.identifier}' "
                "and is missing or empty",
            )
    return tuple(items)


def _signed(state: SandboxState, storage: Storage, product_id: int, token: object) -> Decimal:
    name = f"signedPrice of product {product_id}"
    if not isinstance(token, str):
        raise ApiError(400, f"{name} must be a string")
    try:
        claims = verify_price(state.project.secret, token)
    except TokenError:
        raise ApiError(400, f"{name} is invalid") from None
    if claims.product_id != product_id:
        raise ApiError(400, f"{name} was issued for product {claims.product_id}")
    if claims.storage != storage.identifier:
        raise ApiError(
            400, f"{name} was issued for storage '{claims.storage}', not '{storage.identifier}'"
        )
    if claims.exp is not None and claims.exp <= state.clock.now().timestamp():
        raise ApiError(400, f"{name} has expired")
    return claims.price


def price_lines(
    state: SandboxState, storage: Storage | None, products: object, *, allow_empty: bool
) -> tuple[OrderLine, ...]:
    """Resolve `products` to priced lines; `storage` None means signedPrice is not allowed."""
    if not isinstance(products, list):
        raise ApiError(400, "products must be an array of {productId, quantity}")
    if not products and not allow_empty:
        where = f" for storage '{storage.identifier}'" if storage else ""
        raise ApiError(400, f"products must not be empty{where}")
    lines = []
    for index, item in enumerate(products):
        if not isinstance(item, Mapping):
            raise ApiError(400, f"products[{index}] must be an object {{productId, quantity}}")
        product_id = item.get("productId")
        if not isinstance(product_id, int) or isinstance(product_id, bool):
            raise ApiError(400, f"products[{index}].productId must be an integer")
        product = state.project.product(product_id)
        if product is None:
            raise ApiError(400, f"Product {product_id} not found")
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ApiError(
                400, f"quantity of product {product_id} must be an integer >= 1, got {quantity!r}"
            )
        token = item.get("signedPrice")
        if token is not None and storage is not None:
            price = _signed(state, storage, product_id, token)
        else:
            price = state.prices[product_id]
        lines.append(
            OrderLine(product_id, product.title, price, quantity, token if storage else None)
        )
    return tuple(lines)


def check_order_body(state: SandboxState, storage: Storage, body: object) -> OrderDraft:
    if not isinstance(body, Mapping):
        raise ApiError(400, "Request body must be a JSON object")
    form_id = body.get("formIdentifier")
    if form_id != storage.form:
        raise ApiError(
            400,
            f"formIdentifier {form_id!r} is not the form of storage '{storage.identifier}' "
            f"(expected '{storage.form}')",
        )
    account = body.get("paymentAccountIdentifier")
    if not isinstance(account, str) or account not in storage.payment_accounts:
        raise ApiError(
            400, f"Payment account '{account}' is not enabled for storage '{storage.identifier}'"
        )
    form = state.project.form(storage.form)
    assert form is not None  # the loader checked the reference
    form_data = check_form_data(form, form_data_items(body.get("formData", [])))
    with state.lock:
        lines = price_lines(
            state, storage, body.get("products"), allow_empty=storage.allow_empty_products
        )
    status = body.get("statusIdentifier")
    if status is not None and (not isinstance(status, str) or storage.status(status) is None):
        raise ApiError(
            400, f"statusIdentifier {status!r} is not a status of storage '{storage.identifier}'"
        )
    echo = tuple(
        {k: v for k, v in p.items() if k in ("productId", "quantity", "signedPrice")}
        for p in body["products"]
    )
    return OrderDraft(form.identifier, account, form_data, lines, echo, status)
