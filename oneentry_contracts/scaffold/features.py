"""The feature files `oneentry-contracts init` writes: the guest and the registered purchase.

They follow this repository's `features/guest_purchase.feature` and
`registered_purchase.feature`, with the shop's own markers, and use only standard steps that
work against a real project: sign in, fill in the order form, fill the cart, place the order,
open a payment session, find it again by the order, read the order back. (Marking a session
paid is the payment provider's business, not the content API's, so no scaffolded step does.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from oneentry_contracts.config.settings import UserRole
from oneentry_contracts.scaffold.layout import Purchase, ShopLayout

__all__ = ["FEATURE_FILES", "FORMS_FEATURE", "render_feature", "render_forms_feature"]

FEATURE_FILES: Final[dict[UserRole, str]] = {
    "guest": "features/guest_purchase.feature",
    "registered": "features/registered_purchase.feature",
}
FORMS_FEATURE: Final = "features/form_configuration.feature"

_ABOUT: Final[dict[UserRole, tuple[str, str, str]]] = {
    "guest": (
        "Guest purchase",
        "A shopper buys without registering: the shop signs in with the shared guest account,\n"
        "  sends the guest order form and the cart, opens a payment session for the order, finds\n"
        "  it again by the order and reads the order back.",
        "A guest",
    ),
    "registered": (
        "Registered purchase",
        "A registered customer signs in with their own account, sends the order form and the\n"
        "  cart, opens a payment session for the order, finds it again by the order and reads\n"
        "  the order back.",
        "A customer",
    ),
}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return [
        indent + "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in (header, *rows)
    ]


def _form_step(purchase: Purchase) -> list[str]:
    pinned = any(f.value for f in purchase.fields)
    header = ["marker", "type", "value"] if pinned else ["marker", "type"]
    rows = [[f.marker, f.type, f.value] if pinned else [f.marker, f.type] for f in purchase.fields]
    return [
        f'    Given the shopper fills in the order form "{purchase.form}" with:',
        *_table(header, rows, "      "),
    ]


def _after_order(purchase: Purchase) -> list[str]:
    return [
        f'    When the shopper places the order in storage "{purchase.storage}" paying by '
        '"<account>"',
        "    Then the order is created with the cart at catalogue prices",
        "    When the shopper opens a payment session for the order",
        "    Then a payment session is waiting for the order",
        "    When the shop looks up the payment session by the order",
        '    Then it finds the same payment session with status "waiting"',
        "    When the shopper reads the order back",
        "    Then the order read back matches the order created",
    ]


def render_feature(purchase: Purchase, layout: ShopLayout) -> str:
    """One role's purchase feature: one example per payment account, and a cart of several
    products paid through each account when the layout has more than one product."""
    title, about, who = _ABOUT[purchase.role]
    products = list(layout.products)
    lines = [
        f"@{purchase.role} @purchase",
        f"Feature: {title}",
        f"  {about}",
        "  (Written by `oneentry-contracts init` from the standard steps, which",
        "  `oneentry-contracts steps` lists. Edit the markers, products and examples to fit.)",
        "",
        "  Background:",
        f"    Given the shop is signed in as the {purchase.role} user",
        "",
        f"  Scenario Outline: {who} buys <quantity> × <product> and pays by <account>",
        *_form_step(purchase),
        "    And the cart holds:",
        "      | product   | quantity   |",
        "      | <product> | <quantity> |",
        *_after_order(purchase),
        "",
        "    Examples:",
        *_table(
            ["account", "product", "quantity"],
            [
                [account, products[i % len(products)], str(i + 1)]
                for i, account in enumerate(purchase.accounts)
            ],
            "      ",
        ),
    ]
    if len(products) > 1:
        lines += [
            "",
            f"  Scenario Outline: {who} pays by <account> for a cart of several products",
            *_form_step(purchase),
            "    And the cart holds:",
            *_table(["product", "quantity"], [[name, "1"] for name in products], "      "),
            *_after_order(purchase),
            "",
            "    Examples:",
            *_table(["account"], [[account] for account in purchase.accounts], "      "),
        ]
    return "\n".join(lines) + "\n"


def render_forms_feature(role: UserRole) -> str:
    """The form-configuration check, signed in as `role`: drift in a form, storage or payment
    account the purchases use fails, and its recorded answers are what `check-forms` reads."""
    return (
        "\n".join(
            [
                "@forms",
                "Feature: Form configuration",
                "  When an admin renames a field, changes its type, makes a new field required,",
                "  moves a storage to another form or disables a payment account, this scenario",
                "  says so before a shopper meets the error. What the purchases send is read from",
                "  the other feature files. (Written by `oneentry-contracts init`.)",
                "",
                "  Background:",
                f"    Given the shop is signed in as the {role} user",
                "",
                "  Scenario: The project's forms, storages, accounts and sign-in fit the purchases",
                "    When the shop reads the configuration of every form the scenarios send",
                "    Then every field the scenarios send is in its form with the same type",
                "    And every required field of the forms is sent",
                "    And every pinned value passes its field's validators",
                "    And every storage takes its scenarios' form and payment accounts",
                "    And the sign-in form has the login and password fields the shop sends",
            ]
        )
        + "\n"
    )
