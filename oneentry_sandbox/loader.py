"""Load and validate a project file (YAML or JSON) into a `ProjectConfig`.

Every problem raises `ConfigError(file, key_path, problem)`, e.g.
`project.yaml: storages[1].form: unknown form 'ordr' (known: guest_order, order, reg)`.
Unknown keys, wrong types and dangling references (a storage naming an unknown form or
payment account, a user naming an unknown provider) are all refused. The documented key
list is `default_project.yaml`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import cast

import yaml

from oneentry_sandbox.clock import LATEST, iso
from oneentry_sandbox.config import (
    ATTRIBUTE_TYPES,
    MAX_PRICE,
    AccountType,
    Attribute,
    AuthProvider,
    Behaviour,
    DeterministicSettings,
    Form,
    FormType,
    ListOption,
    PaymentAccount,
    Product,
    ProjectConfig,
    Sequences,
    Status,
    Storage,
    User,
)
from oneentry_sandbox.errors import ConfigError
from oneentry_sandbox.faults import FaultRule, RuleError, parse_rule
from oneentry_sandbox.nodes import Node as _Node
from oneentry_sandbox.nodes import check_text as _check_text
from oneentry_sandbox.nodes import kind_of as _kind
from oneentry_sandbox.nodes import shown as _shown

__all__ = ["default_project", "load_project", "parse_project"]

_FORM_TYPES = ("order", "sing_in_up", "collection", "data", "rating")
_TTL_MAX = {"accessTokenTtlSec": 10 * 365 * 86_400, "refreshTokenTtlMc": 10 * 365 * 86_400_000}


def _attribute(node: _Node) -> Attribute:
    kind = node.choice("type", ATTRIBUTE_TYPES)
    options = tuple(_option(o) for o in node.nodes("options", optional=True))
    attr = Attribute(
        marker=node.text("marker"),
        type=kind,
        title=node.text("title", node.data.get("marker", "")),
        position=node.integer("position", 1),
        required=node.flag("required", False),
        string_min=node.integer("string_min", 0),
        string_max=node.integer("string_max", 0),
        string_length=node.integer("string_length", 0),
        email=node.flag("email", False),
        options=options,
        is_login=node.typed("is_login", (bool, type(None)), None),
        is_password=node.typed("is_password", (bool, type(None)), None),
        is_sign_up=node.typed("is_sign_up", (bool, type(None)), None),
        is_notification_email=node.typed("is_notification_email", (bool, type(None)), None),
        is_visible=node.flag("is_visible", True),
    )
    node.done()
    return attr


def _option(node: _Node) -> ListOption:
    option = ListOption(title=node.text("title"), value=node.typed("value", (str, int)))
    node.done()
    return option


def _form(node: _Node) -> Form:
    attributes = []
    for child in node.nodes("attributes", optional=True):
        attributes.append(_attribute(child))
    form = Form(
        id=node.integer("id"),
        identifier=node.text("identifier"),
        type=cast("FormType", node.choice("type", _FORM_TYPES)),
        title=node.text("title", node.data.get("identifier", "")),
        position=node.integer("position", 1),
        attributes=tuple(attributes),
        processing_type=node.text("processing_type", "db"),
        attribute_set_id=node.typed("attribute_set_id", (int, type(None)), None),
    )
    node.done()
    return form


def _provider(node: _Node) -> AuthProvider:
    raw_config = node.child("config", optional=True)
    wire: dict[str, str | None] = {}
    for key, value in raw_config.data.items():
        raw_config.allowed.add(key)
        if value is not None and not isinstance(value, str):
            raise raw_config.fail(key, f"expected a string or null, got {_kind(value)} {value!r}")
        if key in _TTL_MAX and not (
            isinstance(value, str)
            and value.isascii()
            and value.isdigit()
            and len(value) <= 20
            and 0 < int(value) <= _TTL_MAX[key]
        ):
            raise raw_config.fail(
                key, f"expected a string of digits from 1 to {_TTL_MAX[key]}, got {_shown(value)}"
            )
        if isinstance(value, str):
            _check_text(raw_config, key, value)
        wire[key] = value
    provider = AuthProvider(
        id=node.integer("id"),
        identifier=node.text("identifier"),
        type=node.text("type", "email"),
        form=node.text("form"),
        user_group=node.text("user_group", "guest"),
        title=node.text("title", node.data.get("identifier", "")),
        config=wire,
        is_active=node.flag("is_active", True),
        is_check_code=node.flag("is_check_code", False),
    )
    node.done()
    return provider


def _user(node: _Node) -> User:
    form_data = []
    for path, item in node.items("form_data", optional=True):
        if not isinstance(item, Mapping):
            raise ConfigError(node.file, path, f"expected a mapping, got {_kind(item)}")
        form_data.append(dict(item))
    user = User(
        id=node.integer("id"),
        provider=node.text("provider"),
        login=node.text("login"),
        password=node.text("password"),
        form_data=tuple(form_data),
    )
    node.done()
    return user


def _status(node: _Node) -> Status:
    status = Status(
        id=node.integer("id"),
        identifier=node.text("identifier"),
        title=node.text("title", node.data.get("identifier", "")),
        position=node.integer("position", 1),
        is_default=node.flag("is_default", False),
        is_completed=node.flag("is_completed", False),
    )
    node.done()
    return status


def _storage(node: _Node) -> Storage:
    accounts = []
    for path, item in node.items("payment_accounts"):
        if not isinstance(item, str):
            raise ConfigError(node.file, path, f"expected a string, got {_kind(item)}")
        accounts.append(item)
    statuses = tuple(_status(child) for child in node.nodes("statuses"))
    if not statuses:
        raise node.fail("statuses", "needs at least one status")
    if sum(s.is_default for s in statuses) > 1:
        raise node.fail("statuses", "more than one status has is_default: true")
    storage = Storage(
        id=node.integer("id"),
        identifier=node.text("identifier"),
        title=node.text("title", node.data.get("identifier", "")),
        form=node.text("form"),
        payment_accounts=tuple(accounts),
        statuses=statuses,
        position=node.integer("position", 1),
        general_type_id=node.typed("general_type_id", (int, type(None)), None),
        allow_empty_products=node.flag("allow_empty_products", False),
        allow_guests=node.flag("allow_guests", False),
        payment_statuses=_payment_statuses(node, statuses),
    )
    node.done()
    return storage


SESSION_STATUSES = ("waiting", "completed", "canceled", "expired")


def _payment_statuses(node: _Node, statuses: tuple[Status, ...]) -> dict[str, str]:
    raw = node.typed("payment_statuses", dict, {})
    known = {s.identifier for s in statuses}
    mapping: dict[str, str] = {}
    for key, value in raw.items():
        if key not in SESSION_STATUSES:
            raise node.fail(
                f"payment_statuses.{key}",
                f"unknown session status (known: {', '.join(SESSION_STATUSES)})",
            )
        if not isinstance(value, str) or value not in known:
            raise node.fail(
                f"payment_statuses.{key}",
                f"expected a status identifier of this storage (known: {', '.join(sorted(known))})",
            )
        mapping[key] = value
    return mapping


def _account(node: _Node) -> PaymentAccount:
    account = PaymentAccount(
        id=node.integer("id"),
        identifier=node.text("identifier"),
        type=cast("AccountType", node.choice("type", ("stripe", "custom"))),
        title=node.text("title", node.data.get("identifier", "")),
        test_mode=node.flag("test_mode", True),
        is_visible=node.flag("is_visible", True),
        connected=node.flag("connected", True),
    )
    node.done()
    return account


def _product(node: _Node) -> Product:
    raw_price = node.typed("price", (int, float, str))
    try:
        price = Decimal(str(raw_price))
    except InvalidOperation:
        raise node.fail("price", f"expected a number, got {raw_price!r}") from None
    if not price.is_finite() or not 0 <= price <= MAX_PRICE:
        raise node.fail("price", f"expected a number from 0 to {MAX_PRICE}, got {raw_price!r}")
    categories = node.typed("categories", list, [])
    product = Product(
        id=node.integer("id"),
        title=node.text("title"),
        price=price,
        status_identifier=node.typed("status_identifier", (str, type(None)), "sale"),
        sku=node.typed("sku", (str, type(None)), None),
        categories=tuple(str(c) for c in categories),
    )
    node.done()
    return product


def _faults(node: _Node) -> tuple[FaultRule, ...]:
    rules = []
    for path, item in node.items("faults", optional=True):
        try:
            rules.append(parse_rule(item))
        except RuleError as exc:
            raise ConfigError(node.file, f"{path}.{exc.key}", exc.problem) from None
    return tuple(rules)


def _unique(file: str, section: str, values: Sequence[tuple[str, object]]) -> None:
    seen: set[object] = set()
    for index, (key, value) in enumerate(values):
        if value in seen:
            raise ConfigError(file, f"{section}[{index}].{key}", f"duplicate value {value!r}")
        seen.add(value)


def _check_references(file: str, project: ProjectConfig) -> None:
    forms = {f.identifier for f in project.forms}
    accounts = {a.identifier for a in project.accounts}
    providers = {p.identifier for p in project.providers}

    def known(names: set[str]) -> str:
        return ", ".join(sorted(names)) or "none"

    for i, provider in enumerate(project.providers):
        if provider.form not in forms:
            raise ConfigError(
                file,
                f"auth_providers[{i}].form",
                f"unknown form {provider.form!r} (known: {known(forms)})",
            )
    for i, user in enumerate(project.users):
        if user.provider not in providers:
            raise ConfigError(
                file,
                f"users[{i}].provider",
                f"unknown provider {user.provider!r} (known: {known(providers)})",
            )
    for i, storage in enumerate(project.storages):
        if storage.form not in forms:
            raise ConfigError(
                file,
                f"storages[{i}].form",
                f"unknown form {storage.form!r} (known: {known(forms)})",
            )
        for j, account in enumerate(storage.payment_accounts):
            if account not in accounts:
                raise ConfigError(
                    file,
                    f"storages[{i}].payment_accounts[{j}]",
                    f"unknown payment account {account!r} (known: {known(accounts)})",
                )
    for section, items in (
        ("forms", [("identifier", f.identifier) for f in project.forms]),
        ("storages", [("identifier", s.identifier) for s in project.storages]),
        ("storages", [("id", s.id) for s in project.storages]),
        ("payment_accounts", [("identifier", a.identifier) for a in project.accounts]),
        ("payment_accounts", [("id", a.id) for a in project.accounts]),
        ("products", [("id", p.id) for p in project.products]),
        ("users", [("id", u.id) for u in project.users]),
        ("users", [("login", (u.provider, u.login)) for u in project.users]),
    ):
        _unique(file, section, items)


def _start(node: _Node, default: str) -> str:
    raw = node.raw("start", default)
    if isinstance(raw, datetime) and raw.tzinfo is not None:
        raw = iso(raw)  # an unquoted YAML timestamp with a zone is as good as the string
    example = "an ISO 8601 instant with a zone, like '2025-04-30T20:15:29.254Z'"
    if not isinstance(raw, str):
        raise node.fail("start", f"expected {example}, got {_kind(raw)} {_shown(raw)}")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise node.fail("start", f"expected {example}, got {_shown(raw)}") from None
    if moment.tzinfo is None:
        raise node.fail("start", f"expected {example} (the zone is missing), got {raw!r}")
    if not datetime(1970, 1, 1, tzinfo=UTC) <= moment < LATEST.replace(year=8000):
        raise node.fail("start", f"expected an instant from 1970 to 7999, got {raw!r}")
    return raw


def _deterministic(node: _Node) -> DeterministicSettings:
    defaults = DeterministicSettings()
    settings = DeterministicSettings(
        start=_start(node, defaults.start),
        step_ms=node.integer("step_ms", defaults.step_ms),
        seed=node.text("seed", defaults.seed),
    )
    if not 0 <= settings.step_ms <= 86_400_000:
        raise node.fail("step_ms", f"expected 0..86400000 (one day), got {settings.step_ms}")
    node.done()
    return settings


def parse_project(data: object, file: str = "<memory>") -> ProjectConfig:
    """Validate already-parsed YAML/JSON data; `file` only labels error messages."""
    top = _Node(file, "", data)
    sequences_node = top.child("sequences", optional=True)
    sequences = Sequences(
        order=sequences_node.integer("order", 90),
        session=sequences_node.integer("session", 47),
        refund=sequences_node.integer("refund", 1),
        user=sequences_node.typed("user", (int, type(None)), None),
    )
    sequences_node.done()
    deterministic = _deterministic(top.child("deterministic", optional=True))
    beh_node = top.child("behaviour", optional=True)
    behaviour = Behaviour(
        require_device_metadata=beh_node.flag("require_device_metadata", True),
        bind_refresh_to_device=beh_node.flag("bind_refresh_to_device", True),
    )
    beh_node.done()
    project = ProjectConfig(
        name=top.text("name", "oneentry-sandbox"),
        currency=top.text("currency", "USD"),
        secret=top.text("secret"),
        signed_price_ttl_sec=top.typed("signed_price_ttl_sec", (int, type(None)), None),
        providers=tuple(_provider(n) for n in top.nodes("auth_providers")),
        users=tuple(_user(n) for n in top.nodes("users", optional=True)),
        forms=tuple(_form(n) for n in top.nodes("forms")),
        storages=tuple(_storage(n) for n in top.nodes("storages")),
        accounts=tuple(_account(n) for n in top.nodes("payment_accounts")),
        products=tuple(_product(n) for n in top.nodes("products", optional=True)),
        sequences=sequences,
        deterministic=deterministic,
        behaviour=behaviour,
        faults=_faults(top),
        source=file,
    )
    top.done()
    _check_references(file, project)
    return project


def load_project(path: str | Path) -> ProjectConfig:
    """Read a `.yaml`/`.yml`/`.json` project file; any problem is a `ConfigError`."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(file, "<file>", f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            file,
            "<file>",
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
        ) from None
    try:
        data = json.loads(text) if file.endswith(".json") else yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: JSON, or an int too long
        problem = " ".join(str(exc).split())
        raise ConfigError(file, "<syntax>", f"not valid YAML/JSON: {problem}") from None
    except RecursionError:
        raise ConfigError(file, "<syntax>", "nested too deeply to read") from None
    return parse_project(data, file)


def default_project() -> ProjectConfig:
    """The bundled project reproducing the seeds (see `default_project.yaml`)."""
    resource = resources.files("oneentry_sandbox").joinpath("default_project.yaml")
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_project(data, "default_project.yaml")
