"""`oneentry-contracts init --project`: the shop's layout read from the live project.

It signs in (storages and payment accounts need a user) and then only reads: the order
storages with their form and payment accounts, each form's attributes, the payment accounts,
and the products named with `--product`. Nothing is created or changed. A role is scaffolded
when its user's variables are set (`LiveSettings`); a role without them is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneentry_contracts.api.client import OneEntryClient
from oneentry_contracts.config.settings import Config, LiveSettings, UserRole
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.scaffold.choices import Choices
from oneentry_contracts.scaffold.layout import Field, Purchase, ShopLayout
from oneentry_contracts.shop.formdata import SUPPORTED_TYPES

__all__ = ["read_live"]

_OPTION_TYPES = ("list", "radioButton")


def read_live(
    choices: Choices, config: Config, live: LiveSettings, client: OneEntryClient
) -> tuple[ShopLayout, list[str]]:
    """The layout of the live project behind `client`, and notes on what was left out."""
    notes: list[str] = []
    roles = [role for role in choices.roles if role in live.credentials]
    for role in choices.roles:
        if role not in live.credentials:
            user = config.users[role]
            notes.append(
                f"no {role} purchase: {user.email_env} and {user.password_env} are not set"
            )
    if not roles:
        raise ConfigError(
            "--project needs a user to read the storages and payment accounts: set "
            f"{config.users['registered'].email_env} and "
            f"{config.users['registered'].password_env} (or the guest's variables).",
            key="users",
        )
    _sign_in(client, config, live, roles[0])
    params = {"langCode": config.lang_code}
    storages = {
        str(s["identifier"]): s for s in _get(client, "storages", params=params) or [] if _ok(s)
    }
    purchases = tuple(_purchase(role, choices, storages, client, params) for role in roles)
    if not choices.products:
        raise ConfigError(
            "--project needs --product ID (repeatable): the ids of products your shop sells, "
            "for the scenarios' carts (the content API has no product list here).",
            source="command line",
        )
    products = {
        _title(_get(client, "product", {"id": number}, params), name): number
        for name, number in choices.products.items()
    }
    return ShopLayout(purchases, products), notes


def _sign_in(client: OneEntryClient, config: Config, live: LiveSettings, role: UserRole) -> None:
    user = live.credentials[role]
    answer = client.login(
        config.auth_provider,
        [
            {"marker": config.login_marker, "value": user.email},
            {"marker": config.password_marker, "value": user.password},
        ],
    )
    if not answer.ok:
        raise ConfigError(
            f"signing in as the {role} user through provider {config.auth_provider!r} failed "
            f"({answer.status}); storages and payment accounts need a signed-in user.\n"
            f"How to fix: check {config.users[role].email_env}, "
            f"{config.users[role].password_env} and [auth] in oneentry-contracts.toml.",
            key="auth",
        )


def _get(
    client: OneEntryClient,
    name: str,
    path: Mapping[str, str | int] | None = None,
    params: Mapping[str, str | int] | None = None,
) -> Any:
    answer = client.call(name, path=path, params=params)
    if not answer.ok:
        where = ", ".join(f"{key} {value}" for key, value in (path or {}).items())
        raise ConfigError(
            f"reading {answer.endpoint}{' (' + where + ')' if where else ''} from the project "
            f"answered {answer.status}.\nHow to fix: check the marker or id, and that the app "
            "token may read it.",
            key=name,
        )
    return answer.body


def _ok(item: Any) -> bool:
    return isinstance(item, Mapping) and isinstance(item.get("identifier"), str)


def _pick(role: UserRole, storages: Mapping[str, Any]) -> str:
    """The guest's storage: one whose marker says guest; a customer's: the first other one."""
    names = list(storages)
    if not names:
        raise ConfigError("the project has no order storage: create one in the admin panel")
    guestly = [name for name in names if "guest" in name.lower()]
    if role == "guest":
        return (guestly or names)[0]
    return ([name for name in names if name not in guestly] or names)[0]


def _purchase(
    role: UserRole,
    choices: Choices,
    storages: Mapping[str, Any],
    client: OneEntryClient,
    params: Mapping[str, str | int],
) -> Purchase:
    storage = choices.storages.get(role) or _pick(role, storages)
    if storage not in storages:
        raise ConfigError(
            f"the project has no order storage {storage!r}; it has: "
            f"{', '.join(storages) or 'none'}.\nHow to fix: pass one of them.",
            source="command line",
        )
    body = storages[storage]
    form = choices.forms.get(role) or str(body.get("formIdentifier") or "")
    if not form:
        raise ConfigError(f"order storage {storage!r} has no form; pass --form MARKER")
    fields = choices.fields.get(role) or _fields(_get(client, "form", {"marker": form}, params))
    accounts = choices.accounts or tuple(
        str(item["identifier"]) for item in body.get("paymentAccountIdentifiers") or [] if _ok(item)
    )
    if not accounts:
        raise ConfigError(
            f"order storage {storage!r} takes no payment account; pass --account MARKER, or "
            "enable an account for the storage in the admin panel"
        )
    return Purchase(role, form, storage, fields, accounts)


def _fields(form: Any) -> tuple[Field, ...]:
    """The required attributes of a form (the first one when none is required)."""
    raw = form.get("attributes") if isinstance(form, Mapping) else None
    attributes = [a for a in raw or [] if isinstance(a, Mapping) and a.get("marker")]
    attributes = [a for a in attributes if a.get("type") in SUPPORTED_TYPES]
    required = [a for a in attributes if "requiredValidator" in (a.get("validators") or {})]
    fields = []
    for attribute in required or attributes[:1]:
        kind = str(attribute["type"])
        titles = attribute.get("listTitles") or []
        values = [str(t["value"]) for t in titles if isinstance(t, Mapping) and t.get("value")]
        fields.append(Field(str(attribute["marker"]), kind, values[0] if values else ""))
    return tuple(fields)


def _title(product: Any, fallback: str) -> str:
    """A product's title for the cart tables: one without | or quotes, else the fallback."""
    infos = product.get("localizeInfos") if isinstance(product, Mapping) else None
    if isinstance(infos, Mapping) and not isinstance(infos.get("title"), str):
        infos = next((v for v in infos.values() if isinstance(v, Mapping)), None)
    title = infos.get("title") if isinstance(infos, Mapping) else None
    if isinstance(title, str) and title.strip() and not any(c in title for c in '|"#\n'):
        return title.strip()
    return fallback
