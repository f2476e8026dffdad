"""The commented starter `oneentry-contracts.toml` that `oneentry-contracts init` writes.

Rendered from `config.KEYS`, so every key is in it, with its meaning, its default, and the
environment variable and option that can set it instead. Every key line is commented out: an
untouched starter changes nothing, and uncommenting a line sets that key; an
`ONEENTRY_CONTRACTS_*` variable still beats it (a CI job's variable overrides the file).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from oneentry_contracts.config.settings import CONFIG_FILE, KEYS, Key
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.recording.atomic import write_atomically

__all__ = ["render_starter", "write_starter"]

_HEADER = """\
# oneentry-contracts configuration, written by `oneentry-contracts init`.
#
# Names only: secrets (the project URL, app token, logins, passwords) live in environment
# variables, and this file says which. Every key is optional and commented out below with its
# default; uncomment a line to change it. Precedence: the command line (`run --set KEY=VALUE`,
# `--strict`, `--timeout`, ...) > ONEENTRY_CONTRACTS_<SECTION>_<KEY> variables > this file >
# the default. `oneentry-contracts config` shows the effective value of every key and where it
# came from.
"""

_SECTIONS = {
    "project": "The project: where its secrets are, its language, what cassettes say instead.",
    "auth": "How the scenarios sign in.",
    "users.guest": "The guest account (optional: a shop without guest checkout sets nothing).",
    "users.registered": "A registered customer (optional, like every role).",
    "formdata": "The fake form data (faker) the scenarios send.",
    "recording": "Checking and recording.",
    "sandbox": "The local sandbox that recording and --live start (oneentry-contracts[sandbox]).",
    "scrub": "What else to scrub from cassettes and failure reports, besides the built-ins\n"
    "# (tokens, the app token, logins, passwords, the host, loopback URLs).",
}

_TABLES = """
[markers]
# Names used in the feature files -> markers in your project, when they differ
# (default: the name itself). Storages, forms, payment accounts and form fields, e.g.:
# guest_orders = "guest-orders"
# guest_order = "guest-order-form"
# stripe = "stripe-eu"

[catalog]
# Product names used in the feature files' cart tables -> product ids in your project
# (default: none; a cart cell may also hold the numeric id), e.g.:
# "Cosmo" = 2957
# "Classic T-shirt" = 1
"""

_EXAMPLES: dict[str, Any] = {
    "formdata.seed": 1234,
    "scrub.values": ["Acme Internal Ltd"],
    "scrub.env": ["ONEENTRY_WEBHOOK_SECRET"],
    "scrub.patterns": ["sk_live_[0-9A-Za-z]+"],
    "scrub.keys": ["apiKey", "iban"],
}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _key_lines(key: Key) -> list[str]:
    default = "unset" if key.default is None else _toml(key.default)
    via = key.env + (f" or `run {key.flag}`" if key.flag else "")
    about = f"{key.meaning[0].upper()}{key.meaning[1:]}. Default: {default}. Also: {via}."
    lines = ["", *textwrap.wrap(about, 98, initial_indent="# ", subsequent_indent="# ")]
    shown = key.default if key.default not in (None, []) else _EXAMPLES[key.path]
    example = "  # an example" if shown is not key.default else ""
    lines.append(f"# {key.name} = {_toml(shown)}{example}")
    return lines


def render_starter() -> str:
    """The whole starter file."""
    out = [_HEADER.rstrip()]
    for section, about in _SECTIONS.items():
        out += ["", "", f"[{section}]", f"# {about}"]
        for key in KEYS:
            if key.section == section:
                out += _key_lines(key)
    return "\n".join(out) + "\n" + _TABLES


def write_starter(root: Path, *, force: bool = False) -> Path:
    """Write the starter under root; an existing file is a ConfigError unless `force`."""
    path = root / CONFIG_FILE
    if path.exists() and not force:
        raise ConfigError(
            f"{path} already exists and was not overwritten.\nHow to fix: edit it; or run "
            "`oneentry-contracts init --print` to see the starter with every key; or pass "
            "--force to replace it (its contents are lost).",
            source=str(path),
        )
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder; pass --root with the project's folder")
    write_atomically(path, render_starter().encode("utf-8"))
    return path
