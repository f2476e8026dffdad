"""The fidelity ledger (`oneentry_sandbox/FIDELITY.md`) names a real test for every row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LEDGER = ROOT / "oneentry_sandbox" / "FIDELITY.md"
_ROW = re.compile(r"^\| ([AFOPRGHC]\d+) \|")
_TEST = re.compile(r"`([a-z_]+)::(test_[a-z0-9_]+)(\[[^`]*\])?`")


def _rows() -> dict[str, str]:
    rows = {}
    for line in LEDGER.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"row {match.group(1)} appears twice"
            rows[match.group(1)] = line
    return rows


def test_the_ledger_has_at_least_40_rows_each_pinned_by_a_test() -> None:
    rows = _rows()
    assert len(rows) >= 40
    for row_id, line in rows.items():
        tests = _TEST.findall(line)
        assert tests, f"ledger row {row_id} names no test"
        for module, name, _params in tests:
            source = ROOT / "tests" / "sandbox" / f"test_sandbox_{module}.py"
            assert source.is_file(), f"row {row_id}: no module {source.name}"
            assert re.search(rf"^def {name}\(", source.read_text(), re.M), (
                f"row {row_id}: {source.name} has no {name}"
            )


def test_every_row_names_its_evidence_strength() -> None:
    strengths = ("live", "vendor", "SDK", "guess")
    for row_id, line in _rows().items():
        if row_id.startswith("C"):
            continue  # settings rows name the admin setting instead
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert any(cells[4].startswith(s) for s in strengths), f"row {row_id}: {cells[4]!r}"
