"""`oneentry-contracts init`: scaffold a working contract-test project in a repository.

    oneentry-contracts init                 features for the bundled sandbox's markers
    oneentry-contracts init --storage S --form F --field name:string --account card ...
                                            features for your shop's markers
    oneentry-contracts init --project --product ID
                                            read forms, storages and accounts from your
                                            project (ONEENTRY_* variables; it only reads)
    oneentry-contracts init --config-only   only the commented starter oneentry-contracts.toml
    oneentry-contracts init --print         print that starter, write nothing

It writes `oneentry-contracts.toml`, `features/` (the guest and the registered purchase, and
`test_features.py`), `pytest.ini`, `.gitignore`, `.github/workflows/contracts.yml` and
`.pre-commit-config.yaml`. An existing file is never replaced: `init` refuses and writes
nothing, unless `--force` (replace) or `--skip-existing` (keep it). Exit codes: 0 written,
2 usage or configuration error (one paragraph on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.api.preflight import check_project
from oneentry_contracts.cli.config_cmd import init_main as starter_main
from oneentry_contracts.config.settings import CONFIG_FILE, LiveSettings, UserRole, load_config
from oneentry_contracts.errors import HarnessError
from oneentry_contracts.scaffold.choices import Choices, from_sandbox, parse_products, unknown_to
from oneentry_contracts.scaffold.files import scaffold_files, write_files
from oneentry_contracts.scaffold.layout import ShopLayout, bundled_sandbox, parse_fields
from oneentry_contracts.scaffold.live import read_live

__all__ = ["add_arguments", "run"]

EXIT_OK, EXIT_USAGE = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `init` subcommand."""
    parser.add_argument("--root", type=Path, default=Path(), help="folder to write in")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--force", action="store_true", help="replace files that exist")
    what.add_argument(
        "--skip-existing", action="store_true", help="keep files that exist, write the others"
    )
    what.add_argument("--print", action="store_true", help=f"print the starter {CONFIG_FILE}")
    parser.add_argument(
        "--config-only", action="store_true", help=f"write only the commented starter {CONFIG_FILE}"
    )
    parser.add_argument(
        "--project",
        action="store_true",
        help="read the forms, storages and payment accounts from your project (ONEENTRY_*)",
    )
    for role in ("guest", "registered"):
        parser.add_argument(
            f"--no-{role}", action="store_true", help=f"the shop has no {role} purchase"
        )
    shop = parser.add_argument_group("your shop's markers (default: the bundled sandbox's)")
    for prefix, who in (("--guest-", "the guest purchase's"), ("--", "a customer's purchase's")):
        shop.add_argument(f"{prefix}form", metavar="MARKER", help=f"{who} order form")
        shop.add_argument(f"{prefix}storage", metavar="MARKER", help=f"{who} order storage")
        shop.add_argument(
            f"{prefix}field",
            action="append",
            default=[],
            metavar="MARKER[:TYPE[=VALUE]]",
            help=f"a field of {who} form (repeatable; default: its required fields)",
        )
    shop.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="MARKER",
        help="a payment account (repeatable; default: the storage's)",
    )
    shop.add_argument(
        "--product",
        action="append",
        default=[],
        metavar="ID|NAME=ID",
        help="a product for the carts (repeatable)",
    )


def _choices(args: argparse.Namespace) -> Choices:
    roles: tuple[UserRole, ...] = tuple(
        role for role in ("guest", "registered") if not getattr(args, f"no_{role}")
    )
    if not roles:
        raise HarnessError("--no-guest and --no-registered leave no purchase to scaffold")
    return Choices(
        roles=roles,
        forms={"guest": args.guest_form, "registered": args.form},
        storages={"guest": args.guest_storage, "registered": args.storage},
        fields={
            "guest": parse_fields(args.guest_field, "--guest-field"),
            "registered": parse_fields(args.field, "--field"),
        },
        accounts=tuple(args.account),
        products=parse_products(args.product),
    )


def _from_project(root: Path, choices: Choices) -> tuple[ShopLayout, list[str]]:
    config = load_config(root)
    live = LiveSettings.from_env(config)
    check_project(config, live)
    with make_http_client(config.timeout) as http:
        client = OneEntryClient(
            live.project_url, live.app_token, http=http, lang_code=config.lang_code
        )
        return read_live(choices, config, live, client)


def _pytest_configured(root: Path) -> bool:
    """Whether pytest already reads a configuration here that a pytest.ini would shadow."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return False
    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "ini_options" in data.get("tool", {}).get("pytest", {})


def run(args: argparse.Namespace) -> int:
    """Run `init` for parsed options; returns the exit code."""
    if args.print or args.config_only:
        return starter_main(args)
    root: Path = args.root
    try:
        choices = _choices(args)
        notes: list[str] = []
        if args.project:
            layout, notes = _from_project(root, choices)
        else:
            sandbox = bundled_sandbox()
            layout = from_sandbox(choices, sandbox)
            if missing := unknown_to(layout, sandbox):
                notes.append(
                    f"the bundled sandbox has no {', '.join(missing)}: record against your "
                    "project (run --record --project), or describe your shop in a sandbox "
                    "project file (copy oneentry_sandbox/default_project.yaml) and set "
                    f"[sandbox] project in {CONFIG_FILE}"
                )
        configured = _pytest_configured(root)
        files = scaffold_files(layout, pytest_ini=not configured)
        written = write_files(root, files, force=args.force, keep=args.skip_existing)
    except HarnessError as error:
        print(f"oneentry-contracts init: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(written)} file(s) in {root.resolve()}:")
    for name in written:
        print(f"  {name}")
    for name in sorted(set(files) - set(written)):
        print(f"  {name} (exists, kept)")
    if configured:
        notes.append(
            "pyproject.toml configures pytest, so no pytest.ini was written: add "
            'testpaths = ["features"] and addopts = ["--strict-markers"] to its '
            "[tool.pytest.ini_options]"
        )
    for note in notes:
        print(f"note: {note}")
    target = " --project" if args.project else ""
    print(
        f"next: oneentry-contracts run --record{target}   (records every scenario"
        + (")" if args.project else " against the bundled sandbox: oneentry-contracts[sandbox])")
    )
    print("      oneentry-contracts run                   (replays them offline, as CI does)")
    return EXIT_OK
