"""What `oneentry-contracts init` writes features for: the shop's purchases and its catalogue.

A `ShopLayout` holds one `Purchase` per role the shop has (the guest checkout, a registered
customer's checkout): the order form, its fields, the order storage and the payment accounts;
and the products the carts hold. It comes from the bundled sandbox project (the default, so
that `run --record` passes right after `init`), from command-line options naming the shop's own
markers, or from the live project (`scaffold/live.py`). This module only reads files.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from oneentry_contracts.config.settings import UserRole
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.shop.formdata import SUPPORTED_TYPES

__all__ = [
    "DEFAULT_NAMES",
    "Field",
    "Purchase",
    "SandboxProject",
    "ShopLayout",
    "bundled_sandbox",
    "parse_fields",
]

# The bundled sandbox's markers of each role's checkout (oneentry_sandbox/default_project.yaml).
DEFAULT_NAMES: Final[Mapping[UserRole, tuple[str, str]]] = {
    "guest": ("guest_order", "guest_orders"),
    "registered": ("order", "orders"),
}
_OPTION_TYPES: Final = ("list", "radioButton")


@dataclass(frozen=True, slots=True)
class Field:
    """One field the order form is filled in with; `value` pins it (a list's option)."""

    marker: str
    type: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Purchase:
    """One role's checkout: which form, sent to which storage, paid through which accounts."""

    role: UserRole
    form: str
    storage: str
    fields: tuple[Field, ...]
    accounts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShopLayout:
    """Everything the scaffolded features name; `products` is name -> product id."""

    purchases: tuple[Purchase, ...]
    products: Mapping[str, int] = field(default_factory=dict)

    def purchase(self, role: UserRole) -> Purchase | None:
        return next((p for p in self.purchases if p.role == role), None)


@dataclass(frozen=True, slots=True)
class SandboxProject:
    """The forms (marker -> fields), storages (marker -> (form, accounts)) and products
    (title -> id) of a sandbox project file."""

    forms: Mapping[str, tuple[Field, ...]]
    storages: Mapping[str, tuple[str, tuple[str, ...]]]
    products: Mapping[str, int]


def bundled_sandbox() -> SandboxProject:
    """The bundled sandbox project, read without importing the sandbox (it needs the extra)."""
    spec = importlib.util.find_spec("oneentry_sandbox")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the oneentry_sandbox package is missing: reinstall oneentry-contracts")
    path = Path(next(iter(spec.submodule_search_locations))) / "default_project.yaml"
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    forms = {
        str(form["identifier"]): _sandbox_fields(form.get("attributes") or [])
        for form in data.get("forms") or []
    }
    storages = {
        str(s["identifier"]): (str(s["form"]), tuple(str(a) for a in s.get("payment_accounts", [])))
        for s in data.get("storages") or []
    }
    products = {str(p["title"]): int(p["id"]) for p in data.get("products") or []}
    return SandboxProject(forms, storages, products)


def _sandbox_fields(attributes: Sequence[Mapping[str, Any]]) -> tuple[Field, ...]:
    """The required attributes of a sandbox form (all of them if none is required)."""
    chosen = [a for a in attributes if a.get("required")] or list(attributes)
    fields = []
    for attribute in chosen:
        kind = str(attribute.get("type", "string"))
        options = attribute.get("options") or []
        value = str(options[0]["value"]) if kind in _OPTION_TYPES and options else ""
        fields.append(Field(str(attribute["marker"]), kind, value))
    return tuple(fields)


def parse_fields(specs: Sequence[str], option: str) -> tuple[Field, ...]:
    """`--field MARKER[:TYPE[=VALUE]]` options as fields (the type defaults to string)."""
    fields = []
    for spec in specs:
        head, _, value = spec.partition("=")
        marker, _, kind = head.partition(":")
        marker, kind = marker.strip(), kind.strip() or "string"
        if not marker or kind not in SUPPORTED_TYPES:
            raise ConfigError(
                f"{option} {spec!r}: expected MARKER, MARKER:TYPE or MARKER:TYPE=VALUE with a "
                f"type from {', '.join(SUPPORTED_TYPES)}, e.g. {option} phone:string",
                source="command line",
            )
        fields.append(Field(marker, kind, value.strip()))
    return tuple(fields)
