"""`oneentry-contracts infer-schema`: propose a schema for a response kind from the cassettes.

    oneentry-contracts infer-schema --list            the kinds, with their recorded answers
    oneentry-contracts infer-schema KIND              the differences (table; --format json)
    oneentry-contracts infer-schema KIND --write      ... then write them after a confirmation
    oneentry-contracts infer-schema KIND --write --yes
                                                      ... without asking

KIND is a schema name in `schemas/` (`created_order`) or an endpoint name (`create_order`).
Nothing is written unless the proposal loads as a Draft 2020-12 schema set and every recorded
answer, of every kind, still validates against it. Exit codes: 0 no difference (or the
proposal was written), 1 differences found and not written, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from oneentry_contracts.api.endpoints import ENDPOINTS, ERROR_SCHEMA
from oneentry_contracts.errors import ConfigError, HarnessError, SchemaViolation
from oneentry_contracts.recording.atomic import write_atomically
from oneentry_contracts.schemas.evolution import Proposal, propose
from oneentry_contracts.schemas.recorded import SANDBOX_ROUTES, RecordedResponses, read_recorded
from oneentry_contracts.schemas.store import PROJECT_SCHEMAS, SchemaStore

__all__ = ["add_arguments", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_STYLE = {"added": "green", "removed": "red", "required": "yellow", "type": "bold red"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `infer-schema` subcommand."""
    parser.add_argument(
        "kind", nargs="?", help="schema name in schemas/ (created_order) or endpoint (create_order)"
    )
    parser.add_argument("--list", action="store_true", help="list the kinds and exit")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--write", action="store_true", help="write the proposal after a confirmation"
    )
    parser.add_argument("--yes", action="store_true", help="with --write: do not ask")
    parser.add_argument(
        "--all", action="store_true", help="also show optional fields no recording carries"
    )
    parser.add_argument("--root", type=Path, default=Path(), help="project root (default: .)")


def _kinds(store: SchemaStore) -> list[str]:
    return sorted(name for name in store.names if not name.startswith("defs/"))


def _endpoints(kind: str) -> list[str]:
    if kind == ERROR_SCHEMA:
        return ["every refusal (non-2xx)"]
    if kind in SANDBOX_ROUTES:
        return [f"sandbox control: {SANDBOX_ROUTES[kind]}"]
    return sorted(name for name, e in ENDPOINTS.items() if e.schema == kind)


def _kind(given: str, store: SchemaStore) -> str:
    kinds = _kinds(store)
    name = given.removeprefix("schemas/").removesuffix(".json")
    if name in kinds:
        return name
    if given in ENDPOINTS:
        return ENDPOINTS[given].schema
    raise ConfigError(
        f"infer-schema: {given!r} is not a response kind.\nKnown kinds (schemas/): "
        f"{', '.join(kinds)}.\nEndpoint names work too: {', '.join(sorted(ENDPOINTS))}.\n"
        "How to fix: pick one of them; `oneentry-contracts infer-schema --list` shows each "
        "with its recorded answers.",
        key="kind",
    )


def _check(
    root: Path, store: SchemaStore, proposal: Proposal, recorded: RecordedResponses
) -> list[str]:
    """Load the proposal with the other schemas and validate every recorded answer with it."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "schemas"
        folder.mkdir()
        for name, schema in proposal.files.items():
            target = folder / f"{name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_dump(schema, store.sources.get(name)), encoding="utf-8")
        try:
            proposed = SchemaStore.load(*store.directories, folder)
        except ConfigError as error:
            return [f"the proposal is not a valid schema set: {error}"]
    problems: list[str] = []
    for kind, answers in recorded.by_kind.items():
        for answer in answers:
            try:
                proposed.validate(kind, answer.body)
            except SchemaViolation as violation:
                where = f"cassettes/{answer.cassette} #{answer.index} ({answer.endpoint})"
                problems.append(f"{where}: {violation.errors[0] if violation.errors else kind}")
            except KeyError:
                break
    return problems


def _dump(schema: Mapping[str, Any], like: Path | None = None) -> str:
    """The schema files' own format: two-space indent, a final newline, and non-ASCII text
    escaped or not as the file it replaces (`like`) has it, so untouched lines stay the same."""
    original = like.read_text("utf-8") if like is not None and like.is_file() else ""
    return json.dumps(schema, indent=2, ensure_ascii="\\u" in original) + "\n"


def _write(root: Path, files: Mapping[str, Mapping[str, Any]]) -> list[Path]:
    written: list[Path] = []
    for name, schema in files.items():
        path = root / PROJECT_SCHEMAS / f"{name}.json"
        write_atomically(path, _dump(schema, path if path.is_file() else None).encode("utf-8"))
        written.append(path)
    return written


def _confirm(question: str) -> bool:
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):  # end of input: no answer
        sys.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")


def _list(store: SchemaStore, recorded: RecordedResponses, console: Console, as_json: bool) -> int:
    rows = [(k, len(recorded.of(k)), _endpoints(k)) for k in _kinds(store)]
    if as_json:
        listed = [{"kind": k, "recorded": n, "endpoints": e} for k, n, e in rows]
        print(json.dumps({"kinds": listed}, indent=2))
        return EXIT_OK
    table = Table(title=f"Response kinds ({recorded.cassettes} cassettes)")
    table.add_column("kind", no_wrap=True)
    table.add_column("recorded", justify="right")
    table.add_column("endpoints", overflow="fold")
    for kind, count, endpoints in rows:
        table.add_row(kind, str(count), ", ".join(endpoints), style="" if count else "dim")
    console.print(table)
    return EXIT_OK


def _show(proposal: Proposal, problems: list[str], show_all: bool, console: Console) -> None:
    shown = proposal.changes if show_all else proposal.differences
    count = len(proposal.differences)
    title = f"{proposal.kind}: {proposal.responses} recorded response(s), {count} difference(s)"
    if not shown:
        console.print(f"{title}: the schema fits every recording.")
        return
    table = Table(title=title)
    table.add_column("change", no_wrap=True)
    table.add_column("field", overflow="fold")
    table.add_column("schema", overflow="fold")
    table.add_column("current", overflow="fold")
    table.add_column("recorded", overflow="fold")
    for c in shown:
        style = _STYLE.get(c.change, "dim")
        table.add_row(f"[{style}]{c.change}", c.field, c.pointer, c.current, c.recorded)
    console.print(table)
    if not count:
        return
    files = ", ".join(f"schemas/{name}.json" for name in proposal.files)
    if problems:
        console.print(
            f"The proposal ({files}) would still reject {len(problems)} recorded answer(s); "
            "these need a hand edit:"
        )
        for problem in problems[:20]:
            console.print(f"  - {problem}", markup=False)
    else:
        console.print(f"The proposal changes {files}; every recorded answer validates with it.")


def run(args: argparse.Namespace) -> int:
    """Run `infer-schema` for parsed options; returns the exit code."""
    console = Console(stderr=args.format == "json")
    try:
        if args.yes and not args.write:
            raise ConfigError("--yes goes with --write (it skips the confirmation)")
        root: Path = args.root
        store = SchemaStore.for_project(root)
        recorded = read_recorded(root / "cassettes")
        if args.list:
            return _list(store, recorded, console, args.format == "json")
        if not args.kind:
            raise ConfigError(
                "infer-schema needs a KIND, e.g. `oneentry-contracts infer-schema created_order`; "
                "`--list` shows every kind"
            )
        kind = _kind(args.kind, store)
        answers = recorded.of(kind)
        if not answers:
            raise ConfigError(
                f"infer-schema: no recorded answer of kind {kind!r} in {root / 'cassettes'}.\n"
                f"How to fix: record a scenario that calls {', '.join(_endpoints(kind))} "
                "(`oneentry-contracts run --record`), then run this again."
            )
        proposal = propose(kind, store, [a.body for a in answers])
        problems = _check(root, store, proposal, recorded) if proposal.differences else []
    except HarnessError as error:
        print(f"oneentry-contracts infer-schema: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        shown = proposal.changes if args.all else proposal.differences
        document = {
            "kind": kind,
            "responses": proposal.responses,
            "differences": [c.as_json() for c in shown],
            "proposal": {f"schemas/{n}.json": s for n, s in proposal.files.items()},
            "problems": problems,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _show(proposal, problems, args.all, console)
    if not proposal.differences:
        return EXIT_OK
    if not args.write:
        if args.format == "table":
            console.print(f"Write it with: oneentry-contracts infer-schema {kind} --write")
        return EXIT_FAILED
    if problems:
        print(
            "infer-schema: nothing written: the proposal does not fit every recording",
            file=sys.stderr,
        )
        return EXIT_FAILED
    files = ", ".join(f"schemas/{name}.json" for name in proposal.files)
    if not args.yes and not _confirm(f"Write {files}?"):
        print("infer-schema: nothing written.", file=sys.stderr)
        return EXIT_FAILED
    for path in _write(root, proposal.files):
        print(f"wrote {path}", file=sys.stderr if args.format == "json" else sys.stdout)
    return EXIT_OK
