"""Re-pin every dependency: resolve with uv, write names and versions into pyproject.toml.

Run after changing a dependency in pyproject.toml:

    uv run python scripts/pin.py

The result is `[tool.uv] constraint-dependencies`, which holds names and versions only. A
`uv.lock` would record download addresses, so it is ignored by git and rebuilt locally.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
BLOCK = re.compile(r"(# BEGIN PINS\n).*?(# END PINS)", re.DOTALL)


def resolve() -> list[str]:
    """Return `name==version` lines for the whole dependency tree, extras and dev group included."""
    out = subprocess.run(  # noqa: S603 - fixed argument list, no user input
        [  # noqa: S607 - uv is the documented tool for this step
            "uv",
            "pip",
            "compile",
            str(PYPROJECT),
            "--all-extras",
            "--group",
            "dev",
            "--universal",
            "--python-version",
            "3.11",
            "--no-emit-index-url",
            "--no-annotate",
            "--no-header",
            "--quiet",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if "==" in line]


def main() -> int:
    pins = resolve()
    body = "constraint-dependencies = [\n" + "".join(f'    "{p}",\n' for p in pins) + "]\n"
    text = PYPROJECT.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("pyproject.toml has no '# BEGIN PINS' / '# END PINS' block", file=sys.stderr)
        return 2
    PYPROJECT.write_text(
        BLOCK.sub(lambda m: m.group(1) + body + m.group(2), text), encoding="utf-8"
    )
    print(f"pinned {len(pins)} packages in {PYPROJECT.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
