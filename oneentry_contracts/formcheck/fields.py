"""One field the scenarios send, against its live attribute: would createOrder accept it?

The check runs what the fill-in step runs. A pinned cell goes through `pinned_value` and the
validator model `value_problems`; a field left to faker gets a value from `FormDataFaker`
exactly as in a scenario, and that value is put through the same model, so a field whose
validators no drawn value can meet (`stringMin` above `stringMax`, an e-mail of at most 4
characters, a list without options, a pattern faker does not know, a `file` nobody pinned) is
an `unfillable` error instead of a 400 at checkout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.formcheck.findings import Finding, FindingKind
from oneentry_contracts.formcheck.formspec import FieldUse
from oneentry_contracts.shop.attrtypes import ATTRIBUTE_TYPES, pinned_value, value_problems
from oneentry_contracts.shop.formdata import FormDataFaker

__all__ = ["check_field"]

_KINDS: dict[str, FindingKind] = {
    "list_value": "list_value",
    "length": "length",
    "email": "email",
    "pattern": "pattern",
    "value": "value",
    "required": "unfillable",
}


def check_field(
    form: str, use: FieldUse, attribute: Mapping[str, Any], faker: FormDataFaker
) -> list[Finding]:
    """The findings of one sent field: type, visibility, each pinned value, faker's value."""
    marker, kind = use.marker, str(attribute.get("type"))
    if use.type and use.type != kind:
        return [
            Finding(
                "error",
                "type",
                form,
                marker,
                f"the scenarios send {marker!r} as {use.type!r}, the form declares {kind!r}",
                f"write type {kind!r} in the scenario tables (or leave the type cell empty), or "
                "correct the attribute's type",
            )
        ]
    out: list[Finding] = []
    if attribute.get("isVisible") is False:
        out.append(
            Finding(
                "warning",
                "hidden",
                form,
                marker,
                f"{marker!r} is hidden in form {form!r} (isVisible: false) but the scenarios "
                "send it",
                "make the field visible in the admin panel, or drop it from the scenario tables",
            )
        )
    if kind not in ATTRIBUTE_TYPES:
        out.append(
            Finding(
                "warning",
                "type",
                form,
                marker,
                f"{marker!r} has type {kind!r}, which OneEntry's SDK does not list; the "
                "harness cannot tell what checkout accepts for it",
                f"pin its value in the scenario tables ({use.where})",
            )
        )
        return out
    for cell in use.pinned:
        out += _pinned(form, marker, kind, cell, attribute)
    if use.faked:
        out += _faked(form, marker, kind, attribute, faker, use.where)
    return out


def _pinned(
    form: str, marker: str, kind: str, cell: str, attribute: Mapping[str, Any]
) -> list[Finding]:
    try:
        value = pinned_value(marker, kind, cell)
    except ConfigError as error:
        problem, _, fix = str(error).partition("\nHow to fix: ")
        return [Finding("error", "value", form, marker, problem, fix or "correct the pinned value")]
    return [
        Finding("error", _KINDS[p.kind], form, marker, f"the pinned value {p.problem}", p.fix)
        for p in value_problems(attribute, value)
    ]


def _faked(
    form: str,
    marker: str,
    kind: str,
    attribute: Mapping[str, Any],
    faker: FormDataFaker,
    where: str,
) -> list[Finding]:
    sends = ATTRIBUTE_TYPES[kind].sends
    try:
        value = faker.value(attribute)
    except ConfigError as error:
        problem, _, fix = str(error).partition("\nHow to fix: ")
        return [
            Finding(
                "error",
                "unfillable",
                form,
                marker,
                f"{problem} (for a {kind} the scenarios send {sends})",
                f"{fix or 'pin its value in the scenario tables'} ({where})",
            )
        ]
    return [
        Finding(
            "error",
            "unfillable",
            form,
            marker,
            f"no value the harness draws meets the validators: faker's value {p.problem}",
            f"pin a value in the scenario tables ({where}), or {p.fix}",
        )
        for p in value_problems(attribute, value)
    ]
