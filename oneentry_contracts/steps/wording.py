"""The wording of the standard steps: every sentence once, as data.

The step modules decorate their functions with these sentences (`parsers.parse(X.text)`),
`formcheck.formspec` reads the feature files with the same ones, and `steps.catalogue` lists
them (`oneentry-contracts steps`). A sentence is a public API: a shop's feature files are
written with it, so changing one is a breaking change the step catalogue's snapshot test
catches (tests/harness/step_catalogue.json).

`text` is the pytest-bdd pattern (the `parse` library's format: `{qty:d}` is an integer);
`table` the columns of the step's data table, `optional` those of them a row may leave empty;
`example` one line a feature file could say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["DOMAINS", "ORDER_SENTENCES", "Sentence"]

StepKind = Literal["given", "when", "then"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One step sentence of the standard vocabulary."""

    kind: StepKind
    text: str
    example: str
    table: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


def _given(text: str, example: str = "", **table: tuple[str, ...]) -> Sentence:
    return Sentence("given", text, example or text, **table)


def _when(text: str, example: str = "", **table: tuple[str, ...]) -> Sentence:
    return Sentence("when", text, example or text, **table)


def _then(text: str, example: str = "", **table: tuple[str, ...]) -> Sentence:
    return Sentence("then", text, example or text, **table)


_CART: Final = ("product", "quantity")

# auth
SIGNED_IN: Final = _given(
    "the shop is signed in as the {role:w} user", "the shop is signed in as the registered user"
)
GUEST_CHECKOUT: Final = _given("the shopper checks out as a guest, without signing in")

# forms
FILL_FORM: Final = _given(
    'the shopper fills in the order form "{form}" with:',
    'the shopper fills in the order form "order" with:',
    table=("marker", "type", "value"),
    optional=("type", "value"),
)
FILL_REQUIRED: Final = _given(
    'the shopper fills in every required field of the order form "{form}"',
    'the shopper fills in every required field of the order form "order"',
)

# orders
CART_HOLDS: Final = _given("the cart holds:", table=_CART)
PLACE_ORDER: Final = _when(
    'the shopper places the order in storage "{storage}" paying by "{account}"',
    'the shopper places the order in storage "orders" paying by "cash"',
)
ORDER_CREATED: Final = _then("the order is created with the cart at catalogue prices")
READ_ORDER: Final = _when("the shopper reads the order back")
ORDER_MATCHES: Final = _then("the order read back matches the order created")

# payments
OPEN_SESSION: Final = _when("the shopper opens a payment session for the order")
SESSION_WAITING: Final = _then("a payment session is waiting for the order")
SESSION_BY_ORDER: Final = _when("the shop looks up the payment session by the order")
SAME_SESSION: Final = _then(
    'it finds the same payment session with status "{status}"',
    'it finds the same payment session with status "waiting"',
)
ORDER_PAID: Final = _then(
    'the order read back is paid, with status "{status}"',
    'the order read back is paid, with status "paid_for"',
)
ORDER_UNPAID: Final = _then("the order read back is not paid yet")

# prices
SIGNED_CART: Final = _given(
    'the cart holds, at prices signed for storage "{storage}":',
    'the cart holds, at prices signed for storage "orders":',
    table=_CART,
)
PRICES_SIGNED: Final = _then("every product of the cart carries a signed price")
PLACE_SIGNED: Final = _when(
    'the shopper places the order in storage "{storage}" at the signed prices '
    'paying by "{account}"',
    'the shopper places the order in storage "orders" at the signed prices paying by "cash"',
)
PLACE_TAMPERED: Final = _when(
    'the shopper places the order in storage "{storage}" at a tampered signed price '
    'paying by "{account}"',
    'the shopper places the order in storage "orders" at a tampered signed price paying by "cash"',
)
SIGNED_PRICES_KEPT: Final = _then("the order costs the signed prices, not the new catalogue price")

# lifecycle
LIST_STORAGES: Final = _when("the shop lists the order storages")
STORAGES_INCLUDE: Final = _then('the storages include "{storage}"', 'the storages include "orders"')
GET_STORAGE: Final = _when(
    'the shop looks up the storage "{storage}"', 'the shop looks up the storage "orders"'
)
STORAGE_SETUP: Final = _then(
    'the storage "{storage}" takes the form "{form}" and the payment accounts "{accounts}"',
    'the storage "orders" takes the form "order" and the payment accounts "cash, stripe"',
)
EARLIER_ORDERS: Final = _given(
    'the customer already has {count:d} earlier orders in storage "{storage}" '
    'paying by "{account}"',
    'the customer already has 2 earlier orders in storage "orders" paying by "cash"',
)
READ_PAGES: Final = _when(
    'the shop reads the orders of storage "{storage}" {size:d} at a time',
    'the shop reads the orders of storage "orders" 2 at a time',
)
PAGES_CONSISTENT: Final = _then(
    "the pages of {size:d} hold every order once, the new one and the earlier ones among them",
    "the pages of 2 hold every order once, the new one and the earlier ones among them",
)
CHANGE_ORDER: Final = _when(
    'the customer changes the order: "{field}" becomes "{value}" and the cart holds:',
    'the customer changes the order: "name" becomes "Ada Lovelace" and the cart holds:',
    table=_CART,
)
ORDER_CHANGED: Final = _then("the order is changed")
CHANGE_READ_BACK: Final = _then("the order read back holds the change")
LIST_STATUSES: Final = _when(
    'the shop lists the statuses of storage "{storage}"',
    'the shop lists the statuses of storage "orders"',
)
STATUS_KNOWN: Final = _then("the order's status is one of the storage's statuses")
PREVIEW_CART: Final = _when("the shopper previews the cart")
PREVIEW_TOTAL: Final = _then("the preview's total is the order's total")

# refunds
ASK_REFUND: Final = _when(
    'the customer asks for a refund of {quantity:d} × "{product}"',
    'the customer asks for a refund of 1 × "Cosmo"',
)
CANCEL_REFUND: Final = _when("the customer cancels the refund request")
REFUND_ACCEPTED: Final = _then("the refund request is accepted")
CANCELLATION_ACCEPTED: Final = _then("the cancellation is accepted")
LIST_REFUNDS: Final = _when("the customer lists the refunds of the order")
REFUNDS_HOLD: Final = _then(
    'the refunds hold one "{status}" request for {quantity:d} × "{product}"',
    'the refunds hold one "new" request for 1 × "Cosmo"',
)

# errors
NOT_SIGNED_IN: Final = _given("the shop has not signed in")
REFRESH_TOKEN_SPENT: Final = _given("the customer's refresh token has been spent by another client")
WRONG_APP_TOKEN: Final = _when("a shop with a wrong app token lists the order storages")
WRONG_PASSWORD: Final = _when(
    "the {role:w} user signs in with a wrong password",
    "the registered user signs in with a wrong password",
)
OTHER_USER_READS: Final = _when(
    "the {role:w} user signs in and asks for that order",
    "the guest user signs in and asks for that order",
)
UNKNOWN_PRODUCT: Final = _given(
    "the cart holds {quantity:d} of product {product_id:d}, which the catalogue does not have",
    "the cart holds 1 of product 999999, which the catalogue does not have",
)
SHOP_REFUSED: Final = _then(
    'the shop is refused with status {status:d}, the message naming "{item}"',
    'the shop is refused with status 403, the message naming "Resource is closed"',
)
SHOP_REFUSED_STATUS: Final = _then(
    "the shop is refused with status {status:d}", "the shop is refused with status 404"
)
REFUND_REFUSED: Final = _then(
    'the refund request is refused with status {status:d}, the message naming "{item}"',
    'the refund request is refused with status 404, the message naming "uncompleted order"',
)
ORDER_ID_REFUSED: Final = _then(
    "the shop is refused with status {status:d}, the message naming the order's id",
    "the shop is refused with status 404, the message naming the order's id",
)
ORDER_REFUSED: Final = _then(
    'the order is refused with status {status:d}, the message naming "{item}"',
    'the order is refused with status 400, the message naming "quantity"',
)
REFRESHED: Final = _then("the call succeeded only after the tokens were refreshed")
REFRESH_REFUSED: Final = _then(
    'the refresh was refused with status {status:d}, the message naming "{item}"',
    'the refresh was refused with status 400, the message naming "Refresh token"',
)
REFRESH_REFUSED_ANY: Final = _then("the refresh was refused")

# formcheck
READ_CONFIGURATION: Final = _when(
    "the shop reads the configuration of every form the scenarios send"
)
FIELDS_KNOWN: Final = _then("every field the scenarios send is in its form with the same type")
REQUIRED_SENT: Final = _then("every required field of the forms is sent")
PINNED_VALID: Final = _then("every pinned value passes its field's validators")
FAKER_FITS: Final = _then("every field left to faker gets a value its validators accept")
STORAGES_FIT: Final = _then("every storage takes its scenarios' form and payment accounts")
SIGN_IN_FITS: Final = _then("the sign-in form has the login and password fields the shop sends")

DOMAINS: Final[dict[str, tuple[Sentence, ...]]] = {
    "auth": (SIGNED_IN, GUEST_CHECKOUT),
    "forms": (FILL_FORM, FILL_REQUIRED),
    "orders": (CART_HOLDS, PLACE_ORDER, ORDER_CREATED, READ_ORDER, ORDER_MATCHES),
    "payments": (
        OPEN_SESSION,
        SESSION_WAITING,
        SESSION_BY_ORDER,
        SAME_SESSION,
        ORDER_PAID,
        ORDER_UNPAID,
    ),
    "prices": (SIGNED_CART, PRICES_SIGNED, PLACE_SIGNED, PLACE_TAMPERED, SIGNED_PRICES_KEPT),
    "lifecycle": (
        LIST_STORAGES,
        STORAGES_INCLUDE,
        GET_STORAGE,
        STORAGE_SETUP,
        EARLIER_ORDERS,
        READ_PAGES,
        PAGES_CONSISTENT,
        CHANGE_ORDER,
        ORDER_CHANGED,
        CHANGE_READ_BACK,
        LIST_STATUSES,
        STATUS_KNOWN,
        PREVIEW_CART,
        PREVIEW_TOTAL,
    ),
    "refunds": (
        ASK_REFUND,
        CANCEL_REFUND,
        REFUND_ACCEPTED,
        CANCELLATION_ACCEPTED,
        LIST_REFUNDS,
        REFUNDS_HOLD,
    ),
    "errors": (
        NOT_SIGNED_IN,
        REFRESH_TOKEN_SPENT,
        WRONG_APP_TOKEN,
        WRONG_PASSWORD,
        OTHER_USER_READS,
        UNKNOWN_PRODUCT,
        SHOP_REFUSED,
        SHOP_REFUSED_STATUS,
        ORDER_ID_REFUSED,
        ORDER_REFUSED,
        REFUND_REFUSED,
        REFRESHED,
        REFRESH_REFUSED,
        REFRESH_REFUSED_ANY,
    ),
    "formcheck": (
        READ_CONFIGURATION,
        FIELDS_KNOWN,
        REQUIRED_SENT,
        PINNED_VALID,
        FAKER_FITS,
        STORAGES_FIT,
        SIGN_IN_FITS,
    ),
}
"""Every sentence, by the step module (domain) that defines it, in the catalogue's order."""

ORDER_SENTENCES: Final = (PLACE_ORDER, PLACE_SIGNED, PLACE_TAMPERED, EARLIER_ORDERS)
"""The sentences that send the last filled-in form to `{storage}`, paying by `{account}`."""
