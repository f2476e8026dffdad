"""`oneentry-contracts check-forms`: the form-configuration check from the command line.

    oneentry-contracts check-forms                      the answers recorded in cassettes/
    oneentry-contracts check-forms --url URL --app-token TOKEN [--login L --password P]
                                                        a running API, e.g. `oneentry-sandbox`
    oneentry-contracts check-forms --project            your project (ONEENTRY_* variables)

Exit codes: 0 no errors (warnings and info only), 1 at least one error, 2 usage or
configuration error (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.config.settings import (
    Config,
    Credentials,
    LiveSettings,
    load_config,
    normalised_project_url,
    project_url_problem,
)
from oneentry_contracts.errors import ConfigError, HarnessError
from oneentry_contracts.formcheck.check import CassetteReader, Finding, check, read_snapshot
from oneentry_contracts.formcheck.formspec import FormSpec, read_spec

__all__ = ["add_arguments", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `check-forms` subcommand."""
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--offline", action="store_true", help="read the answers recorded in cassettes (default)"
    )
    target.add_argument("--url", help="an API to ask, e.g. http://127.0.0.1:8787 (a sandbox)")
    target.add_argument(
        "--project", action="store_true", help="ask your project (ONEENTRY_* variables)"
    )
    parser.add_argument("--app-token", help="with --url; default: the [project] app_token_env")
    parser.add_argument("--login", help="with --url: the registered user's login")
    parser.add_argument("--password", help="with --url: the registered user's password")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--root", type=Path, default=Path(), help="project root (default: .)")


def _env(config: Config, name: str, given: str | None, option: str) -> str:
    value = given or os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"--url needs {option} (or the variable {name})", key=name)
    return value


def _live(spec: FormSpec, config: Config, url: str, token: str, user: Credentials) -> list[Finding]:
    """Sign in, read, compare. A failed sign-in explained by an `auth` finding is that finding
    (exit 1); any other failed sign-in is a configuration error (exit 2)."""
    with make_http_client(config.timeout) as http:
        client = OneEntryClient(url, token, http=http, lang_code=config.lang_code)
        response = client.login(
            config.auth_provider,
            [
                {"marker": config.login_marker, "value": user.email},
                {"marker": config.password_marker, "value": user.password},
            ],
        )
        if not response.ok:
            snapshot = read_snapshot(spec, client, config.lang_code, signed_in=False)
            partial = check(spec, snapshot, config.lang_code)
            if any(f.kind == "auth" for f in partial):
                return [*partial, _not_signed_in(spec, response.status)]
            body = response.body
            message = body.get("message") if isinstance(body, dict) else None
            said = f": {json.dumps(message, ensure_ascii=False)}" if message else ""
            raise ConfigError(
                # Never the login itself: a real customer's e-mail is as secret as a password.
                f"signing in with the given login through provider {config.auth_provider!r} "
                f"failed ({response.status}{said}); storages and accounts need a logged-in "
                "user.\nHow to fix: check the login and password (--login/--password, or their "
                "variables) and [auth] in oneentry-contracts.toml",
                key="auth",
            )
        return check(spec, read_snapshot(spec, client, config.lang_code), config.lang_code)


def _not_signed_in(spec: FormSpec, status: int) -> Finding:
    return Finding(
        "error",
        "auth",
        "-",
        spec.login_marker,
        f"signing in through provider {spec.auth_provider!r} failed ({status}), so storages "
        "and payment accounts were not checked",
        "fix the sign-in findings above, then run the check again",
    )


def _signer(config: Config, settings: LiveSettings) -> Credentials:
    """Who signs in to read the storages and accounts: the registered customer, else the guest
    account (every role is optional, but one is needed here)."""
    for role in ("registered", "guest"):
        if role in settings.credentials:
            return settings.credentials[role]
    names = [name for user in config.users.values() for name in (user.email_env, user.password_env)]
    raise ConfigError(
        "check-forms --project signs in to read the storages and payment accounts, but no user "
        f"is set.\nHow to fix: export {names[2]} and {names[3]} (a registered customer) or "
        f"{names[0]} and {names[1]} (the guest account).",
        key=names[2],
    )


def findings_for(args: argparse.Namespace, spec: FormSpec, config: Config) -> list[Finding]:
    """The findings against the target the options name."""
    if args.project:
        settings = LiveSettings.from_env(config)
        return _live(
            spec, config, settings.project_url, settings.app_token, _signer(config, settings)
        )
    if args.url:
        url = normalised_project_url(args.url)
        if problem := project_url_problem(url, api_path=True):
            raise ConfigError(
                f"--url {problem}: give the API's root, such as http://127.0.0.1:8787",
                key="--url",
            )
        user = config.users["registered"]
        token = _env(config, config.app_token_env, args.app_token, "--app-token")
        login = _env(config, user.email_env, args.login, "--login")
        password = _env(config, user.password_env, args.password, "--password")
        return _live(spec, config, url, token, Credentials(login, password))
    reader = CassetteReader(args.root / "cassettes")
    return check(spec, read_snapshot(spec, reader, config.lang_code), config.lang_code)


def render(findings: list[Finding], console: Console) -> None:
    """The findings as a rich table and a one-line tally."""
    counts = Counter(f.severity for f in findings)
    if findings:
        table = Table(title="Form configuration")
        for column in ("severity", "form", "marker", "problem", "fix"):
            table.add_column(column, overflow="fold")
        for f in findings:
            cells = (escape(text) for text in (f.form, f.marker, f.problem, f.fix))
            table.add_row(f"[{_STYLE[f.severity]}]{f.severity}", *cells)
        console.print(table)
    console.print(
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
    )


def _paragraph(error: HarnessError) -> str:
    """The error as one paragraph: its lines (what failed, where, how to fix) joined."""
    return " ".join(line.strip() for line in str(error).splitlines() if line.strip())


def run(args: argparse.Namespace) -> int:
    """Run the check for parsed `check-forms` options; returns the exit code."""
    try:
        if (args.login or args.password or args.app_token) and not args.url:
            raise ConfigError("--app-token, --login and --password go with --url")
        config = load_config(args.root)
        spec = read_spec(args.root / "features", config)
        findings = findings_for(args, spec, config)
    except HarnessError as error:
        print(f"oneentry-contracts check-forms: {_paragraph(error)}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        counts = Counter(f.severity for f in findings)
        document = {
            "findings": [f.as_json() for f in findings],
            "counts": {s: counts[s] for s in ("error", "warning", "info")},
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        render(findings, Console())
    return EXIT_FAILED if any(f.severity == "error" for f in findings) else EXIT_OK
