"""The live, in-memory state of one sandbox: users, logins, orders, sessions, refunds, prices.

Records are frozen values; a change replaces the record in its table. Every read-modify-write
goes through `with state.lock:` (an `RLock`), so concurrent requests (uvicorn's event loop,
Starlette's thread pool, or test threads poking `state` directly) never lose or duplicate
an order or a session. `reset()` restores the state the project file describes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from oneentry_sandbox.clock import Clock, UuidSource
from oneentry_sandbox.config import ProjectConfig
from oneentry_sandbox.faults import FaultBook

__all__ = [
    "AuthSession",
    "Order",
    "OrderLine",
    "PaymentSession",
    "Refund",
    "SandboxState",
    "UserRecord",
]


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    provider: str
    login: str
    password: str
    form_data: tuple[Mapping[str, object], ...]
    email: str
    phone_sms: str | None
    created: datetime


@dataclass(frozen=True, slots=True)
class AuthSession:
    """One login: its current refresh token and the device fingerprint it is bound to."""

    id: int
    user_id: int
    provider: str
    refresh_token: str
    refresh_expires: datetime
    fingerprint: str | None
    alive: bool = True


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: int
    title: str
    price: Decimal
    quantity: int
    signed_price: str | None


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    storage: str
    user_id: int
    form_identifier: str
    account: str
    form_data: tuple[object, ...]
    lines: tuple[OrderLine, ...]
    status: str
    created: datetime
    # What the gateway reported: None for a custom (cash) account (never tracked), False for an
    # unpaid stripe order, True once a session completed (FIDELITY.md O7-O9).
    paid: bool | None = None
    guest_id: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class PaymentSession:
    id: int
    order_id: int
    user_id: int
    type: str
    status: str
    account_id: int
    payment_url: str | None
    amount: Decimal
    created: datetime
    updated: datetime
    client_secret: str | None = None


@dataclass(frozen=True, slots=True)
class Refund:
    id: int
    order_id: int
    storage_id: int
    user_id: int
    status: str
    amount: Decimal
    note: str
    products: Mapping[str, int]
    created: datetime


class SandboxState:
    """All mutable data of a running sandbox, plus its clock, uuid source and fault book."""

    def __init__(self, project: ProjectConfig, *, deterministic: bool) -> None:
        self.project = project
        self.deterministic = deterministic
        settings = project.deterministic
        self.clock = Clock(
            deterministic=deterministic, start=settings.start, step_ms=settings.step_ms
        )
        self.uuids = UuidSource(deterministic=deterministic, seed=settings.seed)
        self.faults = FaultBook(project.faults)
        self.lock = threading.RLock()
        self.users: dict[int, UserRecord] = {}
        self.logins: dict[int, AuthSession] = {}
        self.access_tokens: dict[str, int] = {}  # access token -> login id
        self.orders: dict[int, Order] = {}
        self.sessions: dict[int, PaymentSession] = {}
        self.refunds: dict[int, Refund] = {}
        self.prices: dict[int, Decimal] = {}
        self.guests: dict[str, int] = {}  # x-guest-id -> the negative owner id of its orders
        self._next: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the project file's initial state (clock, ids, faults included)."""
        with self.lock:
            self.clock.reset()
            self.uuids.reset()
            self.faults.reset()
            start = self.clock.now()
            self.users = {
                u.id: UserRecord(
                    u.id, u.provider, u.login, u.password, u.form_data, u.login, None, start
                )
                for u in self.project.users
            }
            self.logins.clear()
            self.access_tokens.clear()
            self.orders.clear()
            self.sessions.clear()
            self.refunds.clear()
            self.guests.clear()
            self.prices = {p.id: p.price for p in self.project.products}
            seq = self.project.sequences
            first_user = seq.user if seq.user is not None else max(self.users, default=0) + 1
            self._next = {
                "order": seq.order,
                "session": seq.session,
                "refund": seq.refund,
                "user": first_user,
                "login": 1,
            }

    def guest_owner(self, guest_id: str) -> int:
        """The owner id of a guest's orders and sessions: negative, so no user has it."""
        with self.lock:
            return self.guests.setdefault(guest_id, -(len(self.guests) + 1))

    def next_id(self, kind: str) -> int:
        with self.lock:
            value = self._next[kind]
            self._next[kind] = value + 1
            return value

    def summary(self) -> dict[str, object]:
        with self.lock:
            return {
                "users": len(self.users),
                "logins": sum(1 for s in self.logins.values() if s.alive),
                "orders": len(self.orders),
                "sessions": len(self.sessions),
                "refunds": len(self.refunds),
                "now": self.clock.now().isoformat(),
                "deterministic": self.deterministic,
                "faults": [rule.as_json() for rule in self.faults.rules()],
                "prices": {str(k): float(v) for k, v in self.prices.items()},
            }
