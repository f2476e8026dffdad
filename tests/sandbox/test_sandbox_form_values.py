"""createOrder checks each formData value's shape against its attribute's type: numbers for
integer/real/float, a `{fullDate, formattedValue, formatString}` object for date, dateTime and
time (reference §4, formData value formats); the shapes the harness sends are accepted."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import oneentry_sandbox
from oneentry_sandbox import SandboxServer, parse_project
from tests.sandbox.sandbox_kit import REGISTERED, STORAGE, Api, assert_error, order_body

DEFAULT = yaml.safe_load(
    (Path(oneentry_sandbox.__file__).parent / "default_project.yaml").read_text(encoding="utf-8")
)
EXTRA = [
    {"marker": "count", "type": "integer", "title": "Count", "position": 3},
    {"marker": "weight", "type": "real", "title": "Weight", "position": 4},
    {"marker": "day", "type": "date", "title": "Day", "position": 5},
    {"marker": "at", "type": "time", "title": "At", "position": 6},
]
DAY = {
    "fullDate": "2025-05-01T00:00:00.000Z",
    "formattedValue": "01-05-2025",
    "formatString": "DD-MM-YYYY",
}


@pytest.fixture
def user(sb: SandboxServer) -> Iterator[Api]:
    project = copy.deepcopy(DEFAULT)
    form = next(f for f in project["forms"] if f["identifier"] == "order")
    form["attributes"] += EXTRA
    default = sb.state.project
    sb.state.project = parse_project(project)
    sb.state.reset()
    client = Api(sb.base_url, sb.app_token)
    client.login(*REGISTERED)
    yield client
    client.close()
    sb.state.project = default
    sb.state.reset()


def _with(marker: str, kind: str, value: Any) -> dict[str, Any]:
    body = order_body()
    body["formData"]["en_US"].append({"marker": marker, "type": kind, "value": value})
    return body


@pytest.mark.parametrize(
    ("marker", "kind", "value"),
    [
        ("count", "integer", 3),
        ("count", "integer", "3"),
        ("weight", "real", 2.5),
        ("weight", "real", "2.50"),
        ("day", "date", DAY),
        ("at", "time", {**DAY, "formattedValue": "14:30", "formatString": "HH:mm"}),
    ],
)
def test_values_of_their_types_shape_are_accepted(
    user: Api, marker: str, kind: str, value: Any
) -> None:
    assert user.create_order(_with(marker, kind, value))["formData"][1]["value"] == value


@pytest.mark.parametrize(
    ("marker", "kind", "value", "message"),
    [
        ("count", "integer", "three", "formData's marker 'count' value must be a number (integer)"),
        ("count", "integer", 2.5, "formData's marker 'count' value must be a number (integer)"),
        ("count", "integer", True, "formData's marker 'count' value must be a number (integer)"),
        ("weight", "real", "heavy", "formData's marker 'weight' value must be a number (real)"),
        (
            "day",
            "date",
            "2025-05-01",
            "formData's marker 'day' value must be a date {fullDate, formattedValue, formatString}",
        ),
        (
            "at",
            "time",
            {"fullDate": "half past two"},
            "formData's marker 'at' value must be a time {fullDate, formattedValue, formatString}",
        ),
    ],
)
def test_values_of_another_shape_are_refused(
    user: Api, marker: str, kind: str, value: Any, message: str
) -> None:
    response = user.post(f"{STORAGE}/marker/orders/orders", _with(marker, kind, value))
    assert_error(response, 400, message)
