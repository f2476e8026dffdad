"""The project model: everything a sandbox project is made of, as frozen values.

A `ProjectConfig` is built by `oneentry_sandbox.loader.load_project` from one YAML (or JSON)
file; `default_project()` loads the bundled `default_project.yaml`, which reproduces the
project of the guest- and registered-purchase seeds. Nothing here changes at runtime: the
mutable part (users who signed up, orders, sessions, current prices) lives in `state.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from oneentry_sandbox.faults import FaultRule

__all__ = [
    "ATTRIBUTE_TYPES",
    "MAX_PRICE",
    "AccountType",
    "Attribute",
    "AuthProvider",
    "Behaviour",
    "DeterministicSettings",
    "Form",
    "FormType",
    "ListOption",
    "PaymentAccount",
    "Product",
    "ProjectConfig",
    "Sequences",
    "Status",
    "Storage",
    "User",
]

MAX_PRICE = Decimal(1_000_000_000)  # the highest product price a file or the control API may set

FormType = Literal["order", "sing_in_up", "collection", "data", "rating"]
AccountType = Literal["stripe", "custom"]
ATTRIBUTE_TYPES: tuple[str, ...] = (
    "string", "text", "textWithHeader", "integer", "real", "float", "dateTime", "date", "time",
    "file", "image", "groupOfImages", "radioButton", "list", "button", "spam", "entity",
    "timeInterval",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListOption:
    """One `listTitles` entry of a list/radioButton attribute."""

    title: str
    value: str | int


@dataclass(frozen=True, slots=True)
class Attribute:
    """One form attribute; its validators drive order and sign-up validation."""

    marker: str
    type: str
    title: str
    position: int
    required: bool = False
    string_min: int = 0
    string_max: int = 0
    string_length: int = 0
    email: bool = False
    options: tuple[ListOption, ...] = ()
    is_login: bool | None = None
    is_password: bool | None = None
    is_sign_up: bool | None = None
    is_notification_email: bool | None = None
    is_visible: bool = True


@dataclass(frozen=True, slots=True)
class Form:
    """A form: the order form of a storage or the sign-in/up form of a provider."""

    id: int
    identifier: str
    type: FormType
    title: str
    position: int
    attributes: tuple[Attribute, ...]
    processing_type: str = "db"
    attribute_set_id: int | None = None

    def attribute(self, marker: str) -> Attribute | None:
        return next((a for a in self.attributes if a.marker == marker), None)


@dataclass(frozen=True, slots=True)
class AuthProvider:
    """An auth provider; `config` is the wire map of strings (`accessTokenTtlSec`, ...)."""

    id: int
    identifier: str
    type: str
    form: str
    user_group: str
    title: str
    config: Mapping[str, str | None]
    is_active: bool = True
    is_check_code: bool = False

    @property
    def access_ttl_sec(self) -> int:
        return int(self.config.get("accessTokenTtlSec") or 36000)

    @property
    def refresh_ttl_ms(self) -> int:
        return int(self.config.get("refreshTokenTtlMc") or 604_800_000)


@dataclass(frozen=True, slots=True)
class User:
    """A user known at start-up; signed-up users are added to the state, not here."""

    id: int
    provider: str
    login: str
    password: str
    form_data: tuple[Mapping[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class Status:
    """An order status of one storage."""

    id: int
    identifier: str
    title: str
    position: int
    is_default: bool = False
    is_completed: bool = False


@dataclass(frozen=True, slots=True)
class Storage:
    """An order storage: its form, allowed payment accounts and statuses."""

    id: int
    identifier: str
    title: str
    form: str
    payment_accounts: tuple[str, ...]
    statuses: tuple[Status, ...]
    position: int = 1
    general_type_id: int | None = None
    allow_empty_products: bool = False
    allow_guests: bool = False  # guests (x-guest-id, no Bearer) may order here (FIDELITY.md G*)
    # payment session status -> order status identifier, as the gateway's webhook applies it
    payment_statuses: Mapping[str, str] = field(default_factory=dict)

    @property
    def default_status(self) -> Status:
        return next((s for s in self.statuses if s.is_default), self.statuses[0])

    def status(self, identifier: str) -> Status | None:
        return next((s for s in self.statuses if s.identifier == identifier), None)


@dataclass(frozen=True, slots=True)
class PaymentAccount:
    """A payment account; `stripe` accounts get a (fake) checkout URL per session."""

    id: int
    identifier: str
    type: AccountType
    title: str
    test_mode: bool = True
    is_visible: bool = True
    connected: bool = True  # provider linked in the admin panel (settings.status)


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue product with its start price."""

    id: int
    title: str
    price: Decimal
    status_identifier: str | None = "sale"
    sku: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sequences:
    """First ids handed out for things created at runtime."""

    order: int = 90
    session: int = 47
    refund: int = 1
    user: int | None = None  # None: one above the highest configured user id


@dataclass(frozen=True, slots=True)
class DeterministicSettings:
    """Clock and id settings used when the sandbox runs deterministically."""

    start: str = "2025-04-30T20:15:29.254Z"
    step_ms: int = 1000
    seed: str = "oneentry-sandbox"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Switches for behaviours the evidence shows but a test may turn off (FIDELITY.md)."""

    require_device_metadata: bool = True
    bind_refresh_to_device: bool = True


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """A whole sandbox project."""

    name: str
    currency: str
    secret: str
    signed_price_ttl_sec: int | None
    providers: tuple[AuthProvider, ...]
    users: tuple[User, ...]
    forms: tuple[Form, ...]
    storages: tuple[Storage, ...]
    accounts: tuple[PaymentAccount, ...]
    products: tuple[Product, ...]
    sequences: Sequences = field(default_factory=Sequences)
    deterministic: DeterministicSettings = field(default_factory=DeterministicSettings)
    behaviour: Behaviour = field(default_factory=Behaviour)
    faults: tuple[FaultRule, ...] = ()
    source: str = "<memory>"

    def provider(self, identifier: str) -> AuthProvider | None:
        return next((p for p in self.providers if p.identifier == identifier), None)

    def form(self, identifier: str) -> Form | None:
        return next((f for f in self.forms if f.identifier == identifier), None)

    def storage(self, identifier: str) -> Storage | None:
        return next((s for s in self.storages if s.identifier == identifier), None)

    def storage_by_id(self, storage_id: int) -> Storage | None:
        return next((s for s in self.storages if s.id == storage_id), None)

    def account(self, identifier: str) -> PaymentAccount | None:
        return next((a for a in self.accounts if a.identifier == identifier), None)

    def account_by_id(self, account_id: int) -> PaymentAccount | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def product(self, product_id: int) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)
