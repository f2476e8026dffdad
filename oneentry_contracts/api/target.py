"""Where a run sends its requests: base URL, app token, users, and a reset between scenarios."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from oneentry_contracts.config.settings import Credentials, UserRole
from oneentry_contracts.errors import ConfigError

__all__ = ["Logins", "Target"]


@dataclass(frozen=True, slots=True)
class Logins(Mapping[UserRole, Credentials]):
    """The users a run can sign in as, by role. Roles are optional: asking for one the target
    has none of is a `ConfigError` that says how to add it (`missing`)."""

    by_role: Mapping[UserRole, Credentials]
    missing: str = "set the role's user in oneentry-contracts.toml ([users.<role>])"

    def __getitem__(self, role: UserRole) -> Credentials:
        if role in self.by_role:
            return self.by_role[role]
        known = ", ".join(sorted(self.by_role)) or "none"
        raise ConfigError(
            f"this run has no {role} user (it has: {known}).\nHow to fix: {self.missing}; or "
            f"leave out the scenarios that sign in as the {role} user (-m 'not {role}').",
            key=f"users.{role}",
        )

    def __iter__(self) -> Iterator[UserRole]:
        return iter(self.by_role)

    def __len__(self) -> int:
        return len(self.by_role)

    def __repr__(self) -> str:  # never the passwords, nor the logins
        return f"Logins({', '.join(sorted(self.by_role))})"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a run sends its requests, with which credentials, and what must be scrubbed."""

    base_url: str = field(repr=False)  # the project's host is a secret too
    app_token: str = field(repr=False)
    credentials: Mapping[UserRole, Credentials] = field(repr=False)
    reset: Callable[[], None] | None = field(default=None, compare=False)
