"""The `oneentry-contracts` command.

    oneentry-contracts run               replay every scenario from its cassette, offline
    oneentry-contracts run --record      start a deterministic sandbox, re-record every cassette
    oneentry-contracts run --record --project
                                         re-record against your project (ONEENTRY_* variables)
    oneentry-contracts run --live        run against a fresh sandbox without cassettes
    oneentry-contracts run --live --project
                                         run against your project without cassettes
    oneentry-contracts config            every setting's effective value and its source
    oneentry-contracts init              scaffold a project: config, features, CI, pre-commit
    oneentry-contracts infer-schema KIND propose a schema from the recorded answers (--write)
    oneentry-contracts steps             the step catalogue: every standard step sentence (--format)

`run` and `config` take `--set KEY=VALUE` (any key of the configuration file) and the options
`--strict`, `--timeout`, `--lang-code`, `--faker-seed`; they beat the environment and the file.

Exit codes: 0 all scenarios passed, 1 a scenario failed, 2 usage or configuration error,
130 interrupted (Ctrl-C; pytest's summary still prints), 143 ended by SIGTERM.

Only the chosen subcommand's module is imported (`COMMANDS`), so `--help` and every command
start without the others' imports (pytest, jsonschema, faker, httpx, rich).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from oneentry_contracts.api.children import EXIT_INTERRUPTED, Supervisor
from oneentry_contracts.errors import HarnessError

if TYPE_CHECKING:
    from rich.console import Console

    from oneentry_contracts.reporting.progress import Progress

__all__ = ["COMMANDS", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # as a process ended by SIGPIPE: the reader stopped reading
# The pytest child's exit codes `run` tells apart: pytest.ExitCode's values, which pytest
# documents as its interface. Importing pytest here only for them cost every `run` ~80 ms.
PYTEST_OK, PYTEST_TESTS_FAILED, PYTEST_NO_TESTS_COLLECTED = 0, 1, 5
DURATIONS_FILE = ".test_durations"  # pytest-split's durations of the scenario suite
# `python -m pytest`, except that a Ctrl-C while pytest still starts up (importing plugins,
# before it handles Ctrl-C itself) is one line, not a traceback. It imports nothing of ours:
# pytest must import the plugin itself, to rewrite its asserts.
_PYTEST_MAIN = """import sys
try:
    import pytest
    code = pytest.main()
except KeyboardInterrupt:
    print("oneentry-contracts: interrupted while pytest was starting", file=sys.stderr)
    code = 2
raise SystemExit(code)
"""


class Command(NamedTuple):
    """A subcommand: its help line, and the module with its arguments and its entry point."""

    help: str
    module: str
    add_arguments: str = "add_arguments"
    main: str = "main"


COMMANDS: Final = {
    "run": Command(
        "run the scenario suite (replay by default)", __name__, "add_run_arguments", "run_main"
    ),
    "check-forms": Command(
        "compare the forms, storages and accounts scenarios use with the API",
        "oneentry_contracts.cli.formcheck_cmd",
        main="run",
    ),
    "audit-cassettes": Command(
        "scan cassettes and reports for secrets", "oneentry_contracts.recording.audit"
    ),
    "config": Command(
        "show every setting's effective value and where it came from",
        "oneentry_contracts.cli.config_cmd",
        "add_config_arguments",
        "config_main",
    ),
    "init": Command(
        "scaffold oneentry-contracts.toml, features/, CI and pre-commit in a repository",
        "oneentry_contracts.cli.init_cmd",
        main="run",
    ),
    "infer-schema": Command(
        "propose a response kind's schema from the recorded answers",
        "oneentry_contracts.cli.evolution_cmd",
        main="run",
    ),
    "steps": Command(
        "list every standard step sentence, by domain",
        "oneentry_contracts.cli.steps_cmd",
        main="run",
    ),
}


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), if any."""
    return next((word for word in argv if word in COMMANDS), None)


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    """The command's parser; only the chosen subcommand gets (and imports) its arguments."""
    parser = argparse.ArgumentParser(
        prog="oneentry-contracts",
        description="Contract tests and purchase scenarios for OneEntry shops.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.help)
        if name == chosen:
            getattr(importlib.import_module(command.module), command.add_arguments)(sub)
    return parser


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    """The arguments of `run`."""
    from oneentry_contracts.cli.config_cmd import add_setting_arguments

    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--record", action="store_true", help="re-record every cassette")
    mode.add_argument("--live", action="store_true", help="talk to the API, record nothing")
    run.add_argument(
        "--project",
        action="store_true",
        help="with --record/--live: use the project from ONEENTRY_* variables, not the sandbox",
    )
    add_setting_arguments(run)
    run.add_argument(
        "--keep-failed",
        action="store_true",
        help="with --record: keep a failed scenario's recording beside its cassette as "
        "<name>.failed.yaml (the cassette itself is kept unchanged)",
    )
    run.add_argument(
        "--only",
        action="append",
        metavar="NODEID",
        help="run just this scenario (repeatable); failure messages print the exact value",
    )
    run.add_argument("-k", dest="keyword", help="only scenarios matching this pytest expression")
    run.add_argument(
        "-n",
        dest="workers",
        help="parallel processes, e.g. 2 or auto: a replay runs that many pytest-split groups "
        "side by side; a recording, --live or --report uses pytest-xdist workers",
    )
    run.add_argument("--root", type=Path, default=Path(), help="project root (default: .)")
    shard = run.add_argument_group("sharding across machines (pytest-split)")
    shard.add_argument("--splits", type=int, metavar="N", help="split the scenarios into N shards")
    shard.add_argument("--group", type=int, metavar="I", help="run shard I of N (1 to N)")
    shard.add_argument(
        "--store-durations",
        action="store_true",
        help=f"record every scenario's duration into {DURATIONS_FILE} (what --splits balances on)",
    )
    run.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="write junit.xml, cucumber.json and report.html (+ report.json) into DIR",
    )
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")


def _groups(args: argparse.Namespace) -> int:
    """How many pytest processes a replay's `-n` runs side by side (0: pytest-xdist, or none).

    A replay split into pytest-split groups, one process each, starts them all at once; with
    xdist the workers start only once the controller has (the same imports and configuration
    twice over, one after the other), which on two CPUs costs more than a replay's tests. A
    recording (one recorder holds the cassettes' lock), a live run, `--report` (one set of
    reports), `--splits` and `--store-durations` keep pytest-xdist."""
    if not args.workers or args.record or args.live or args.report is not None:
        return 0
    if args.splits is not None or args.store_durations:
        return 0
    if args.workers == "auto":
        count = os.cpu_count() or 1
    else:
        try:
            count = int(args.workers)
        except ValueError:
            return 0  # pytest-xdist says what it takes
    return count if count >= 2 else 0


def _pytest_args(args: argparse.Namespace, *, groups: int = 0) -> list[str]:
    from oneentry_contracts.cli.config_cmd import overrides
    from oneentry_contracts.reporting.report import prepare_report_dir

    root: Path = args.root
    if not (root / "features").is_dir():
        raise HarnessError(
            f"no features/ folder in {root.resolve()}.\n"
            "How to fix: run the command from the project root, or pass --root PATH."
        )
    if args.project and not (args.record or args.live):
        raise HarnessError("--project needs --record or --live (replay never talks to a project)")
    if args.keep_failed and not args.record:
        raise HarnessError("--keep-failed needs --record (only recording writes cassettes)")
    target = "project" if args.project else "sandbox"
    if args.record:
        mode = ["--oneentry-mode=record", f"--oneentry-target={target}", "--record-mode=all"]
    elif args.live:
        mode = ["--oneentry-mode=live", f"--oneentry-target={target}", "--disable-recording"]
    else:
        mode = ["--oneentry-mode=replay", "--record-mode=none", "--block-network"]
    extra = ["-k", args.keyword] if args.keyword else []
    extra += ["-n", args.workers] if args.workers and not groups else []
    extra += _split_args(args)
    extra += [f"--oneentry-set={key}={value}" for key, value in overrides(args).items()]
    if args.report is not None:
        extra.append(f"--oneentry-report={prepare_report_dir(args.report).resolve()}")
    extra += ["--oneentry-keep-failed"] if args.keep_failed else []
    paths = [str(root / node) for node in args.only] if args.only else [str(root / "features")]
    return [*paths, "--rootdir", str(root), *mode, *extra, *args.pytest_args]


def _split_args(args: argparse.Namespace) -> list[str]:
    """pytest-split's options: a shard of the scenarios, or storing their durations."""
    splits, group = args.splits, args.group
    if (splits is None) != (group is None):
        raise HarnessError("--splits N and --group I go together, e.g. --splits 4 --group 1")
    durations = _durations_path(args.root)
    if splits is None:
        return ["--store-durations", *durations] if args.store_durations else []
    if splits < 1 or not 1 <= group <= splits:
        raise HarnessError(
            f"--splits {splits} --group {group}: the group must be from 1 to the number of "
            "splits (at least 1), e.g. --splits 4 --group 1"
        )
    if args.store_durations:
        raise HarnessError("--store-durations needs the whole suite: run it without --splits")
    if not (args.root / DURATIONS_FILE).is_file():
        raise HarnessError(
            f"no {DURATIONS_FILE} in {args.root.resolve()}: --splits balances shards on the "
            "recorded durations.\nHow to fix: oneentry-contracts run --store-durations, "
            f"then commit {DURATIONS_FILE}."
        )
    return ["--splits", str(splits), "--group", str(group), *durations]


def _durations_path(root: Path) -> list[str]:
    """pytest-split's option naming the project's durations file."""
    return ["--durations-path", str((root / DURATIONS_FILE).resolve())]


def _pytest_child() -> list[str]:
    """The command of a pytest child, before its arguments: `_PYTEST_MAIN`, with the plugin
    that writes the per-feature outcomes to the file `SUMMARY_ENV` names."""
    return [sys.executable, "-c", _PYTEST_MAIN, "-p", "oneentry_contracts.pytest_plugin.summary"]


def _read_summary(path: Path, counts: dict[str, Counter[str]], kept: list[str]) -> None:
    """Add a pytest child's summary file (if it wrote one) to `counts` and `kept`."""
    if not path.is_file():
        return
    raw = json.loads(path.read_text("utf-8"))
    for feature, values in raw["features"].items():
        counts.setdefault(feature, Counter()).update(values)
    kept += [str(note) for note in raw["kept"]]


def _run_pytest(
    pytest_args: list[str], supervisor: Supervisor, progress: Progress | None = None
) -> tuple[int, dict[str, Counter[str]], list[str]]:
    """Run pytest in a child process (which dies with this one): its exit code, per-feature
    outcomes and the notes on cassettes kept because their scenario failed while recording;
    with `progress`, show which scenario and step runs while it runs."""
    from oneentry_contracts.pytest_plugin.summary import SUMMARY_ENV
    from oneentry_contracts.reporting.progress import run_with_progress

    with tempfile.TemporaryDirectory() as scratch:
        summary = Path(scratch) / "summary.json"
        env = {**os.environ, SUMMARY_ENV: str(summary)}
        command = [*_pytest_child(), *pytest_args]
        if progress is not None:
            code = run_with_progress(command, env, progress, supervisor)
        else:
            code = supervisor.spawn(command, env).wait()
        counts: dict[str, Counter[str]] = {}
        kept: list[str] = []
        _read_summary(summary, counts, kept)
    return code, counts, kept


def _run_groups(
    pytest_args: list[str], groups: int, root: Path, supervisor: Supervisor
) -> tuple[int, dict[str, Counter[str]], list[str]]:
    """Run the replay as `groups` pytest-split groups side by side, one pytest child each
    (balanced on the durations file when there is one, else by count); print each group's
    output once all have ended; their exit code, per-feature outcomes and notes, merged."""
    from oneentry_contracts.pytest_plugin.summary import SUMMARY_ENV

    with tempfile.TemporaryDirectory() as scratch:
        started = []
        for group in range(1, groups + 1):
            output = Path(scratch) / f"group-{group}.out"
            summary = Path(scratch) / f"group-{group}.json"
            split = ["--splits", str(groups), "--group", str(group), *_durations_path(root)]
            with output.open("wb") as sink:
                child = supervisor.spawn(
                    [*_pytest_child(), *pytest_args, *split],
                    {**os.environ, SUMMARY_ENV: str(summary)},
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
            started.append((child, output, summary))
        codes = [child.wait() for child, _, _ in started]
        counts: dict[str, Counter[str]] = {}
        kept: list[str] = []
        for group, (_, output, summary) in enumerate(started, start=1):
            sys.stdout.write(f"── group {group} of {groups} ──\n")
            sys.stdout.flush()
            sys.stdout.buffer.write(output.read_bytes())
            sys.stdout.buffer.flush()
            _read_summary(summary, counts, kept)
    return _merged_code(codes), counts, kept


def _merged_code(codes: Sequence[int]) -> int:
    """One exit code for groups that ran side by side: a group's error (usage, internal) over
    failed scenarios over passed ones; no tests only if no group had any."""
    ran = [code for code in codes if code != PYTEST_NO_TESTS_COLLECTED]
    if not ran:
        return PYTEST_NO_TESTS_COLLECTED
    errors = [code for code in ran if code not in (PYTEST_OK, PYTEST_TESTS_FAILED)]
    if errors:
        return errors[0]
    return PYTEST_TESTS_FAILED if PYTEST_TESTS_FAILED in ran else PYTEST_OK


def _summary(
    console: Console,
    by_feature: dict[str, Counter[str]],
    recorded: bool,
    cassettes: dict[str, Counter[str]] | None = None,
    kept: Sequence[str] = (),
) -> None:
    """The final table; after a recording also, of the passed scenarios, how many cassettes were
    re-recorded (created or changed) and how many came out byte for byte unchanged, and which
    cassettes were kept because their scenario failed while recording."""
    from rich.table import Table

    table = Table(title="Scenarios")
    table.add_column("feature")
    columns = ["passed", "failed", "skipped"]
    if recorded and cassettes is not None:
        columns += ["re-recorded", "unchanged"]
        for feature, changes in cassettes.items():
            counts = by_feature.setdefault(feature, Counter())
            counts["re-recorded"] = changes["created"] + changes["changed"]
            counts["unchanged"] = changes["unchanged"]
    for column in columns:
        table.add_column(column, justify="right")
    totals: Counter[str] = Counter()
    for feature, counts in sorted(by_feature.items()):
        totals.update(counts)
        table.add_row(feature, *(str(counts[c]) for c in columns))
    table.add_row("total", *(str(totals[c]) for c in columns), end_section=True)
    console.print(table)
    if recorded:
        if cassettes is not None:
            created = sum(changes["created"] for changes in cassettes.values())
            line = (
                f"re-recorded {totals['re-recorded']} cassette(s) ({created} new), "
                f"{totals['unchanged']} unchanged"
            )
        else:
            line = f"re-recorded {totals['passed']} cassette(s)"
        if kept:
            line += f"; {len(kept)} not replaced because their scenario failed while recording:"
        console.print(line, markup=False, highlight=False, soft_wrap=True)
        for note in kept:
            console.print(f"  {note}", markup=False, highlight=False, soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `oneentry-contracts` console script."""
    try:
        words = sys.argv[1:] if argv is None else list(argv)
        args = _parser(_chosen(words)).parse_args(words)
        command = COMMANDS[args.command]
        code: int = getattr(importlib.import_module(command.module), command.main)(args)
    except KeyboardInterrupt:  # Ctrl-C outside a pytest run (which handles it itself)
        print("oneentry-contracts: interrupted (Ctrl-C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `oneentry-contracts config --format json | head`
        _quiet_broken_pipe()
        return EXIT_BROKEN_PIPE
    return code


def _quiet_broken_pipe() -> None:
    """The reader of our output went away: nothing more to say, and nothing at exit either."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run_main(args: argparse.Namespace) -> int:
    """`oneentry-contracts run`: check the settings, then run pytest in a child process."""
    from rich.console import Console

    from oneentry_contracts.cli.config_cmd import overrides
    from oneentry_contracts.config.settings import LiveSettings, resolve
    from oneentry_contracts.reporting.progress import Progress

    console = Console(stderr=False)
    try:
        # Fail fast, before pytest starts, on a broken file, variable or --set.
        config = resolve(args.root, overrides(args)).config
        live = LiveSettings.from_env(config) if args.project else None  # a missing variable
        if (args.record or args.live) and not args.project:
            from oneentry_contracts.api.sandbox import bundled_project

            bundled_project()  # the sandbox extra is installed, or how to install it
        groups = _groups(args)
        pytest_args = _pytest_args(args, groups=groups)
        if live is not None:
            from oneentry_contracts.api.preflight import check_project  # httpx: only here

            check_project(config, live)  # reachable, and takes the app token?
    except HarnessError as error:
        print(f"oneentry-contracts: {error}", file=sys.stderr)
        return EXIT_USAGE
    verb = "Recording" if args.record else "Running live" if args.live else None
    progress = Progress(console, verb=verb) if verb else None
    with Supervisor() as supervisor:
        if groups:
            code, by_feature, kept = _run_groups(pytest_args, groups, args.root, supervisor)
        else:
            code, by_feature, kept = _run_pytest(pytest_args, supervisor, progress)
    cassettes = progress.cassettes() if progress else None
    _summary(console, by_feature, recorded=args.record, cassettes=cassettes, kept=kept)
    if supervisor.interrupted:  # pytest's own INTERRUPTED (2) also means a collection error
        print("oneentry-contracts: interrupted (Ctrl-C); the run stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    if code == PYTEST_OK:
        return EXIT_OK
    if code == PYTEST_TESTS_FAILED:
        return EXIT_FAILED
    if code == PYTEST_NO_TESTS_COLLECTED:
        print(f"oneentry-contracts: {_nothing_selected(args)}", file=sys.stderr)
    return EXIT_USAGE


def _nothing_selected(args: argparse.Namespace) -> str:
    """Why a run found no scenario to run, and how to see the ones there are."""
    chosen = [f"-k {args.keyword!r}"] if args.keyword else []
    chosen += [f"--only {node!r}" for node in args.only or ()]
    what = " and ".join(chosen) if chosen else "the arguments given"
    return (
        f"no scenario matched {what}, so nothing ran.\n"
        "How to fix: list the scenarios with `uv run pytest features --collect-only -q` and select"
        " by words of their test names (e.g. -k 'guest and cash') or pass a listed id to --only."
    )


if __name__ == "__main__":
    raise SystemExit(main())
