"""The harness configuration: one TOML file, validated, with environment lookups for secrets.

The file is `oneentry-contracts.toml` at the project root (or `[tool.oneentry-contracts]` in
`pyproject.toml`). It names things, never secrets: the environment variables that hold the
project URL, the app token and the users' credentials; the markers and product ids the feature
files refer to; the language. Every problem is a `ConfigError` naming the file, the key and the
fix.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from oneentry_contracts.errors import ConfigError

__all__ = [
    "CONFIG_FILE",
    "Config",
    "Credentials",
    "LiveSettings",
    "UserRole",
    "UserSettings",
    "load_config",
]

CONFIG_FILE = "oneentry-contracts.toml"
UserRole = Literal["guest", "registered"]
_ROLES: tuple[UserRole, ...] = ("guest", "registered")


@dataclass(frozen=True, slots=True)
class UserSettings:
    """Where a user's credentials come from, and what cassettes say instead of them."""

    email_env: str
    password_env: str
    placeholder_email: str
    placeholder_password: str


@dataclass(frozen=True, slots=True)
class Credentials:
    """A login: the values sent in `authData`."""

    email: str
    password: str


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the scenarios need to know about the project, except secrets."""

    source: str = "defaults"
    url_env: str = "ONEENTRY_PROJECT_URL"
    app_token_env: str = "ONEENTRY_APP_TOKEN"
    lang_code: str = "en_US"
    host_placeholder: str = "https://project.oneentry.test"
    auth_provider: str = "email"
    login_marker: str = "email_reg"
    password_marker: str = "password_reg"
    users: Mapping[UserRole, UserSettings] = field(
        default_factory=lambda: {
            "guest": UserSettings(
                "ONEENTRY_GUEST_EMAIL",
                "ONEENTRY_GUEST_PASSWORD",
                "guest-user@example.test",
                "guest-password-placeholder",
            ),
            "registered": UserSettings(
                "ONEENTRY_USER_EMAIL",
                "ONEENTRY_USER_PASSWORD",
                "registered-user@example.test",
                "registered-password-placeholder",
            ),
        }
    )
    markers: Mapping[str, str] = field(default_factory=dict)
    catalog: Mapping[str, int] = field(default_factory=dict)
    strict: bool = False
    timeout: float = 10.0
    retry_attempts: int = 4
    retry_backoff: float = 0.5
    retry_max_delay: float = 8.0

    def marker(self, name: str) -> str:
        """The project's marker for a name used in a feature file (the name itself by default)."""
        return self.markers.get(name, name)

    def product_id(self, cell: str, *, where: str = "the cart table") -> int:
        """A product id from a data-table cell: an integer id or a name from `[catalog]`."""
        text = cell.strip()
        if text.isdigit():
            return int(text)
        if text in self.catalog:
            return self.catalog[text]
        known = ", ".join(sorted(self.catalog)) or "(none configured)"
        raise ConfigError(
            f"{where}: product {text!r} is neither a product id (a whole number) nor a name "
            f"from [catalog] in {self.source}.\nHow to fix: write the numeric product id, or one "
            f"of: {known}; or add '{text}' = <id> under [catalog].",
            source=self.source,
            key="catalog",
        )

    def placeholder_credentials(self, role: UserRole) -> Credentials:
        """What a cassette holds instead of the user's real login (used in replay)."""
        user = self.users[role]
        return Credentials(user.placeholder_email, user.placeholder_password)


@dataclass(frozen=True, slots=True)
class LiveSettings:
    """The secrets for talking to a real project, read from the environment."""

    project_url: str
    app_token: str
    credentials: Mapping[UserRole, Credentials]

    @classmethod
    def from_env(cls, config: Config, env: Mapping[str, str] | None = None) -> LiveSettings:
        """Read every variable the config names; a missing one is a one-line ConfigError."""
        values = os.environ if env is None else env

        def need(name: str) -> str:
            value = values.get(name, "").strip()
            if not value:
                raise ConfigError(
                    f"{name} is missing; set it to record against your project, "
                    "or run without --project to use the sandbox.",
                    key=name,
                )
            return value

        url = need(config.url_env).rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise ConfigError(
                f"{config.url_env} must be a URL such as https://your-project.oneentry.cloud",
                key=config.url_env,
            )
        creds = {
            role: Credentials(need(u.email_env), need(u.password_env))
            for role, u in config.users.items()
        }
        return cls(url, need(config.app_token_env), creds)


# ---------------------------------------------------------------------------------------------
# Loading

_TOP = {"project", "auth", "users", "markers", "catalog", "recording"}
_SECTIONS: dict[str, dict[str, type]] = {
    "project": {"url_env": str, "app_token_env": str, "lang_code": str, "host_placeholder": str},
    "auth": {"provider": str, "login_marker": str, "password_marker": str},
    "recording": {
        "strict": bool,
        "timeout": float,
        "retry_attempts": int,
        "retry_backoff": float,
        "retry_max_delay": float,
    },
}
_FLAT = {
    ("project", "url_env"): "url_env",
    ("project", "app_token_env"): "app_token_env",
    ("project", "lang_code"): "lang_code",
    ("project", "host_placeholder"): "host_placeholder",
    ("auth", "provider"): "auth_provider",
    ("auth", "login_marker"): "login_marker",
    ("auth", "password_marker"): "password_marker",
    ("recording", "strict"): "strict",
    ("recording", "timeout"): "timeout",
    ("recording", "retry_attempts"): "retry_attempts",
    ("recording", "retry_backoff"): "retry_backoff",
    ("recording", "retry_max_delay"): "retry_max_delay",
}
_USER_KEYS = {"email_env", "password_env", "placeholder_email", "placeholder_password"}


def _type_name(kind: type) -> str:
    return {str: "a string", bool: "true or false", float: "a number", int: "a whole number"}[kind]


def _fail(source: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{source}: [{key}] {problem}", source=source, key=key)


def _table(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(source, key, f"must be a table, got {type(value).__name__}")
    return value


def _check_keys(source: str, key: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for name in table:
        if name not in allowed:
            raise _fail(
                source,
                f"{key}.{name}" if key else name,
                f"is not a known key; known keys here: {', '.join(sorted(allowed))}",
            )


def _from_mapping(data: Mapping[str, Any], source: str) -> Config:
    _check_keys(source, "", data, _TOP)
    values: dict[str, Any] = {"source": source}
    for section, fields in _SECTIONS.items():
        table = _table(source, section, data.get(section, {}))
        _check_keys(source, section, table, set(fields))
        for name, value in table.items():
            kind = fields[name]
            ok = isinstance(value, kind) or (kind is float and type(value) is int)
            if not ok or (kind is not bool and isinstance(value, bool)):
                raise _fail(
                    source, f"{section}.{name}", f"must be {_type_name(kind)}, got {value!r}"
                )
            values[_FLAT[(section, name)]] = float(value) if kind is float else value
    defaults = Config()
    users = dict(defaults.users)
    for role, raw in _table(source, "users", data.get("users", {})).items():
        if role not in _ROLES:
            raise _fail(source, f"users.{role}", "is not a user role; use 'guest' or 'registered'")
        table = _table(source, f"users.{role}", raw)
        _check_keys(source, f"users.{role}", table, _USER_KEYS)
        for name, value in table.items():
            if not isinstance(value, str) or not value:
                raise _fail(source, f"users.{role}.{name}", "must be a non-empty string")
        base = users[role]
        users[role] = UserSettings(
            table.get("email_env", base.email_env),
            table.get("password_env", base.password_env),
            table.get("placeholder_email", base.placeholder_email),
            table.get("placeholder_password", base.placeholder_password),
        )
    values["users"] = users
    markers = _table(source, "markers", data.get("markers", {}))
    for name, value in markers.items():
        if not isinstance(value, str) or not value:
            raise _fail(source, f"markers.{name}", f"must be a non-empty string, got {value!r}")
    catalog = _table(source, "catalog", data.get("catalog", {}))
    for name, value in catalog.items():
        if type(value) is not int or value < 1:
            raise _fail(source, f"catalog.{name}", f"must be a positive product id, got {value!r}")
    values["markers"] = dict(markers)
    values["catalog"] = dict(catalog)
    if values.get("timeout", 1.0) <= 0:
        raise _fail(source, "recording.timeout", "must be a positive number of seconds")
    if not 1 <= values.get("retry_attempts", 1) <= 10:
        raise _fail(
            source, "recording.retry_attempts", "must be 1 (no retries) to 10 attempts per request"
        )
    for key in ("retry_backoff", "retry_max_delay"):
        if values.get(key, 0.0) < 0:
            raise _fail(source, f"recording.{key}", "must be zero or a positive number of seconds")
    return Config(**values)


def load_config(root: Path) -> Config:
    """Read `oneentry-contracts.toml` (or pyproject's `[tool.oneentry-contracts]`) under root."""
    path = root / CONFIG_FILE
    if path.is_file():
        data = _read_toml(path)
        return _from_mapping(data, str(path.name))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {}).get("oneentry-contracts")
        if tool is not None:
            return _from_mapping(
                _table("pyproject.toml", "tool.oneentry-contracts", tool),
                "pyproject.toml [tool.oneentry-contracts]",
            )
    return Config()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path.name}: not valid TOML: {exc}.\nHow to fix: correct the syntax at that line.",
            source=str(path),
        ) from None
