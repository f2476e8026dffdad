"""`oneentry-contracts config` and `oneentry-contracts init`: the configuration from the CLI.

    oneentry-contracts config [--set KEY=VALUE ...] [--format json]
                               every key's effective value and where it came from
    oneentry-contracts init [--force | --print]
                               write a commented starter oneentry-contracts.toml

`add_setting_arguments` gives `run` and `config` the same command-line settings (`--set`,
`--strict`, `--timeout`, `--lang-code`, `--faker-seed`); `overrides` turns them into what
`config.resolve` takes. Exit codes: 0 done, 2 usage or configuration error (one paragraph on
stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from oneentry_contracts.config.settings import CONFIG_FILE, KEYS, Settings, resolve
from oneentry_contracts.config.starter import render_starter, write_starter
from oneentry_contracts.errors import ConfigError, HarnessError

__all__ = [
    "add_config_arguments",
    "add_init_arguments",
    "add_setting_arguments",
    "config_main",
    "init_main",
    "overrides",
    "show_rows",
]

EXIT_OK, EXIT_USAGE = 0, 2
_MASK = "****"


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """Command-line settings; they beat the ONEENTRY_CONTRACTS_* variables and the file."""
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set any key of oneentry-contracts.toml for this run, e.g. recording.timeout=30",
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail on response fields no schema knows"
    )
    for key in KEYS:
        if key.flag and key.flag != "--strict":
            parser.add_argument(key.flag, dest=_dest(key.flag), metavar="VALUE", help=key.meaning)


def _dest(flag: str) -> str:
    return "setting_" + flag.removeprefix("--").replace("-", "_")


def overrides(args: argparse.Namespace) -> dict[str, str]:
    """`--set` and the dedicated options as key path -> text (dedicated options win)."""
    result: dict[str, str] = {}
    for item in args.settings:
        path, equals, text = str(item).partition("=")
        if not equals or not path.strip():
            raise ConfigError(
                f"--set {item!r}: expected KEY=VALUE, e.g. --set recording.timeout=30",
                source="command line",
            )
        result[path.strip()] = text
    if args.strict:
        result["recording.strict"] = "true"
    for key in KEYS:
        value = getattr(args, _dest(key.flag), None) if key.flag else None
        if value is not None:
            result[key.path] = str(value)
    return result


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `config` subcommand."""
    parser.add_argument(
        "--show", action="store_true", help="show the effective settings (the default)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--root", type=Path, default=Path(), help="project root (default: .)")
    add_setting_arguments(parser)


def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `init` subcommand."""
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--force", action="store_true", help=f"overwrite an existing {CONFIG_FILE}")
    what.add_argument("--print", action="store_true", help="print the starter, write nothing")
    parser.add_argument("--root", type=Path, default=Path(), help="folder to write it in")


def _masked(path: str, value: Any, env: Mapping[str, str]) -> str:
    """A value as shown: secrets never; for a variable name, whether the variable is set."""
    if path == "scrub.values":
        return json.dumps([_MASK for _ in value])
    if path.endswith("_env"):
        state = "set" if env.get(value, "").strip() else "not set"
        return f"{value} ({state})"
    if path == "scrub.env" and value:
        return ", ".join(
            f"{name} ({'set' if env.get(name, '').strip() else 'not set'})" for name in value
        )
    if value is None:
        return "(unset)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def show_rows(settings: Settings, env: Mapping[str, str]) -> list[dict[str, str]]:
    """One {key, value, source} per setting, secrets masked."""
    return [
        {"key": path, "value": _masked(path, value, env), "source": source}
        for path, value, source in settings.rows()
    ]


def config_main(args: argparse.Namespace) -> int:
    """`oneentry-contracts config`: the effective settings; returns the exit code."""
    try:
        settings = resolve(args.root, overrides(args))
    except HarnessError as error:
        print(f"oneentry-contracts config: {error}", file=sys.stderr)
        return EXIT_USAGE
    rows = show_rows(settings, os.environ)
    if args.format == "json":
        print(json.dumps({"file": settings.file, "settings": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    table = Table(title=f"Effective settings ({settings.file or 'no config file: defaults'})")
    table.add_column("key", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", overflow="fold")
    for row in rows:
        style = "dim" if row["source"] == "default" else ""
        table.add_row(row["key"], row["value"], row["source"], style=style)
    Console().print(table)
    print(
        "Precedence: command line > ONEENTRY_CONTRACTS_* environment > file > default. "
        "Secrets are read from the variables named *_env and never shown."
    )
    return EXIT_OK


def init_main(args: argparse.Namespace) -> int:
    """`oneentry-contracts init`: write (or print) the starter file; returns the exit code."""
    if args.print:
        sys.stdout.write(render_starter())
        return EXIT_OK
    try:
        path = write_starter(args.root, force=args.force)
    except HarnessError as error:
        print(f"oneentry-contracts init: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}: every key, commented out with its meaning and default.")
    if (args.root / "pyproject.toml").is_file() and "[tool.oneentry-contracts]" in (
        args.root / "pyproject.toml"
    ).read_text("utf-8"):
        print(
            "note: while this file exists, pyproject.toml's [tool.oneentry-contracts] is ignored."
        )
    return EXIT_OK
