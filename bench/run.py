"""The benchmark's command: `uv run python -m bench` (see bench/README.md).

1. Generates a scratch harness project and a baseline project for every size N, records the
   largest suite once against a deterministic sandbox (`oneentry-contracts run --record`, and
   the baseline's own cassettes), and gives every smaller suite a prefix of those cassettes.
2. Measures, in one run, `--repeat` rounds; each round runs every variant on every size, in an
   order rotated from round to round: `harness` (replay), `floor` (the replay with answers
   from memory), `noop` (the feature with no-op steps, pytest-bdd alone), `baseline` (plain
   pytest + vcrpy + the same schemas), `live` (the harness against the sandbox on loopback),
   `xdist` (replay with pytest's `-n 2`) and `groups` (`oneentry-contracts run -n 2`: two
   pytest-split groups side by side, the whole command).
3. Writes the medians, spreads, ratios against the issue's targets and the machine to
   `--readme` (default bench/README.md, between its RESULTS markers) and optionally `--json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Final

from bench.load import LoadResult, run_load
from bench.measure import BenchError, Measurement, run_logged, run_measured
from bench.profiling import profile_harness
from bench.report import Report, build_report, write_readme
from bench.suites import ROOT, baseline_project, floor_project, harness_project, noop_project

__all__ = ["VARIANTS", "main"]

VARIANTS: Final = ("harness", "floor", "noop", "baseline", "live", "xdist", "groups")
README: Final = Path(__file__).resolve().parent / "README.md"


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        message = f"--sizes takes numbers like 50,200,800, not {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"--sizes needs positive numbers, not {text!r}")
    return sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the scenario harness (issue 7)."
    )
    parser.add_argument("--sizes", type=_sizes, default=(50, 200, 800), help="e.g. 50,200,800")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every variant")
    parser.add_argument("--readme", type=Path, default=README, help="where results go")
    parser.add_argument("--no-readme", action="store_true", help="print the results only")
    parser.add_argument("--json", type=Path, help="also write every measurement as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile a harness replay")
    parser.add_argument("--keep", type=Path, help="build the suites here and keep them")
    parser.add_argument(
        "--load-seconds", type=float, default=20.0, help="sandbox load test length (0: skip)"
    )
    parser.add_argument("--load-clients", type=int, default=8, help="sandbox load test clients")
    parser.add_argument(
        "--no-warmup",
        action="store_true",
        help="skip the uncounted warm-up runs (the smoke test: cold caches counted)",
    )
    return parser


def _pytest(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "bench.timing_plugin", "-q", *args]


def harness_args(root: Path, mode: str) -> list[str]:
    """What `oneentry-contracts run [--live]` passes to pytest (oneentry_contracts/cli.py)."""
    common = [str(root / "features"), "--rootdir", str(root)]
    if mode == "live":
        return [*common, "--oneentry-mode=live", "--oneentry-target=sandbox", "--disable-recording"]
    return [*common, "--oneentry-mode=replay", "--record-mode=none", "--block-network"]


def commands(variant: str, harness: Path, baseline: Path) -> tuple[list[str], Path]:
    if variant == "harness":
        return _pytest(*harness_args(harness, "replay")), harness
    if variant == "floor":
        floor = harness.with_name(harness.name.replace("harness-", "floor-"))
        return _pytest(*harness_args(floor, "replay")), floor
    if variant == "noop":
        noop = harness.with_name(harness.name.replace("harness-", "noop-"))
        return _pytest("-p", "no:oneentry_contracts", "-p", "no:recording", "features"), noop
    if variant == "xdist":
        return _pytest(*harness_args(harness, "replay"), "-n", "2"), harness
    if variant == "groups":  # the whole command: two pytest-split groups side by side
        cli = [sys.executable, "-m", "oneentry_contracts.cli", "run", "--root", str(harness)]
        return [*cli, "-n", "2", "--", "-p", "bench.timing_plugin", "-q"], harness
    if variant == "live":
        return _pytest(*harness_args(harness, "live")), harness
    return _pytest(*WITHOUT_PLUGINS, "test_baseline.py"), baseline


# The baseline's pytest: no Gherkin, no harness plugin, pytest-recording not even loaded.
WITHOUT_PLUGINS = ("-p", "no:pytest-bdd", "-p", "no:recording", "-p", "no:oneentry_contracts")
# This repository's dev tools' plugins, off in every variant (environment()).
NO_DEV_PLUGINS: Final = "-p no:hypothesispytest"


def environment() -> dict[str, str]:
    """The children's environment: this repository importable (bench.timing_plugin),
    bytecode caching on, as on a developer's machine (with PYTHONDONTWRITEBYTECODE every run
    would compile every imported module again and measure the compiler), and no hypothesis
    plugin in any variant: hypothesis is this repository's dev dependency, not in a shop's
    environment, and its plugin imports all of it at every terminal summary (~0.15 s)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    addopts = os.environ.get("PYTEST_ADDOPTS", "")
    addopts = addopts if NO_DEV_PLUGINS in addopts else f"{addopts} {NO_DEV_PLUGINS}".strip()
    env = {**os.environ, "PYTHONPATH": path, "PYTEST_ADDOPTS": addopts}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def prepare(work: Path, sizes: Sequence[int], env: dict[str, str], log: Path) -> dict[int, Path]:
    """Build every suite; record the largest once; smaller ones reuse its cassettes."""
    largest = max(sizes)
    top = harness_project(work / f"harness-{largest}", largest)
    run_logged(
        [sys.executable, "-m", "oneentry_contracts.cli", "run", "--record", "--root", str(top)],
        cwd=top,
        log=log,
        env={**env, "COLUMNS": "120"},
    )
    base_top = baseline_project(work / f"baseline-{largest}", largest)
    run_logged(
        [sys.executable, "-m", "pytest", "-q", *WITHOUT_PLUGINS],
        cwd=base_top,
        log=log,
        env={**env, "BENCH_RECORD": "1"},
    )
    recorded = top / "cassettes" / "bench_purchase"
    if len(list(recorded.glob("*.yaml"))) != largest:
        raise BenchError(f"recording left {len(list(recorded.glob('*.yaml')))} cassettes")
    for size in sizes:
        if size != largest:
            harness_project(work / f"harness-{size}", size, cassettes_from=recorded)
            baseline_project(work / f"baseline-{size}", size, base_top / "cassettes")
        floor_project(work / f"floor-{size}", size, cassettes_from=recorded)
        noop_project(work / f"noop-{size}", size)
    harness_project(work / "cli-1", 1, cassettes_from=recorded)  # the CLI's fixed cost
    return {size: work / f"harness-{size}" for size in sizes}


def measure_all(
    work: Path,
    sizes: Sequence[int],
    repeat: int,
    env: dict[str, str],
    log: Path,
    *,
    warmup: bool = True,
) -> list[Measurement]:
    results: list[Measurement] = []
    smallest = min(sizes)
    for variant in VARIANTS if warmup else ():  # not counted: bytecode caches, the file cache
        command, cwd = commands(
            variant, work / f"harness-{smallest}", work / f"baseline-{smallest}"
        )
        run_measured(variant, smallest, -1, command, cwd=cwd, env=env, log=log)
    for round_number in range(repeat):
        order = VARIANTS[round_number % len(VARIANTS) :] + VARIANTS[: round_number % len(VARIANTS)]
        for size in sizes:
            for variant in order:
                command, cwd = commands(
                    variant, work / f"harness-{size}", work / f"baseline-{size}"
                )
                done = run_measured(variant, size, round_number, command, cwd=cwd, env=env, log=log)
                results.append(done)
                print(
                    f"round {round_number + 1}/{repeat} N={size:<4} {variant:<8} "
                    f"wall {done.wall_s:6.2f} s  loop {done.per_scenario_ms:6.2f} ms/scenario  "
                    f"collection {done.collection_s:5.2f} s  passed {done.passed}",
                    flush=True,
                )
    return results


def measure_cli(
    work: Path, repeat: int, env: dict[str, str], *, warmup: bool = True
) -> dict[str, list[float]]:
    """Wall times of `oneentry-contracts --help` and of a one-scenario replay (its fixed cost),
    each run `repeat` times, after one warm-up run unless `warmup` is false."""
    one = work / "cli-1"
    runs = {
        "help_s": [sys.executable, "-m", "oneentry_contracts.cli", "--help"],
        "one_scenario_s": [
            sys.executable,
            "-m",
            "oneentry_contracts.cli",
            "run",
            "--root",
            str(one),
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for name, command in runs.items():
        for attempt in range(repeat + 1 if warmup else repeat):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=one, env=env, capture_output=True, check=False)
            if done.returncode != 0:
                raise BenchError(f"{' '.join(command[2:])} failed: {done.stdout[-500:]!r}")
            if attempt or not warmup:  # the first is the warm-up
                times[name].append(time.perf_counter() - started)
    return times


def sandbox_load(clients: int, seconds: float) -> LoadResult:
    """The sandbox under load (bench/load.py); a lost or duplicated id is a BenchError."""
    from oneentry_sandbox import SandboxServer  # the library never imports the sandbox

    print(f"sandbox load test: {clients} clients for {seconds:g} s", flush=True)
    with SandboxServer(app_token="load-app-token") as sandbox:
        result = run_load(sandbox.base_url, sandbox.app_token, clients=clients, seconds=seconds)
        with sandbox.state.lock:
            stored = (set(sandbox.state.orders), set(sandbox.state.sessions))
    created = (set(result.orders), set(result.sessions))
    problems = [
        *result.errors[:3],
        *[f"{c.login}: {u}" for c in result.clients for u in c.unreadable[:3]],
        *(["an id was handed out twice"] if len(result.orders) != len(created[0]) else []),
        *(["the sandbox holds other orders or sessions than created"] if stored != created else []),
    ]
    if problems:
        raise BenchError("the sandbox load test lost or duplicated data: " + "; ".join(problems))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.repeat < 1:
        print("python -m bench: --repeat must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg()
    env = environment()
    work = args.keep or Path(tempfile.mkdtemp(prefix="oneentry-bench-"))
    if args.keep and work.exists() and any(work.iterdir()):
        print(f"python -m bench: --keep {work} is not empty", file=sys.stderr)
        return 2
    work.mkdir(parents=True, exist_ok=True)
    log = work / "bench.log"
    try:
        print(f"building and recording suites of {', '.join(map(str, args.sizes))} in {work}")
        prepare(work, args.sizes, env, log)
        warmup = not args.no_warmup
        results = measure_all(work, args.sizes, args.repeat, env, log, warmup=warmup)
        cli = measure_cli(work, args.repeat, env, warmup=warmup)
        profile = (
            profile_harness(work / f"harness-{max(args.sizes)}", env, log) if args.profile else None
        )
        load = sandbox_load(args.load_clients, args.load_seconds) if args.load_seconds else None
    except BenchError as error:
        print(f"python -m bench: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report: Report = build_report(
        results,
        sizes=args.sizes,
        repeat=args.repeat,
        argv=list(sys.argv[1:] if argv is None else argv),
        duration_s=time.perf_counter() - started,
        load=(load_before, os.getloadavg()),
        machine={
            "cpus": str(os.cpu_count()),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        profile=profile,
        load_test=load,
        cli=cli,
    )
    print(report.markdown)
    if args.json:
        payload = {"summary": report.summary, "runs": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    if not args.no_readme:
        write_readme(args.readme, report.markdown)
    return 0
