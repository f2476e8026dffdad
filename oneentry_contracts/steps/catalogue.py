"""The step catalogue: every sentence of the standard vocabulary, its parameters, its data table
and an example, by domain. Built from `steps.wording` alone: no pytest, no step module imported.

    render_text(catalogue())   what `oneentry-contracts steps` prints
    as_json(catalogue())       what `oneentry-contracts steps --format json` prints
"""

from __future__ import annotations

import json
import string
from dataclasses import asdict, dataclass
from typing import Any, Final

from oneentry_contracts.steps.wording import DOMAINS, Sentence

__all__ = ["CatalogueStep", "Parameter", "as_json", "catalogue", "parameters", "render_text"]

# The `parse` library's format types pytest-bdd's `parsers.parse` understands, by name.
_TYPES: Final = {
    "": "text",
    "d": "integer",
    "n": "integer",
    "f": "number",
    "F": "number",
    "g": "number",
    "w": "word",
    "W": "non-word",
    "l": "letters",
    "S": "non-whitespace",
}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One `{name:type}` field of a sentence."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class CatalogueStep:
    """One catalogue entry."""

    domain: str
    keyword: str
    sentence: str
    parameters: tuple[Parameter, ...]
    table: tuple[str, ...]
    optional: tuple[str, ...]
    example: str


def parameters(text: str) -> tuple[Parameter, ...]:
    """The named fields of a pytest-bdd `parsers.parse` pattern, with their types."""
    found = []
    for _literal, name, spec, _conversion in string.Formatter().parse(text):
        if name is None:
            continue
        found.append(Parameter(name, _TYPES.get(spec or "", spec or "text")))
    return tuple(found)


def _entry(domain: str, sentence: Sentence) -> CatalogueStep:
    return CatalogueStep(
        domain,
        sentence.kind.capitalize(),
        sentence.text,
        parameters(sentence.text),
        sentence.table,
        sentence.optional,
        sentence.example,
    )


def catalogue() -> tuple[CatalogueStep, ...]:
    """Every standard step, domain by domain (`steps.STEP_MODULES` order)."""
    return tuple(
        _entry(domain, sentence) for domain, sentences in DOMAINS.items() for sentence in sentences
    )


def as_json(steps: tuple[CatalogueStep, ...]) -> str:
    """The catalogue as JSON: `{"domains": {domain: [step, ...]}}`, stable key order."""
    domains: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        entry = asdict(step)
        del entry["domain"]
        domains.setdefault(step.domain, []).append(entry)
    return json.dumps({"domains": domains}, ensure_ascii=False, indent=2) + "\n"


def render_text(steps: tuple[CatalogueStep, ...]) -> str:
    """The catalogue for people: a heading per domain, then each sentence, its parameters, its
    table and an example."""
    lines: list[str] = []
    domain = None
    for step in steps:
        if step.domain != domain:
            domain = step.domain
            lines += ["", f"{domain}", "-" * len(domain)] if lines else [domain, "-" * len(domain)]
        lines.append(f"{step.keyword} {step.sentence}")
        if step.parameters:
            fields = ", ".join(f"{p.name}: {p.type}" for p in step.parameters)
            lines.append(f"    parameters: {fields}")
        if step.table:
            cells = " | ".join(
                f"{column} (optional)" if column in step.optional else column
                for column in step.table
            )
            lines.append(f"    table:      | {cells} |")
        if step.example != step.sentence:
            lines.append(f"    example:    {step.keyword} {step.example}")
    return "\n".join(lines) + "\n"
