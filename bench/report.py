"""Turning measurements into the results section of bench/README.md: medians, spreads, ratios.

Every number is a median over the repetitions, with its spread as (min-max). Per-scenario
costs are the test loop's time divided by N (pytest's startup and collection excluded; they are
reported on their own); the xdist speedup compares whole wall times, since xdist's workers
start and collect inside the run.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.load import LoadResult
from bench.measure import Measurement

__all__ = ["BEGIN", "END", "Report", "build_report", "write_readme"]

BEGIN: Final = "<!-- BEGIN RESULTS (written by python -m bench) -->"
END: Final = "<!-- END RESULTS -->"


@dataclass(frozen=True, slots=True)
class Report:
    summary: dict[str, Any]
    markdown: str


def _stats(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _cell(stat: Mapping[str, float], digits: int = 2) -> str:
    return f"{stat['median']:.{digits}f} ({stat['min']:.{digits}f}–{stat['max']:.{digits}f})"


def _table(results: Sequence[Measurement]) -> dict[str, dict[str, dict[str, float]]]:
    fields: dict[str, Callable[[Measurement], float]] = {
        "wall_s": lambda m: m.wall_s,
        "collection_s": lambda m: m.collection_s,
        "loop_s": lambda m: m.loop_s,
        "per_scenario_ms": lambda m: m.per_scenario_ms,
        "wall_per_scenario_ms": lambda m: m.wall_per_scenario_ms,
        "cpu_per_scenario_ms": lambda m: m.cpu_per_scenario_ms,
        "peak_rss_mib": lambda m: m.peak_rss_mib,
        "startup_s": lambda m: m.startup_s,
        "shutdown_s": lambda m: m.shutdown_s,
        "passed": lambda m: float(m.passed),
    }
    table: dict[str, dict[str, dict[str, float]]] = {}
    for key in sorted({(m.variant, m.size) for m in results}):
        runs = [m for m in results if (m.variant, m.size) == key]
        table[f"{key[0]}@{key[1]}"] = {
            name: _stats([f(m) for m in runs]) for name, f in fields.items()
        }
    return table


def _median(
    table: Mapping[str, Mapping[str, Mapping[str, float]]], variant: str, size: int, field: str
) -> float:
    return table[f"{variant}@{size}"][field]["median"]


def _target(name: str, value: float, goal: str, met: bool | None) -> dict[str, Any]:
    return {"name": name, "value": value, "goal": goal, "met": met}


def _targets(
    table: Mapping[str, Mapping[str, Mapping[str, float]]],
    sizes: Sequence[int],
    cli: Mapping[str, Sequence[float]] | None = None,
) -> list[dict[str, Any]]:
    """The goals of issue 17 (and those of issue 7 still worth watching), from the medians."""

    def med(variant: str, size: int, field: str) -> float:
        return table[f"{variant}@{size}"][field]["median"]

    def ratio(one: str, other: str, size: int) -> float:
        return med(one, size, "per_scenario_ms") / med(other, size, "per_scenario_ms")

    small, large = min(sizes), max(sizes)
    targets = [
        _target(
            f"harness/baseline per scenario, N={size}",
            ratio("harness", "baseline", size),
            "<= 0.33",
            ratio("harness", "baseline", size) <= 1 / 3,
        )
        for size in sizes
    ]
    targets += [
        _target(
            f"harness/floor per scenario, N={size}",
            ratio("harness", "floor", size),
            "close to 1 (<= 1.25)",
            ratio("harness", "floor", size) <= 1.25,
        )
        for size in sizes
    ]
    targets += [
        _target(
            f"pytest-bdd alone, no-op steps / baseline per scenario, N={size}: the bound below "
            "harness/baseline",
            ratio("noop", "baseline", size),
            "reported",
            None,
        )
        for size in sizes
    ]
    growth = med("harness", large, "per_scenario_ms") / med("harness", small, "per_scenario_ms")
    targets.append(
        {
            "name": f"per-scenario cost, N={large} / N={small}",
            "value": growth,
            "goal": "<= 1.10",
            "met": growth <= 1.10,
        }
    )
    for size in sizes:
        speed = med("live", size, "per_scenario_ms") / med("harness", size, "per_scenario_ms")
        targets.append(
            {
                "name": f"live/replay per scenario (replay speedup), N={size}",
                "value": speed,
                "goal": ">= 1.30",
                "met": speed >= 1.30,
            }
        )
    speedup = med("harness", large, "wall_s") / med("groups", large, "wall_s")
    targets.append(
        _target(
            f"`oneentry-contracts run -n 2` speedup (wall), N={large}",
            speedup,
            ">= 1.60",
            speedup >= 1.6,
        )
    )
    speedup = med("harness", large, "wall_s") / med("xdist", large, "wall_s")
    targets.append(
        _target(f"pytest -n 2 (xdist) speedup (wall), N={large}", speedup, "reported", None)
    )
    rss = med("harness", large, "peak_rss_mib")
    targets.append(_target(f"peak RSS of the replay, N={large} (MiB)", rss, "<= 100", rss <= 100))
    if cli:
        helped = statistics.median(cli["help_s"])
        targets.append(
            _target("`oneentry-contracts --help` wall (s)", helped, "< 0.30", helped < 0.3)
        )
        one = statistics.median(cli["one_scenario_s"])
        targets.append(
            _target("one-scenario replay, whole command (s): the fixed cost", one, "reported", None)
        )
    share = med("harness", large, "collection_s") / med("harness", large, "loop_s")
    targets.append(
        {
            "name": f"collection / replay test loop, N={large}",
            "value": share,
            "goal": "< 0.10",
            "met": share < 0.10,
        }
    )
    return targets


def _phases(table: Mapping[str, Mapping[str, Mapping[str, float]]], size: int) -> list[str]:
    """Where the wall time of the one-process and the `-n 2` replay goes, and what that allows."""

    def med(variant: str, field: str) -> float:
        return _median(table, variant, size, field)

    lines = [
        "",
        f"Phases of the replay at N={size} (medians, s): *start-up* runs from starting the "
        "process to its first test report (interpreter, imports, plugins, collection; for "
        "xdist, the controller's and then the workers'; for the groups, the command's and both "
        "groups' side by side), *shut-down* from the last test report to the process's end.",
        "",
        "| variant | start-up | tests | shut-down | wall |",
        "|---|---:|---:|---:|---:|",
    ]
    phases: dict[str, tuple[float, float, float, float]] = {}  # start-up, tests, shut-down, wall
    for variant in ("harness", "xdist", "groups"):
        wall, start, stop = (
            med(variant, "wall_s"),
            med(variant, "startup_s"),
            med(variant, "shutdown_s"),
        )
        phases[variant] = (start, wall - start - stop, stop, wall)
        lines.append(f"| {variant} | " + " | ".join(f"{v:.2f}" for v in phases[variant]) + " |")
    tests, one = phases["harness"][1], phases["harness"][3]
    lines.append("")
    for variant, what in (("xdist", "pytest's `-n 2`"), ("groups", "`run -n 2`")):
        fixed = phases[variant][0] + phases[variant][2]
        lines.append(
            f"Were the tests split perfectly in two, {what} would take "
            f"{fixed:.2f} + {tests:.2f} / 2 = {fixed + tests / 2:.2f} s, a speedup of at most "
            f"{one / (fixed + tests / 2):.2f}."
        )
    return lines


def build_report(
    results: Sequence[Measurement],
    *,
    sizes: Sequence[int],
    repeat: int,
    argv: Sequence[str],
    duration_s: float,
    load: tuple[tuple[float, float, float], tuple[float, float, float]],
    machine: Mapping[str, str],
    profile: str | None,
    load_test: LoadResult | None = None,
    cli: Mapping[str, Sequence[float]] | None = None,
) -> Report:
    table = _table(results)
    targets = _targets(table, sizes, cli)
    command = " ".join(["uv run python -m bench", *argv])
    before, after = load
    lines = [
        f"Command: `{command}` ({repeat} round(s), variants alternating; took "
        f"{duration_s / 60:.1f} min in all, recording included).",
        "",
        f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}. "
        f"Load average (1, 5, 15 min) before: {before[0]:.2f}, {before[1]:.2f}, {before[2]:.2f}; "
        f"after: {after[0]:.2f}, {after[1]:.2f}, {after[2]:.2f}.",
        "",
        "Each cell: median (min–max) over the rounds. *Loop* is pytest's test loop divided by N "
        "(startup and collection excluded); *wall* is the whole process.",
        "",
        "| variant | N | passed | wall s | collection s | loop ms/scenario "
        "| CPU ms/scenario | wall ms/scenario | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, stat in table.items():
        variant, size = key.split("@")
        lines.append(
            f"| {variant} | {size} | {stat['passed']['median']:.0f} | {_cell(stat['wall_s'])} "
            f"| {_cell(stat['collection_s'])} | {_cell(stat['per_scenario_ms'])} "
            f"| {_cell(stat['cpu_per_scenario_ms'])} | {_cell(stat['wall_per_scenario_ms'])} "
            f"| {_cell(stat['peak_rss_mib'], 0)} |"
        )
    field = "cpu_per_scenario_ms"
    cpu = [
        f"N={n}: {_median(table, 'harness', n, field) / _median(table, 'baseline', n, field):.2f}"
        for n in sizes
    ]
    lines += [
        "",
        f"For comparison, harness/baseline in test-loop CPU time per scenario: {', '.join(cpu)}.",
    ]
    lines += ["", "| target | measured | goal | met |", "|---|---:|---|---|"]
    for target in targets:
        met = {True: "yes", False: "**no**", None: "-"}[target["met"]]
        lines.append(f"| {target['name']} | {target['value']:.2f} | {target['goal']} | {met} |")
    lines += _phases(table, max(sizes))
    if load_test is not None:
        lines += ["", f"Sandbox under load (bench/load.py): {load_test.line()}."]
    if profile:
        lines += [
            "",
            "Profile of one harness replay (cProfile, top cumulative):",
            "",
            "```",
            profile,
            "```",
        ]
    summary = {
        "command": command,
        "duration_s": duration_s,
        "load_before": before,
        "load_after": after,
        "machine": dict(machine),
        "variants": table,
        "targets": targets,
        "cli": dict(cli or {}),
        "load_test": None
        if load_test is None
        else {
            "clients": len(load_test.clients),
            "seconds": load_test.seconds,
            "requests": load_test.requests,
            "orders": len(load_test.orders),
            "sessions": len(load_test.sessions),
            "rps": load_test.rps,
            "p50_ms": load_test.percentile_ms(50),
            "p99_ms": load_test.percentile_ms(99),
            "errors": len(load_test.errors),
        },
    }
    return Report(summary, "\n".join(lines) + "\n")


def write_readme(path: Path, results: str) -> None:
    """Replace what lies between the RESULTS markers (or append the markers and results)."""
    text = path.read_text("utf-8") if path.is_file() else "# Benchmark\n"
    block = f"{BEGIN}\n{results}{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
