"""`oneentry-contracts steps`: the step catalogue, every sentence of the standard vocabulary.

    oneentry-contracts steps                  by domain: sentence, parameters, table, example
    oneentry-contracts steps --format json    the same as JSON
    oneentry-contracts steps --domain orders  one domain (repeatable)

Exit codes: 0 listed, 2 usage error (an unknown domain).
"""

from __future__ import annotations

import argparse
import sys

from oneentry_contracts.steps.catalogue import as_json, catalogue, render_text
from oneentry_contracts.steps.wording import DOMAINS

__all__ = ["add_arguments", "run"]

EXIT_OK, EXIT_USAGE = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `steps` subcommand."""
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--domain",
        action="append",
        metavar="NAME",
        help=f"only this domain (repeatable): {', '.join(DOMAINS)}",
    )


def run(args: argparse.Namespace) -> int:
    """Print the catalogue; an unknown `--domain` is a one-line usage error."""
    chosen: list[str] = args.domain or list(DOMAINS)
    unknown = [name for name in chosen if name not in DOMAINS]
    if unknown:
        print(
            f"oneentry-contracts steps: no domain {', '.join(map(repr, unknown))}.\n"
            f"How to fix: pass one of {', '.join(DOMAINS)}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    steps = tuple(step for step in catalogue() if step.domain in chosen)
    sys.stdout.write(as_json(steps) if args.format == "json" else render_text(steps))
    return EXIT_OK
