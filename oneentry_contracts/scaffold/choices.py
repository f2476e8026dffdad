"""The shop as `oneentry-contracts init`'s options describe it, completed from a sandbox project.

`Choices` is what the options say: which roles the shop has, the markers given for each role's
form and storage, the fields, the payment accounts and the products. `from_sandbox` fills in
what was not given from the bundled sandbox project, so that a plain `init` scaffolds features
that the bundled sandbox records; a marker the sandbox lacks needs its fields given, or
`--project` (`scaffold/live.py`) to read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from oneentry_contracts.config.settings import UserRole
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.scaffold.layout import (
    DEFAULT_NAMES,
    Field,
    Purchase,
    SandboxProject,
    ShopLayout,
)

__all__ = ["MAX_PRODUCTS", "Choices", "from_sandbox", "parse_products", "unknown_to"]

MAX_PRODUCTS: Final = 3  # products the scaffolded carts use, by default


@dataclass(frozen=True, slots=True)
class Choices:
    """What the options of `init` said; None or empty: not given."""

    roles: tuple[UserRole, ...] = ("guest", "registered")
    forms: Mapping[UserRole, str | None] = field(default_factory=dict)
    storages: Mapping[UserRole, str | None] = field(default_factory=dict)
    fields: Mapping[UserRole, tuple[Field, ...]] = field(default_factory=dict)
    accounts: tuple[str, ...] = ()
    products: Mapping[str, int] = field(default_factory=dict)


def parse_products(specs: Sequence[str]) -> dict[str, int]:
    """`--product ID` or `--product NAME=ID` as name -> id (a bare id is named by itself)."""
    products: dict[str, int] = {}
    for spec in specs:
        name, equals, number = spec.rpartition("=") if "=" in spec else ("", "", spec)
        number, name = number.strip(), name.strip()
        if not number.isdigit() or (equals and (not name or "|" in name or '"' in name)):
            raise ConfigError(
                f"--product {spec!r}: expected a product id or NAME=ID (a name without | or "
                '"), e.g. --product 2957 or --product "Cosmo=2957"',
                source="command line",
            )
        products[name or number] = int(number)
    return products


def from_sandbox(choices: Choices, sandbox: SandboxProject) -> ShopLayout:
    """The layout the options describe, the rest taken from the sandbox project."""
    purchases = tuple(_purchase(role, choices, sandbox) for role in choices.roles)
    products = dict(choices.products)
    for name, number in list(products.items()):
        if name.isdigit():  # a bare id: its sandbox title, when the sandbox has that product
            titles = [title for title, known in sandbox.products.items() if known == number]
            if titles:
                products[titles[0]] = products.pop(name)
    if not products:
        products = dict(list(sandbox.products.items())[:MAX_PRODUCTS])
    if not products:
        raise ConfigError("no products to put in the carts: pass --product ID (repeatable)")
    return ShopLayout(purchases, products)


def _purchase(role: UserRole, choices: Choices, sandbox: SandboxProject) -> Purchase:
    default_form, default_storage = DEFAULT_NAMES[role]
    storage = choices.storages.get(role) or default_storage
    known = sandbox.storages.get(storage)
    form = choices.forms.get(role) or (known[0] if known else default_form)
    fields = choices.fields.get(role) or sandbox.forms.get(form)
    option = "--guest-field" if role == "guest" else "--field"
    if not fields:
        raise ConfigError(
            f"the {role} purchase's form {form!r} is not in the bundled sandbox, so its fields "
            f"are unknown.\nHow to fix: pass {option} MARKER:TYPE for each field the shopper "
            "fills in (e.g. name:string), or read the form from your project with --project "
            "(ONEENTRY_PROJECT_URL and ONEENTRY_APP_TOKEN).",
            source="command line",
        )
    accounts = choices.accounts or (known[1] if known else ())
    if not accounts:
        raise ConfigError(
            f"the {role} purchase's storage {storage!r} is not in the bundled sandbox, so its "
            "payment accounts are unknown.\nHow to fix: pass --account MARKER (repeatable), or "
            "read the storage from your project with --project.",
            source="command line",
        )
    return Purchase(role, form, storage, tuple(fields), tuple(accounts))


def unknown_to(layout: ShopLayout, sandbox: SandboxProject) -> list[str]:
    """The layout's markers and products the sandbox project lacks (recording would fail)."""
    missing = [
        f"{kind} {name!r}"
        for purchase in layout.purchases
        for kind, name, known in (
            ("form", purchase.form, sandbox.forms),
            ("storage", purchase.storage, sandbox.storages),
        )
        if name not in known
    ]
    accounts = {a for _, accounts in sandbox.storages.values() for a in accounts}
    missing += [
        f"payment account {a!r}" for p in layout.purchases for a in p.accounts if a not in accounts
    ]
    ids = set(sandbox.products.values())
    missing += [f"product {n}" for n in layout.products.values() if n not in ids]
    return list(dict.fromkeys(missing))
