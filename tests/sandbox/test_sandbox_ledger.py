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


_SCENARIO = re.compile(r"^\s*Scenario(?: Outline)?: (.+)$")
_NAMING = re.compile(r'the message naming "([^"]+)"')
_TAGS = re.compile(r"^\s*(@\S+(?:\s+@\S+)*)\s*$")


def _feature_scenarios() -> dict[str, tuple[bool, list[str]]]:
    """`feature: title` -> (tagged @sandbox, the message parts its steps check)."""
    found: dict[str, tuple[bool, list[str]]] = {}
    for path in sorted((ROOT / "features").glob("*.feature")):
        feature_tags: set[str] = set()
        pending: set[str] = set()
        current: str | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if tags := _TAGS.match(line):
                pending |= set(tags.group(1).split())
            elif line.startswith("Feature:"):
                feature_tags, pending = pending, set()
            elif scenario := _SCENARIO.match(line):
                current = f"{path.stem}: {scenario.group(1).strip()}"
                assert current not in found, f"{current} appears twice"
                found[current] = ("@sandbox" in feature_tags | pending, [])
                pending = set()
            elif current is not None:
                found[current][1].extend(_NAMING.findall(line))
    return found


def _scenarios_section() -> dict[str, tuple[bool, list[str], str]]:
    """`feature: title` -> (marked @sandbox, the rows cited, the 'message checked' cell)."""
    text = LEDGER.read_text(encoding="utf-8")
    section = text.split("## S. What the scenarios rely on", 1)[1]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| scenario", "|---")):
            continue
        scenario, cited, checked = (c.strip() for c in line.strip().strip("|").split("|"))
        sandbox = scenario.endswith("(`@sandbox`)")
        title = scenario.removesuffix("(`@sandbox`)").strip()
        rows[title] = (sandbox, [r.strip() for r in cited.split(",")], checked)
    return rows


def test_the_scenarios_section_agrees_with_the_features() -> None:
    features, section, ledger = _feature_scenarios(), _scenarios_section(), _rows()
    assert sorted(section) == sorted(features), "section S and features/ list other scenarios"
    for title, (sandbox, checked) in features.items():
        marked, cited, cell = section[title]
        assert marked == sandbox, f"{title}: @sandbox in the features is {sandbox}"
        unknown = [row for row in cited if row not in ledger]
        assert not unknown, f"{title}: cites rows the ledger does not have: {unknown}"
        if not checked:
            assert cell == "—", f"{title}: checks no message, the ledger says {cell!r}"
        for item in checked:
            assert f"`{item}`" in cell, f"{title}: checks {item!r}, the ledger says {cell!r}"
