"""The fill-in steps' library: values drawn from the live form's attributes, table cells in their
type's wire shape, the table choosing the fields, every required field; and the type table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.endpoints import ENDPOINTS
from oneentry_contracts.config.settings import Config
from oneentry_contracts.errors import ConfigError, FormConfigMismatch
from oneentry_contracts.shop.attrtypes import ATTRIBUTE_TYPES, pinned_value, value_problems
from oneentry_contracts.shop.fill import fill_from_table, fill_required, read_form
from oneentry_contracts.shop.formdata import SUPPORTED_TYPES, FormDataFaker

REQUIRED = {"requiredValidator": {"strict": True}}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORDER: list[dict[str, Any]] = [
    {
        "marker": "name",
        "type": "string",
        "validators": {
            "requiredValidator": {"strict": True},
            "stringInspectionValidator": {"stringMin": 0, "stringMax": "5", "stringLength": 0},
        },
    },
    {
        "marker": "contact",
        "type": "string",
        "validators": {
            "emailInspectionValidator": True,
            "stringInspectionValidator": {"stringMax": 14},
        },
    },
    {
        "marker": "delivery",
        "type": "list",
        "listTitles": [{"title": "Courier", "value": "courier"}],
        "validators": {"requiredValidator": {}},
    },
    {"marker": "day", "type": "date", "validators": {"requiredValidator": {"strict": True}}},
    {"marker": "note", "type": "text", "validators": {}},
]


class FakeApi:
    """Answers `form` calls with one body; remembers what was asked."""

    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body
        self.asked: list[tuple[str, Any, Any]] = []

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> ApiResponse:
        self.asked.append((name, path, params))
        url = f"https://x.test{ENDPOINTS[name].url_path(**(path or {}))}"
        return ApiResponse(ENDPOINTS[name], self.status, self.body, url)


def _table(*rows: str) -> list[list[str]]:
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]


def test_read_form_asks_the_form_by_marker_in_the_language() -> None:
    api = FakeApi(200, {"identifier": "order", "attributes": ORDER})
    assert read_form(api, "order", "ru_RU") == ORDER
    assert api.asked == [("form", {"marker": "order"}, {"langCode": "ru_RU"})]
    assert (
        read_form(FakeApi(200, {"identifier": "empty", "attributes": {}}), "empty", "en_US") == []
    )


def test_read_form_refusals_keep_the_cause() -> None:
    with pytest.raises(FormConfigMismatch, match=r"(?s)no form 'order'.*check-forms"):
        read_form(FakeApi(404, {"statusCode": 404, "message": "Not found"}), "order", "en_US")
    with pytest.raises(ConfigError, match=r"\(403: Resource is closed\)") as caught:
        read_form(FakeApi(403, {"statusCode": 403, "message": "Resource is closed"}), "o", "en_US")
    assert "{" not in str(caught.value)


@pytest.mark.parametrize("seed", range(30))
def test_values_honour_the_live_validators(seed: int) -> None:
    table = _table("| marker | type |", "| name | string |", "| contact | |", "| day | date |")
    filled = fill_from_table(FormDataFaker(seed), Config(), "order", ORDER, table)
    values = {e["marker"]: e for e in filled.entries}
    assert [e["marker"] for e in filled.entries] == ["name", "contact", "day"]  # table order
    assert 1 <= len(values["name"]["value"]) <= 5
    assert EMAIL.match(values["contact"]["value"])
    assert len(values["contact"]["value"]) <= 14
    assert values["contact"]["type"] == "string"  # an empty type cell: the live type
    assert set(values["day"]["value"]) == {"fullDate", "formattedValue", "formatString"}
    for entry in filled.entries:
        attribute = next(a for a in ORDER if a["marker"] == entry["marker"])
        assert value_problems(attribute, entry["value"]) == []


def test_pinned_cells_are_sent_in_their_types_wire_shape() -> None:
    table = _table(
        "| marker   | type | value      |",
        "| delivery | list | courier    |",
        "| day      | date | 2025-05-01 |",
        "| note     | text | Ring twice |",
        "| name     |      | Ada        |",
    )
    filled = fill_from_table(FormDataFaker(1), Config(), "order", ORDER, table)
    assert [e["value"] for e in filled.entries] == [
        ["courier"],
        {
            "fullDate": "2025-05-01T00:00:00.000Z",
            "formattedValue": "01-05-2025",
            "formatString": "DD-MM-YYYY",
        },
        [{"plainValue": "Ring twice"}],
        "Ada",
    ]


def test_a_type_the_form_does_not_declare_is_sent_as_the_table_says() -> None:
    table = _table("| marker | type |", "| name | integer |", "| nickname | string |")
    filled = fill_from_table(FormDataFaker(1), Config(), "order", ORDER, table)
    assert [(e["marker"], e["type"]) for e in filled.entries] == [
        ("name", "integer"),
        ("nickname", "string"),
    ]
    assert isinstance(filled.entries[0]["value"], int)


def test_a_field_the_form_lacks_needs_a_type() -> None:
    with pytest.raises(ConfigError, match=r"(?s)no field 'nickname'.*contact, day, delivery"):
        fill_from_table(
            FormDataFaker(1), Config(), "order", ORDER, _table("|marker|", "|nickname|")
        )


def test_markers_go_through_the_config() -> None:
    config = Config(markers={"full_name": "name"})
    filled = fill_from_table(
        FormDataFaker(1), config, "order", ORDER, _table("|marker|", "|full_name|")
    )
    assert filled.entries[0]["marker"] == "name"


def test_every_required_field() -> None:
    filled = fill_required(FormDataFaker(4), "order", ORDER)
    assert [e["marker"] for e in filled.entries] == ["name", "delivery", "day"]
    assert filled.entries[1]["value"] == ["courier"]


def test_every_sdk_type_is_listed_and_the_fakeable_ones_are_faked() -> None:
    sdk = "string text textWithHeader integer real float dateTime date time file image "
    sdk += "groupOfImages radioButton list button spam entity timeInterval"
    assert set(ATTRIBUTE_TYPES) == set(sdk.split())
    assert {t for t, info in ATTRIBUTE_TYPES.items() if info.fakeable} == set(SUPPORTED_TYPES)
    interval = FormDataFaker(2).value({"marker": "slot", "type": "timeInterval"})
    [[start, end]] = interval
    assert start < end
    assert start.endswith(":00:00.000Z")


@pytest.mark.parametrize(
    ("kind", "cell", "sent"),
    [
        ("integer", "12", 12),
        ("real", "2.5", 2.5),
        ("integer", "twelve", "twelve"),  # sent as written: check-forms flags it
        ("radioButton", "red", ["red"]),
        ("file", '[{"filename": "a.pdf", "size": 1}]', [{"filename": "a.pdf", "size": 1}]),
        ("time", "14:30", {"fullDate": "2025-01-01T14:30:00.000Z", "formattedValue": "14:30",
                           "formatString": "HH:mm"}),
    ],
)  # fmt: skip
def test_pinned_value(kind: str, cell: str, sent: Any) -> None:
    assert pinned_value("f", kind, cell) == sent


def test_pinned_value_refuses_a_date_it_cannot_read_and_broken_json() -> None:
    with pytest.raises(
        ConfigError, match=r"(?s)'tomorrow'.*YYYY-MM-DD or DD-MM-YYYY, e\.g\. 2025-05-01"
    ):
        pinned_value("day", "date", "tomorrow")
    with pytest.raises(ConfigError, match="looks like JSON"):
        pinned_value("file", "file", "[{oops")


def test_a_live_field_no_value_can_meet_is_the_projects_problem() -> None:
    mail = {
        "marker": "contact",
        "type": "string",
        "validators": {**REQUIRED, "emailInspectionValidator": True,
                       "stringInspectionValidator": {"stringMax": 4}},
    }  # fmt: skip
    with pytest.raises(FormConfigMismatch, match=r"(?s)form 'order': .*'contact'.*check-forms"):
        fill_from_table(
            FormDataFaker(1), Config(), "order", [mail], _table("|marker|", "|contact|")
        )
    with pytest.raises(FormConfigMismatch, match="too short for any address"):
        fill_required(FormDataFaker(1), "order", [mail])


def test_the_readme_lists_what_is_sent_for_every_type() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for info in ATTRIBUTE_TYPES.values():
        assert f"| `{info.name}` | {info.sends.replace('|', '/')} |" in readme, info.name
