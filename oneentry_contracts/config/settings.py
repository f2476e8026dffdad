"""The harness configuration: one TOML file, validated, merged with the environment and the CLI.

The file is `oneentry-contracts.toml` at the project root (or `[tool.oneentry-contracts]` in
`pyproject.toml`). It names things, never secrets: the environment variables that hold the
project URL, the app token and the users' credentials; the markers and product ids the feature
files refer to; the language, the faker seed, strictness, the timeout and what else to scrub.

Every setting is a `Key` of `KEYS`. `resolve` is the one place where precedence is decided:
command line > environment (`ONEENTRY_CONTRACTS_<SECTION>_<KEY>`) > file > default, as
pydantic-settings and CI tools order them: a CI job's variable overrides the committed file.
It returns a frozen `Settings`: the `Config` and, for every key, its value and where it came
from. Every problem is a `ConfigError` naming the file (or variable, or option), the key path,
the expected type and, for a typo, the closest known key.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from oneentry_contracts.errors import ConfigError

__all__ = [
    "CONFIG_FILE",
    "ENV_PREFIX",
    "KEYS",
    "Config",
    "Credentials",
    "Key",
    "LiveSettings",
    "Settings",
    "UserRole",
    "UserSettings",
    "load_config",
    "normalised_project_url",
    "project_url_problem",
    "resolve",
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
    sandbox_login: str = ""


@dataclass(frozen=True, slots=True)
class Credentials:
    """A login: the values sent in `authData`. Its repr shows neither (pytest prints fixture
    values, and the e-mail of a real customer is as secret as the password)."""

    email: str
    password: str

    def __repr__(self) -> str:
        return "Credentials(email=<hidden>, password=<hidden>)"


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
                "guest@onnentry.cloud",
            ),
            "registered": UserSettings(
                "ONEENTRY_USER_EMAIL",
                "ONEENTRY_USER_PASSWORD",
                "registered-user@example.test",
                "registered-password-placeholder",
                "your-user@email.com",
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
    faker_seed: int | None = None
    scrub_values: tuple[str, ...] = field(default=(), repr=False)
    scrub_env: tuple[str, ...] = ()
    scrub_patterns: tuple[str, ...] = ()
    scrub_keys: tuple[str, ...] = ()
    sandbox_project: str = ""
    sandbox_app_token: str = "sandbox-app-token"

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

    project_url: str = field(repr=False)
    app_token: str = field(repr=False)
    credentials: Mapping[UserRole, Credentials] = field(repr=False)

    @classmethod
    def from_env(cls, config: Config, env: Mapping[str, str] | None = None) -> LiveSettings:
        """Read the project's URL and app token, and the users of the roles whose variables are
        set (a role is optional: both its variables, or neither); a missing URL or token, or
        half a user, is a one-paragraph ConfigError naming every variable to set."""
        values = os.environ if env is None else env

        def unset(name: str) -> bool:
            return not values.get(name, "").strip()

        names = [config.url_env, config.app_token_env]
        for user in config.users.values():
            pair = (user.email_env, user.password_env)
            if not all(unset(name) for name in pair):
                names += pair  # one of them is set: the role is used, so both are needed
        if missing := [name for name in names if unset(name)]:
            also = f" (and {', '.join(missing[1:])})" if missing[1:] else ""
            raise ConfigError(
                f"{missing[0]} is missing{also}; --project reads your project's URL, app token "
                "and users from these variables: export them (README: 'Re-recording against "
                "your project'), or run without --project to use the sandbox.",
                key=missing[0],
            )

        def need(name: str) -> str:
            return values[name].strip()

        url = normalised_project_url(need(config.url_env))
        if problem := project_url_problem(url):
            raise ConfigError(
                f"{config.url_env} {problem}, so no scenario ran (its value is not shown: it may "
                "hold a secret).\nHow to fix: set it to the project's root URL alone, such as "
                "https://your-project.oneentry.cloud: no user:password@, ?query or #fragment; "
                "the app token goes in "
                f"{config.app_token_env}.",
                key=config.url_env,
            )
        creds = {
            role: Credentials(need(u.email_env), need(u.password_env))
            for role, u in config.users.items()
            if not unset(u.email_env)
        }
        return cls(url, need(config.app_token_env), creds)


def normalised_project_url(url: str) -> str:
    """The project URL as the harness uses it: no trailing slash, the scheme in lower case
    (`HTTPS://Shop.example` is a URL like any other: schemes are case-insensitive)."""
    url = url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep else url


def project_url_problem(url: str, *, api_path: bool = False) -> str | None:
    """What is wrong with a project URL for the harness, or None: every request's path and
    query are added to it, so anything but scheme, host, port and path would be lost or leak.
    With `api_path`, a path ending in /api is a problem too (the `--project` preflight finds
    that one by the API's 404, with its own message)."""
    if not url.startswith(("https://", "http://")):
        return "is not an http(s) URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a URL that can be parsed (a bad port or bracket?)"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password (user:password@host)"
    if not parts.hostname:
        return "has no host"
    if parts.query or url.endswith("?"):
        return "has a ?query, which every request would lose"
    if parts.fragment or "#" in url:
        return "has a #fragment, which every request would lose"
    if api_path and parts.path.rstrip("/").endswith("/api"):
        return "ends in /api, which the harness adds itself (/api/content/...)"
    return None


# ---------------------------------------------------------------------------------------------
# The keys

ENV_PREFIX: Final = "ONEENTRY_CONTRACTS_"
Kind = Literal["string", "text", "boolean", "integer", "number", "list"]
_EXPECTED: Final[dict[Kind, str]] = {
    "string": "a non-empty string",
    "text": "a string (empty: none)",
    "boolean": "true or false",
    "integer": "a whole number >= 0",
    "number": "a number > 0",
    "list": "a list of non-empty strings",
}
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


@dataclass(frozen=True, slots=True)
class Key:
    """One setting: its dotted path in the file, type, default, meaning and `run` option."""

    path: str
    kind: Kind
    default: Any
    meaning: str
    flag: str | None = None  # the dedicated `oneentry-contracts run` option, besides --set
    bounds: tuple[float, float | None] | None = None  # inclusive (low, high) of a number

    @property
    def env(self) -> str:
        """The environment variable that sets it: `ONEENTRY_CONTRACTS_RECORDING_TIMEOUT`."""
        return ENV_PREFIX + re.sub(r"[^A-Z0-9]+", "_", self.path.upper())

    @property
    def section(self) -> str:
        return self.path.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[1]

    @property
    def secret(self) -> bool:
        """Whether its value is masked when shown (the literal values to scrub)."""
        return self.path == "scrub.values"


def _user_keys(role: UserRole, who: str) -> tuple[Key, ...]:
    base = Config().users[role]
    return (
        Key(f"users.{role}.email_env", "string", base.email_env, f"variable holding {who} e-mail"),
        Key(
            f"users.{role}.password_env",
            "string",
            base.password_env,
            f"variable holding {who} password",
        ),
        Key(
            f"users.{role}.placeholder_email",
            "string",
            base.placeholder_email,
            f"what cassettes say instead of {who} e-mail",
        ),
        Key(
            f"users.{role}.placeholder_password",
            "string",
            base.placeholder_password,
            f"what cassettes say instead of {who} password",
        ),
        Key(
            f"users.{role}.sandbox_login",
            "text",
            base.sandbox_login,
            f"{who} login in the sandbox project file (recording and --live against the "
            "sandbox); empty, or a login the file lacks: the sandbox has no such user",
        ),
    )


KEYS: Final[tuple[Key, ...]] = (
    Key("project.url_env", "string", "ONEENTRY_PROJECT_URL", "variable holding the project URL"),
    Key("project.app_token_env", "string", "ONEENTRY_APP_TOKEN", "variable holding the app token"),
    Key(
        "project.lang_code",
        "string",
        "en_US",
        "language of formData and langCode; the faker locale follows it (en_US, ru_RU, ...)",
        "--lang-code",
    ),
    Key(
        "project.host_placeholder",
        "string",
        "https://project.oneentry.test",
        "what cassettes say instead of the project's scheme and host",
    ),
    Key("auth.provider", "string", "email", "marker of the auth provider users sign in through"),
    Key("auth.login_marker", "string", "email_reg", "marker of the login (e-mail) in authData"),
    Key("auth.password_marker", "string", "password_reg", "marker of the password in authData"),
    *_user_keys("guest", "the guest account's"),
    *_user_keys("registered", "the registered customer's"),
    Key(
        "formdata.seed",
        "integer",
        None,
        "mixed into every scenario's faker seed (unset: the scenario id alone); "
        "changing it changes the form data sent, so re-record",
        "--faker-seed",
    ),
    Key(
        "recording.strict",
        "boolean",
        False,
        "fail on response fields no schema declares",
        "--strict",
    ),
    Key("recording.timeout", "number", 10.0, "seconds allowed for every request", "--timeout"),
    Key(
        "recording.retry_attempts",
        "integer",
        4,
        "attempts per request when the connection fails or the API answers 429/502/503/504 "
        "(1: no retries; a non-idempotent call is retried only when it never reached the API)",
        bounds=(1, 10),
    ),
    Key(
        "recording.retry_backoff",
        "number",
        0.5,
        "seconds before the first retry, doubled for each further one",
        bounds=(0, None),
    ),
    Key(
        "recording.retry_max_delay",
        "number",
        8.0,
        "longest wait between two attempts, a Retry-After header included",
        bounds=(0, None),
    ),
    Key(
        "sandbox.project",
        "text",
        "",
        "the sandbox project file (users, forms, storages, products) that recording and "
        "--live start, relative to the project root; empty: the bundled project",
    ),
    Key(
        "sandbox.app_token",
        "string",
        "sandbox-app-token",
        "the app token the sandbox accepts (a test value, not a secret)",
    ),
    Key("scrub.values", "list", [], "literal values replaced by <REDACTED> everywhere"),
    Key(
        "scrub.env",
        "list",
        [],
        "names of variables whose values are replaced by <REDACTED> (for values you cannot commit)",
    ),
    Key("scrub.patterns", "list", [], "regular expressions whose matches become <REDACTED>"),
    Key(
        "scrub.keys",
        "list",
        [],
        "JSON keys whose string values become <REDACTED> (besides password, tokenSecretKey, "
        "clientSecret, secretKey)",
    ),
)
_BY_PATH: Final = {key.path: key for key in KEYS}
_TABLES: Final = ("markers", "catalog")  # name -> value tables, set in the file only
_TOP: Final = ("project", "auth", "users", "formdata", "recording", "sandbox", "scrub", *_TABLES)


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective configuration, with the value and the origin of every key.

    `sources[path]` is `default`, the file (`oneentry-contracts.toml`), `environment NAME` or
    `command line`; `markers` and `catalog` come from the file or are `default` (empty).
    """

    config: Config
    values: Mapping[str, Any]
    sources: Mapping[str, str]
    file: str | None

    def rows(self) -> Iterator[tuple[str, Any, str]]:
        """(key path, value, source) for every key, then every marker and catalog entry."""
        for key in KEYS:
            yield key.path, self.values[key.path], self.sources[key.path]
        for table in _TABLES:
            entries: Mapping[str, Any] = getattr(self.config, table)
            if not entries:
                yield table, {}, self.sources[table]
            for name, value in entries.items():
                yield f"{table}.{name}", value, self.sources[table]


# ---------------------------------------------------------------------------------------------
# Resolving: command line > environment > file > default


def resolve(
    root: Path,
    cli: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """The effective settings under `root`: each key from the command line (`cli`, dotted path
    -> text, as `--set` gives it), else `ONEENTRY_CONTRACTS_*`, else the file, else its default."""
    environ = os.environ if env is None else env
    overrides = dict(cli or {})
    for path in overrides:
        if path not in _BY_PATH:
            raise ConfigError(
                f"command line: --set {path}=...: {_unknown(path, list(_BY_PATH))}"
                + (
                    " [markers] and [catalog] are set in the file only."
                    if path.split(".")[0] in _TABLES
                    else ""
                ),
                source="command line",
                key=path,
            )
    found, markers, catalog, label = _read_file(root)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key in KEYS:
        if key.path in overrides:
            where = "command line"
            values[key.path] = _check(key, _parse(key, overrides[key.path], where), where)
            sources[key.path] = where
        elif environ.get(key.env, "").strip():
            where = f"environment {key.env}"
            values[key.path] = _check(key, _parse(key, environ[key.env], where), where)
            sources[key.path] = where
            if key.path in found:  # still checked: a typo in the file is reported, not hidden
                assert label is not None
                _check(key, found[key.path], label)
        elif key.path in found:
            assert label is not None
            values[key.path] = _check(key, found[key.path], label)
            sources[key.path] = label
        else:
            values[key.path] = key.default
            sources[key.path] = "default"
    for table, entries in (("markers", markers), ("catalog", catalog)):
        sources[table] = label if entries and label else "default"
    config = _build(values, markers, catalog, label or "defaults")
    return Settings(config, values, sources, label)


def load_config(root: Path) -> Config:
    """The effective `Config` under root (`ONEENTRY_CONTRACTS_*` variables, file, defaults)."""
    return resolve(root).config


def _build(
    values: Mapping[str, Any], markers: Mapping[str, str], catalog: Mapping[str, int], source: str
) -> Config:
    users = {
        role: UserSettings(
            values[f"users.{role}.email_env"],
            values[f"users.{role}.password_env"],
            values[f"users.{role}.placeholder_email"],
            values[f"users.{role}.placeholder_password"],
            values[f"users.{role}.sandbox_login"],
        )
        for role in _ROLES
    }
    return Config(
        source=source,
        url_env=values["project.url_env"],
        app_token_env=values["project.app_token_env"],
        lang_code=values["project.lang_code"],
        host_placeholder=values["project.host_placeholder"],
        auth_provider=values["auth.provider"],
        login_marker=values["auth.login_marker"],
        password_marker=values["auth.password_marker"],
        users=users,
        markers=dict(markers),
        catalog=dict(catalog),
        strict=values["recording.strict"],
        timeout=float(values["recording.timeout"]),
        retry_attempts=values["recording.retry_attempts"],
        retry_backoff=float(values["recording.retry_backoff"]),
        retry_max_delay=float(values["recording.retry_max_delay"]),
        faker_seed=values["formdata.seed"],
        scrub_values=tuple(values["scrub.values"]),
        scrub_env=tuple(values["scrub.env"]),
        scrub_patterns=tuple(values["scrub.patterns"]),
        scrub_keys=tuple(values["scrub.keys"]),
        sandbox_project=values["sandbox.project"],
        sandbox_app_token=values["sandbox.app_token"],
    )


# ---------------------------------------------------------------------------------------------
# Checking one value


def _fail(where: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{where}: [{key}] {problem}", source=where, key=key)


def _shown(key: Key, value: Any) -> str:
    if key.secret:
        return "(a value, not shown)"
    return repr(value)


def _parse(key: Key, text: str, where: str) -> Any:
    """A value from the environment or the command line, as text, converted to the key's kind."""
    raw = text.strip()
    if key.kind in ("string", "text"):
        return raw
    if key.kind == "boolean" and raw.lower() in _TRUE | _FALSE:
        return raw.lower() in _TRUE
    if key.kind == "list":
        if raw.startswith("["):
            try:
                return tomllib.loads(f"v = {raw}")["v"]
            except tomllib.TOMLDecodeError:
                raise _fail(
                    where,
                    key.path,
                    f'is not a TOML array such as ["a", "b"]: {_shown(key, raw)}',
                ) from None
        return [part.strip() for part in raw.split(",") if part.strip()]
    try:
        return int(raw) if key.kind == "integer" else float(raw)
    except ValueError:
        pass
    raise _fail(where, key.path, f"must be {_EXPECTED[key.kind]}, got {_shown(key, raw)}")


def _check(key: Key, value: Any, where: str) -> Any:
    """The value if it has the key's type and makes sense; a ConfigError otherwise."""
    expected = _EXPECTED[key.kind]
    if key.bounds is not None:
        low, high = key.bounds
        kind = "a whole number" if key.kind == "integer" else "a number"
        expected = f"{kind} from {low:g} to {high:g}" if high is not None else f"{kind} >= {low:g}"
    wrong = _fail(where, key.path, f"must be {expected}, got {_shown(key, value)}")
    if isinstance(value, float) and not math.isfinite(value):  # nan and inf pass comparisons
        raise _fail(where, key.path, f"must be {expected}, got {value!r}: not a finite number")
    if key.bounds is not None:
        low, high = key.bounds
        numeric = not isinstance(value, bool) and isinstance(value, int | float)
        if key.kind == "integer" and type(value) is not int:
            raise wrong
        if not numeric or value < low or (high is not None and value > high):
            raise wrong
        return float(value) if key.kind == "number" else value
    if key.kind == "string":
        if not isinstance(value, str) or not value.strip():
            raise wrong
    elif key.kind == "text":
        if not isinstance(value, str):
            raise wrong
    elif key.kind == "boolean":
        if not isinstance(value, bool):
            raise wrong
    elif key.kind == "integer":
        if type(value) is not int or value < 0:
            raise wrong
    elif key.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise wrong
        value = float(value)
    elif not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise wrong
    if key.path.endswith("_env") or key.path == "scrub.env":
        for name in value if isinstance(value, list) else [value]:
            if not _VARIABLE.fullmatch(name):
                raise _fail(
                    where, key.path, f"{name!r} is not an environment variable name (A-Z, 0-9, _)"
                )
    if key.path == "project.host_placeholder" and not value.startswith(("https://", "http://")):
        raise _fail(
            where, key.path, f"must be a URL such as https://project.oneentry.test, got {value!r}"
        )
    if key.path == "project.lang_code":
        from oneentry_contracts.shop.formdata import locale_for  # faker: only for a set value

        try:
            locale_for(value)
        except ConfigError as error:
            raise _fail(where, key.path, str(error)) from None
    if key.path == "scrub.patterns":
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise _fail(
                    where, key.path, f"{pattern!r} is not a regular expression: {error}"
                ) from None
    return value


def _unknown(path: str, known: list[str]) -> str:
    """'is not a known key; did you mean ...?' with the closest known name."""
    name = path.rsplit(".", 1)[-1]
    names = [k.rsplit(".", 1)[-1] for k in known]
    close = [known[names.index(c)] for c in difflib.get_close_matches(name, names, n=1, cutoff=0.5)]
    close = close or difflib.get_close_matches(path, known, n=1, cutoff=0.6)
    hint = f"Did you mean '{close[0]}'?" if close else f"Known keys here: {', '.join(known)}."
    return (
        f"'{path}' is not a known key. {hint} "
        "Every key, with its meaning: `oneentry-contracts init --print`."
    )


# ---------------------------------------------------------------------------------------------
# Reading the file

_Found = tuple[dict[str, Any], dict[str, str], dict[str, int], str | None]


def _read_file(root: Path) -> _Found:
    """Flattened keys, markers, catalog and the file's label; nothing found is all empty."""
    path = root / CONFIG_FILE
    if path.is_file():
        return _flatten(_read_toml(path), path.name)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {}).get("oneentry-contracts")
        if tool is not None:
            label = "pyproject.toml [tool.oneentry-contracts]"
            return _flatten(_table(label, "tool.oneentry-contracts", tool), label)
    return {}, {}, {}, None


def _table(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(source, key, f"must be a table ([{key}]), got {value!r}")
    return value


def _flatten(data: Mapping[str, Any], source: str) -> _Found:
    found: dict[str, Any] = {}
    for name in data:
        if name not in _TOP:
            same = [k.path for k in KEYS if k.name == name]
            where = (
                f" Did you mean '{same[0]}' (under [{same[0].rsplit('.', 1)[0]}])?" if same else ""
            )
            message = (
                _unknown(name, list(_TOP))
                if not where
                else (f"'{name}' is not a known section.{where}")
            )
            raise ConfigError(f"{source}: {message}", source=source, key=name)
    for section in ("project", "auth", "formdata", "recording", "sandbox", "scrub"):
        _take(source, section, _table(source, section, data.get(section, {})), found)
    users = _table(source, "users", data.get("users", {}))
    for role, raw in users.items():
        if role not in _ROLES:
            raise ConfigError(
                f"{source}: {_unknown(f'users.{role}', [f'users.{r}' for r in _ROLES])}",
                source=source,
                key=f"users.{role}",
            )
        _take(source, f"users.{role}", _table(source, f"users.{role}", raw), found)
    markers = _table(source, "markers", data.get("markers", {}))
    for name, value in markers.items():
        if not isinstance(value, str) or not value:
            raise _fail(source, f"markers.{name}", f"must be a non-empty string, got {value!r}")
    catalog = _table(source, "catalog", data.get("catalog", {}))
    for name, value in catalog.items():
        if type(value) is not int or value < 1:
            raise _fail(source, f"catalog.{name}", f"must be a positive product id, got {value!r}")
    return found, dict(markers), dict(catalog), source


def _take(source: str, section: str, table: Mapping[str, Any], found: dict[str, Any]) -> None:
    known = [k.path for k in KEYS if k.section == section]
    for name, value in table.items():
        path = f"{section}.{name}"
        if path not in known:
            raise ConfigError(f"{source}: {_unknown(path, known)}", source=source, key=path)
        found[path] = value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path.name}: not valid TOML: {exc}.\nHow to fix: correct the syntax at that line.",
            source=str(path),
        ) from None
