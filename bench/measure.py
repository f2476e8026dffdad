"""Running one measured pytest process: wall time, the timing plugin's numbers, peak memory.

Each run is a child process waited for with `os.wait4`, which returns that child's resource
usage (the same `ru_maxrss` as `resource.getrusage(RUSAGE_CHILDREN)`, but for this child
alone, its own waited-for children included, so an xdist run counts its largest worker).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.timing_plugin import TIMING_ENV

__all__ = ["BenchError", "Measurement", "run_measured"]


class BenchError(RuntimeError):
    """A benchmark step failed: a recording or a measured run did not pass every scenario."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured run of one variant on a suite of `size` scenarios."""

    variant: str
    size: int
    repetition: int
    wall_s: float
    collection_s: float
    loop_s: float
    loop_cpu_s: float
    passed: int
    failed: int
    peak_rss_mib: float
    startup_s: float = 0.0  # from starting the process to its first test report
    shutdown_s: float = 0.0  # from its last test report to the process's end

    @property
    def per_scenario_ms(self) -> float:
        """The test loop's time per scenario (startup and collection excluded)."""
        return 1000 * self.loop_s / self.size

    @property
    def cpu_per_scenario_ms(self) -> float:
        """The test loop's CPU time (the pytest process's only) per scenario."""
        return 1000 * self.loop_cpu_s / self.size

    @property
    def wall_per_scenario_ms(self) -> float:
        return 1000 * self.wall_s / self.size


def _merged(timings: list[dict[str, float]]) -> dict[str, float]:
    """One run's timing from its processes' (pytest-split groups run side by side): the
    counts and the CPU time added up, the longest collection and test loop, the first and
    the last report of any."""
    if len(timings) == 1:
        return timings[0]
    added = ("passed", "failed", "skipped", "collected", "loop_cpu_s")
    return {
        **{key: sum(t[key] for t in timings) for key in added},
        "collection_s": max(t["collection_s"] for t in timings),
        "loop_s": max(t["loop_s"] for t in timings),
        "first_report_at": min(t["first_report_at"] for t in timings),
        "last_report_at": max(t["last_report_at"] for t in timings),
    }


def run_logged(command: list[str], *, cwd: Path, log: Path, env: dict[str, str]) -> None:
    """Run a preparation step (recording); its output goes to `log`; failure is a BenchError."""
    with log.open("ab") as out:
        code = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=out, check=False)
    if code.returncode != 0:
        raise BenchError(
            f"{' '.join(command[2:6])}... in {cwd} exited {code.returncode}; see {log}"
        )


def run_measured(
    variant: str,
    size: int,
    repetition: int,
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
) -> Measurement:
    """Run `command` (a pytest run loading bench.timing_plugin) and measure it."""
    with tempfile.TemporaryDirectory(prefix="bench-timing-") as scratch:
        timing_file = Path(scratch) / "timing.json"
        child_env = {**env, TIMING_ENV: str(timing_file)}
        with log.open("ab") as out:
            out.write(f"\n$ {' '.join(command)}\n".encode())
            out.flush()
            started, started_at = time.perf_counter(), time.time()
            process = subprocess.Popen(command, cwd=cwd, env=child_env, stdout=out, stderr=out)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            ended_at = time.time()
            process.returncode = os.waitstatus_to_exitcode(status)
        groups = sorted(timing_file.parent.glob(f"{timing_file.name}.group*"))
        if process.returncode != 0 or not (timing_file.is_file() or groups):
            raise BenchError(
                f"the {variant} run of the {size}-scenario suite exited {process.returncode}; "
                f"see {log}"
            )
        timing = _merged([json.loads(p.read_text("utf-8")) for p in groups or [timing_file]])
    if timing["passed"] != size or timing["failed"]:
        raise BenchError(
            f"the {variant} run of the {size}-scenario suite passed {timing['passed']} and "
            f"failed {timing['failed']} scenarios, expected {size} passed; see {log}"
        )
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    rss_kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Measurement(
        variant,
        size,
        repetition,
        wall,
        float(timing["collection_s"]),
        float(timing["loop_s"]),
        float(timing["loop_cpu_s"]),
        int(timing["passed"]),
        int(timing["failed"]),
        rss_kib / 1024,
        startup_s=max(float(timing["first_report_at"]) - started_at, 0.0),
        shutdown_s=max(ended_at - float(timing["last_report_at"]), 0.0),
    )
