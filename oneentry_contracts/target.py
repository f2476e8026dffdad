"""Where a run sends its requests: base URL, app token, users, and a reset between scenarios."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from oneentry_contracts.config import Credentials, UserRole

__all__ = ["Target"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a run sends its requests, with which credentials, and what must be scrubbed."""

    base_url: str
    app_token: str
    credentials: Mapping[UserRole, Credentials]
    reset: Callable[[], None] | None = field(default=None, compare=False)
