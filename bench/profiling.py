"""cProfile of one harness replay: where a scenario's time goes (bench/README.md quotes it)."""

from __future__ import annotations

import io
import pstats
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import BenchError
from bench.suites import ROOT

__all__ = ["profile_harness"]

TOP = 30
# The harness, the libraries a scenario goes through, and pytest's per-test protocol; the
# rest (pytest's and pluggy's plumbing) would fill the top of a cumulative listing.
SHOWN = (
    r"oneentry_contracts/|/steps/|pytest_bdd/|/vcr/|pytest_recording/|jsonschema/|httpx/"
    r"|yaml/|faker/|_pytest/runner.py"
)


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
        stats.sort_stats("cumulative").print_stats(SHOWN, top)
    lines = [_short_path(line.rstrip(), ROOT, root) for line in text.getvalue().splitlines()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    header = next((line.strip() for line in lines if "function calls" in line), "")
    return "\n".join([header, "", *lines[start:]]).rstrip()


def _short_path(line: str, *roots: Path) -> str:
    """`/.../site-packages/vcr/cassette.py:67(...)` as `vcr/cassette.py:67(...)`."""
    line = re.sub(r"/\S*/site-packages/", "", line)
    for root in roots:
        line = line.replace(f"{root}/", "")
    return line
