"""Every OneEntry attribute type: what the scenarios send for it, and what checkout refuses.

`ATTRIBUTE_TYPES` lists the types of SDK 1.0.149's `AttributeType` (reference §4) with the
value the harness sends for each: drawn by `FormDataFaker` (`fakeable`), or pinned in the
feature table. `pinned_value` turns a table cell into the wire shape of its type (a list
option becomes `["courier"]`, a date `{fullDate, formattedValue, formatString}`; a cell that
is JSON, `[...]` or `{...}`, is sent as that JSON, for files and entities). `value_problems`
is the harness's model of the server's validators: the problems createOrder would answer 400
for, used by `check-forms` on pinned values and on the values faker draws.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from oneentry_contracts.errors import ConfigError

__all__ = [
    "ATTRIBUTE_TYPES",
    "DATE_FORMATS",
    "EMAIL",
    "AttributeType",
    "Problem",
    "is_empty",
    "pinned_value",
    "required",
    "string_limits",
    "value_problems",
]

EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# type: (formatString, strftime of formattedValue, the table formats a pinned cell may use)
DATE_FORMATS: Final = {
    "date": ("DD-MM-YYYY", "%d-%m-%Y", ("%Y-%m-%d", "%d-%m-%Y")),
    "dateTime": ("DD-MM-YYYY HH:mm", "%d-%m-%Y %H:%M", ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")),
    "time": ("HH:mm", "%H:%M", ("%H:%M",)),
}
_TEXT_KEYS: Final = ("plainValue", "htmlValue", "mdValue")


@dataclass(frozen=True, slots=True)
class AttributeType:
    """One attribute type: the value sent for it, and whether faker can draw one."""

    name: str
    sends: str
    fakeable: bool


def _t(name: str, sends: str, fakeable: bool = True) -> AttributeType:
    return AttributeType(name, sends, fakeable)


_PIN_JSON = "nothing by itself: pin its value as JSON in the table"
ATTRIBUTE_TYPES: Final[Mapping[str, AttributeType]] = {
    t.name: t
    for t in (
        _t("string", "text within stringInspectionValidator; an e-mail if so validated"),
        _t("text", '[{"plainValue": text}]'),
        _t("textWithHeader", _PIN_JSON, False),
        _t("integer", "a whole number 1..1000"),
        _t("real", "a number with 2 decimals"),
        _t("float", "a number with 2 decimals"),
        _t("date", '{"fullDate", "formattedValue" DD-MM-YYYY, "formatString"}'),
        _t("dateTime", '{"fullDate", "formattedValue" DD-MM-YYYY HH:mm, "formatString"}'),
        _t("time", '{"fullDate", "formattedValue" HH:mm, "formatString"}'),
        _t("list", "[one of listTitles' values]"),
        _t("radioButton", "[one of listTitles' values]"),
        _t("timeInterval", "[[start ISO, end ISO]], one hour"),
        _t("file", _PIN_JSON + " ([{filename, downloadLink, size}])", False),
        _t("image", _PIN_JSON + " ([{filename, downloadLink, size}])", False),
        _t("groupOfImages", _PIN_JSON + " ([{filename, downloadLink, size}])", False),
        _t("entity", _PIN_JSON + ' (page ids, or "p-<parent>-<product>")', False),
        _t("spam", _PIN_JSON + " (a captcha answer)", False),
        _t("button", _PIN_JSON, False),
    )
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why createOrder would refuse a value: a finding kind, the problem, how to fix it."""

    kind: str
    problem: str
    fix: str


def required(attribute: Mapping[str, Any]) -> bool:
    """Whether the attribute has a `requiredValidator` (its presence means required)."""
    validators = attribute.get("validators") or {}
    return isinstance(validators, Mapping) and "requiredValidator" in validators


def is_empty(value: Any) -> bool:
    """An empty value, as a required field's check sees it: `""`, `[]`, `{}`, `None`."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return value is None


def string_limits(raw: Any) -> tuple[int, int | None]:
    """`stringInspectionValidator` as (min, max), `stringLength` counted in; strings, `0` and
    `""` as the API sends them."""
    if not isinstance(raw, Mapping):
        return 0, None
    numbers: dict[str, int] = {}
    for key in ("stringMin", "stringMax", "stringLength"):
        try:
            number = int(str(raw.get(key) or 0).strip())
        except ValueError:
            continue
        if number > 0:
            numbers[key] = number
    low, high = numbers.get("stringMin", 0), numbers.get("stringMax")
    if "stringLength" in numbers:  # the server checks all three
        exact = numbers["stringLength"]
        return max(low, exact), exact if high is None else min(high, exact)
    return low, high


def pinned_value(marker: str, kind: str, cell: str) -> Any:
    """A table cell as the wire value of its type (reference §4, formData value formats)."""
    text = cell.strip()
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(
                f"the pinned value of {marker!r} looks like JSON but is not: {error}.\n"
                "How to fix: write valid JSON, or a plain value without brackets.",
                key=marker,
            ) from None
    if kind in ("list", "radioButton"):
        return [text]
    if kind == "text":
        return [{"plainValue": text}]
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind in ("real", "float") and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    if kind in DATE_FORMATS:
        return _pinned_date(marker, kind, text)
    return cell


def _pinned_date(marker: str, kind: str, text: str) -> dict[str, str]:
    format_string, strftime, accepted = DATE_FORMATS[kind]
    for layout in accepted:
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        if kind == "time":
            moment = moment.replace(year=2025, month=1, day=1)
        return {
            "fullDate": moment.strftime("%Y-%m-%dT%H:%M:00.000Z"),
            "formattedValue": moment.strftime(strftime),
            "formatString": format_string,
        }
    example = datetime(2025, 5, 1, 14, 30).strftime(accepted[0])
    shown = " or ".join(_human(layout) for layout in accepted)
    raise ConfigError(
        f"the pinned value {text!r} of the {kind} field {marker!r} is not a {kind}.\n"
        f"How to fix: write it as {shown}, e.g. {example}.",
        key=marker,
    )


def _human(layout: str) -> str:
    """`%Y-%m-%d %H:%M` as `YYYY-MM-DD HH:mm`."""
    for code, shown in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "HH"), ("%M", "mm")):
        layout = layout.replace(code, shown)
    return layout


def value_problems(attribute: Mapping[str, Any], value: Any) -> list[Problem]:
    """What createOrder would refuse about `value` for `attribute` (empty values pass here;
    a required field left empty is the `required` check's)."""
    if is_empty(value):
        if required(attribute):
            fix = "pin a value, or leave it to faker"
            return [Problem("required", "the value is empty but the field is required", fix)]
        return []
    kind, marker = str(attribute.get("type")), str(attribute.get("marker"))
    validators = attribute.get("validators") or {}
    if not isinstance(validators, Mapping):
        validators = {}
    shape = _shape_problem(kind, value)
    if shape is not None:
        return [Problem("value", shape, f"send {ATTRIBUTE_TYPES[kind].sends}")]
    out: list[Problem] = []
    if kind in ("list", "radioButton"):
        options = [str(t.get("value")) for t in attribute.get("listTitles") or []]
        for chosen in value if isinstance(value, list) else [value]:
            if str(chosen) not in options:
                out.append(
                    Problem(
                        "list_value",
                        f"{chosen!r} is not among the listTitles of {marker!r} "
                        f"({', '.join(options) or 'none'})",
                        f"pin one of: {', '.join(options) or '(add options to the field)'}",
                    )
                )
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        out += _string_problems(str(value), kind, marker, validators)
    return out


def _string_problems(
    text: str, kind: str, marker: str, validators: Mapping[str, Any]
) -> list[Problem]:
    out: list[Problem] = []
    low, high = string_limits(validators.get("stringInspectionValidator"))
    if kind == "string" and (len(text) < low or (high is not None and len(text) > high)):
        bounds = f"{low}..{high if high is not None else ''}"
        out.append(
            Problem(
                "length",
                f"{text!r} has {len(text)} characters; stringInspectionValidator allows {bounds}",
                f"pin a value of {bounds} characters, or correct the validator",
            )
        )
    if validators.get("emailInspectionValidator") and not EMAIL.match(text):
        out.append(
            Problem(
                "email",
                f"{text!r} of the e-mail field {marker!r} is not an e-mail",
                "pin an address such as shopper@example.test, or leave the value to faker",
            )
        )
    pattern = validators.get("regExpValidator")
    if isinstance(pattern, Mapping) and isinstance(pattern.get("patternValue"), str):
        try:
            matches = re.fullmatch(pattern["patternValue"], text) is not None
        except re.error:
            matches = True  # a pattern Python cannot read is not ours to judge
        if not matches:
            out.append(
                Problem(
                    "pattern",
                    f"{text!r} does not match regExpValidator /{pattern['patternValue']}/",
                    "pin a value that matches the pattern, or correct the validator",
                )
            )
    return out


def _shape_problem(kind: str, value: Any) -> str | None:
    """Why `value` is not the wire shape of `kind`, or None (unknown types are not judged)."""
    if kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()) is not None
        )
        return None if ok else f"{value!r} is not a whole number"
    if kind in ("real", "float"):
        try:
            float(value)
        except (TypeError, ValueError):
            return f"{value!r} is not a number"
        return None if not isinstance(value, bool) else f"{value!r} is not a number"
    if kind in DATE_FORMATS:
        if not isinstance(value, Mapping) or not isinstance(value.get("fullDate"), str):
            return f"{value!r} is not a {kind} object {{fullDate, formattedValue, formatString}}"
        try:
            datetime.fromisoformat(value["fullDate"].replace("Z", "+00:00"))
        except ValueError:
            return f"fullDate {value['fullDate']!r} is not an ISO date-time"
        return None
    if kind == "text":
        items = value if isinstance(value, list) else [value]
        if not items or not all(
            isinstance(i, Mapping) and any(isinstance(i.get(k), str) for k in _TEXT_KEYS)
            for i in items
        ):
            return f"{value!r} is not a text value [{{plainValue | htmlValue | mdValue}}]"
        return None
    if kind == "string" and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        return f"{value!r} is not a string"
    return None
