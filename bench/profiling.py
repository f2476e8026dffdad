"""cProfile of one harness replay: where a scenario's time goes (bench/README.md quotes it)."""

from __future__ import annotations

import io
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import BenchError

__all__ = ["profile_harness"]

TOP = 30


def profile_harness(root: Path, env: dict[str, str], log: Path, top: int = TOP) -> str:
    """Replay the suite in `root` under cProfile; the `top` entries by cumulative time."""
    from bench.run import harness_args  # the same arguments as the measured replay

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as scratch:
        output = Path(scratch) / "replay.prof"
        command = [
            sys.executable, "-m", "cProfile", "-o", str(output),
            "-m", "pytest", "-q", *harness_args(root, "replay"),
        ]  # fmt: skip
        with log.open("ab") as out:
            done = subprocess.run(command, cwd=root, env=env, stdout=out, stderr=out, check=False)
        if done.returncode != 0:
            raise BenchError(f"the profiled replay exited {done.returncode}; see {log}")
        text = io.StringIO()
        stats = pstats.Stats(str(output), stream=text)
        stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    lines = [line.rstrip() for line in text.getvalue().splitlines()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    header = next((line.strip() for line in lines if "function calls" in line), "")
    return "\n".join([header, "", *lines[start:]]).rstrip()
