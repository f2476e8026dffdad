"""The json_body matcher's fast paths (vcrpy tries it on every recorded request)."""

from __future__ import annotations

import pytest
from vcr.request import Request  # type: ignore[import-untyped]

from oneentry_contracts.recording.vcr import json_body

URL = "https://project.oneentry.test/api/content/orders-storage/marker/orders/orders"


def _post(body: str, url: str = URL, method: str = "POST") -> Request:
    return Request(method, url, body.encode(), {"content-type": "application/json"})


def test_the_same_bytes_match() -> None:
    json_body(_post('{"a":1,"b":[1,2]}'), _post('{"a":1,"b":[1,2]}'))


def test_the_same_json_in_other_bytes_matches() -> None:
    json_body(_post('{"a": 1, "b": [1, 2]}'), _post('{"b":[1,2],"a":1}'))


def test_a_changed_field_is_named() -> None:
    with pytest.raises(AssertionError, match=r"/b/1: 2 → 3"):
        json_body(_post('{"a":1,"b":[1,3]}'), _post('{"a":1,"b":[1,2]}'))


@pytest.mark.parametrize(
    ("method", "url"), [("PUT", URL), ("POST", URL.replace("orders/orders", "orders"))]
)
def test_another_endpoint_is_not_described(method: str, url: str) -> None:
    with pytest.raises(AssertionError, match="not compared"):
        json_body(_post('{"a":1}', url, method), _post('{"a":2}'))
