"""The run report's data: what happened in each scenario, step by step, as plain values.

The pytest plugin (`pytest_plugin.observe`) builds one `ScenarioRecord` per scenario in the
process that runs it and writes them all to `report.json`; `report_html` renders that file as a
single offline HTML page. Everything here has already been through the scenario's scrubber: no
token, app token, password, user e-mail or project host reaches a record.

    RunReport
    └── ScenarioRecord      one scenario example: outcome, duration, cassette, failure text
        └── StepRecord      one Gherkin step: outcome, duration, error
            ├── Exchange    the failing step's last request and response
            └── Violation   the failing step's schema violation (schema, keyword, pointer)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, cast

from oneentry_contracts.errors import ConfigError

__all__ = [
    "REPORT_JSON",
    "CassetteChange",
    "Exchange",
    "Outcome",
    "RunReport",
    "ScenarioRecord",
    "StepRecord",
    "Violation",
    "prepare_report_dir",
]

REPORT_JSON = "report.json"

Outcome = Literal["passed", "failed", "skipped"]
# A cassette after a recording: written for the first time, rewritten with other bytes, or
# rewritten byte for byte (`None`: not recording, or not a scenario with a cassette).
CassetteChange = Literal["created", "changed", "unchanged"]

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, scrubbed as a cassette would hold them; `step` is the
    step that made it (a Then step that fails checks the answer an earlier When step got)."""

    method: str
    url: str
    request_headers: Headers
    request_body: str
    status: int
    response_headers: Headers
    response_body: str
    step: str = ""


@dataclass(frozen=True, slots=True)
class Violation:
    """A response body that broke its JSON Schema (from `SchemaViolation`)."""

    schema: str
    keyword: str
    pointer: str
    value: str
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step as it ran. `skipped`: not run, because an earlier step failed."""

    keyword: str
    text: str
    line: int
    outcome: Outcome
    duration: float = 0.0
    error: str = ""
    table: tuple[tuple[str, ...], ...] = ()
    exchange: Exchange | None = None
    violation: Violation | None = None


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """One scenario example: where it is, how it ended, and its steps."""

    nodeid: str
    feature: str
    feature_title: str
    name: str
    outcome: Outcome
    duration: float
    steps: tuple[StepRecord, ...] = ()
    failure: str = ""
    cassette: str = ""
    cassette_change: CassetteChange | None = None


@dataclass(frozen=True, slots=True)
class RunReport:
    """Every scenario of one run, in the order they finished."""

    mode: str
    scenarios: tuple[ScenarioRecord, ...]

    def counts(self) -> dict[str, dict[Outcome, int]]:
        """Outcomes per feature: `{feature: {"passed": n, "failed": n, "skipped": n}}`."""
        counts: dict[str, dict[Outcome, int]] = {}
        for scenario in self.scenarios:
            row = counts.setdefault(scenario.feature, {"passed": 0, "failed": 0, "skipped": 0})
            row[scenario.outcome] += 1
        return dict(sorted(counts.items()))

    def dump(self, path: Path) -> None:
        """Write the report as JSON (UTF-8, stable key order)."""
        data = {"mode": self.mode, "scenarios": [asdict(s) for s in self.scenarios]}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunReport:
        """Read a report written by `dump`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        scenarios = tuple(scenario_from_dict(s) for s in data["scenarios"])
        return cls(mode=str(data["mode"]), scenarios=scenarios)


def scenario_to_dict(scenario: ScenarioRecord) -> dict[str, Any]:
    """A JSON-able dict (how a record crosses from an xdist worker to the controller)."""
    return asdict(scenario)


def scenario_from_dict(data: dict[str, Any]) -> ScenarioRecord:
    """The inverse of `scenario_to_dict` (JSON turns tuples into lists; this turns them back)."""
    steps = tuple(_step_from_dict(step) for step in data.get("steps", ()))
    return ScenarioRecord(**{**data, "steps": steps})


def _step_from_dict(data: dict[str, Any]) -> StepRecord:
    exchange = data.get("exchange")
    violation = data.get("violation")
    return StepRecord(
        **{
            **data,
            "table": tuple(tuple(row) for row in data.get("table", ())),
            "exchange": _exchange_from_dict(exchange) if exchange else None,
            "violation": (
                Violation(**{**violation, "errors": tuple(violation.get("errors", ()))})
                if violation
                else None
            ),
        }
    )


def _exchange_from_dict(data: dict[str, Any]) -> Exchange:
    def headers(key: str) -> Headers:
        return tuple((str(k), str(v)) for k, v in cast("list[list[str]]", data.get(key, [])))

    return Exchange(
        **{
            **data,
            "request_headers": headers("request_headers"),
            "response_headers": headers("response_headers"),
        }
    )


def prepare_report_dir(folder: Path) -> Path:
    """Create the report folder; a path that is a file, or cannot be created, is a `ConfigError`."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"the report folder {folder} is a file, not a folder.\n"
            "How to fix: pass a folder path (it is created if missing), e.g. --report reports/.",
            key="report",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"cannot create the report folder {folder}: {error.strerror or error}.\n"
            "How to fix: pass a folder you can write to, e.g. --report reports/.",
            key="report",
        ) from None
    return folder
