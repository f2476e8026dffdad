"""A finding of the form-configuration check: severity, kind, form, marker, problem, fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["KINDS", "ORDER", "Finding", "FindingKind", "Severity"]

Severity = Literal["error", "warning", "info"]
FindingKind = Literal[
    "missing_form",
    "missing_field",
    "type",
    "required",
    "hidden",
    "list_value",
    "length",
    "email",
    "pattern",
    "value",
    "unfillable",
    "missing_storage",
    "storage_form",
    "account",
    "auth",
    "unused",
]
KINDS: tuple[FindingKind, ...] = FindingKind.__args__  # type: ignore[attr-defined]
ORDER: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference between the scenarios and the project's configuration."""

    severity: Severity
    kind: FindingKind
    form: str
    marker: str
    problem: str
    fix: str

    def as_json(self) -> dict[str, str]:
        """The finding as a JSON object (the `--format json` output)."""
        return asdict(self)
