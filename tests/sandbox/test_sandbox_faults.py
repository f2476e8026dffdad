"""Fault injection and the control API."""

from __future__ import annotations

import time

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import STORAGE, Api, assert_error, order_body

FORM = "/api/content/forms/marker/order"
ORDERS = f"{STORAGE}/marker/orders/orders"


def _fault(sb: SandboxServer, rule: dict[str, object]) -> httpx.Response:
    return httpx.post(sb.base_url + "/__sandbox/faults", json=rule)


def test_status_fault_fires_exactly_n_times(sb: SandboxServer, api: Api) -> None:
    added = _fault(sb, {"method": "GET", "path": FORM, "status": 503, "times": 3})
    assert added.status_code == 201
    for _ in range(3):
        assert_error(api.get(FORM), 503, "Injected fault: 503")
    assert api.get(FORM).status_code == 200
    assert api.get("/api/content/forms").status_code == 200


def test_latency_fault(sb: SandboxServer, api: Api) -> None:
    _fault(sb, {"path": FORM, "latency_ms": 400, "times": 1})
    started = time.monotonic()
    assert api.get(FORM).status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    assert api.get(FORM).status_code == 200
    assert time.monotonic() - started < 0.4


def test_drop_before_closes_without_handling(sb: SandboxServer, user: Api) -> None:
    _fault(sb, {"method": "POST", "path": ORDERS, "drop": "before", "times": 1})
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        user.post(ORDERS, order_body())
    assert sb.state.orders == {}
    assert user.get(ORDERS).json()["total"] == 0


def test_drop_after_commits_then_closes(sb: SandboxServer, user: Api) -> None:
    _fault(sb, {"method": "POST", "path": ORDERS, "drop": "after", "times": 1})
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        user.post(ORDERS, order_body())
    listing = user.get(ORDERS).json()
    assert listing["total"] == 1
    assert [o["id"] for o in listing["items"]] == [90]
    assert list(sb.state.orders) == [90]


def test_faults_from_the_project_file_and_clearing(sb: SandboxServer, api: Api) -> None:
    _fault(sb, {"status": 500})
    assert_error(api.get(FORM), 500, "Injected fault: 500")
    assert httpx.get(sb.base_url + "/__sandbox/faults").json()[0]["status"] == 500
    assert httpx.delete(sb.base_url + "/__sandbox/faults").json() is True
    assert api.get(FORM).status_code == 200


def test_bad_fault_rule_is_400(sb: SandboxServer) -> None:
    response = _fault(sb, {"drop": "sideways"})
    assert_error(response, 400, "fault rule: drop: expected 'before' or 'after', got 'sideways'")
    assert_error(
        _fault(sb, {"colour": 1}),
        400,
        "fault rule: colour: unknown key; known keys: method, path, status, message, "
        "headers, body, latency_ms, drop, times",
    )
    assert_error(
        _fault(sb, {"body": "<html></html>"}),
        400,
        "fault rule: body: needs a status to answer with",
    )
    assert_error(
        _fault(sb, {"status": 429, "headers": {"Retry-After": 2}}),
        400,
        "fault rule: headers: expected a mapping of strings to strings, got {'Retry-After': 2}",
    )
    assert_error(_fault(sb, {"status": 200}), 400, "fault rule: status: expected 400..599, got 200")


def test_status_fault_with_headers_keeps_the_error_body(sb: SandboxServer, api: Api) -> None:
    rule = {"path": FORM, "status": 429, "headers": {"Retry-After": "3"}, "times": 1}
    assert _fault(sb, rule).json()["headers"] == {"Retry-After": "3"}
    answer = api.get(FORM)
    assert_error(answer, 429, "Injected fault: 429")
    assert answer.headers["retry-after"] == "3"
    assert "retry-after" not in api.get(FORM).headers


def test_status_fault_with_a_raw_body(sb: SandboxServer, api: Api) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    html = {"status": 502, "body": page, "headers": {"Content-Type": "text/html"}, "times": 1}
    _fault(sb, {"path": FORM, **html})
    _fault(sb, {"path": FORM, "status": 200, "body": "", "times": 1})
    _fault(sb, {"path": FORM, "status": 500, "body": "oops", "times": 1})
    answer = api.get(FORM)
    assert (answer.status_code, answer.text) == (502, page)
    assert answer.headers["content-type"] == "text/html"
    empty = api.get(FORM)
    assert (empty.status_code, empty.content) == (200, b"")
    plain = api.get(FORM)
    assert (plain.status_code, plain.text) == (500, "oops")
    assert plain.headers["content-type"].startswith("text/plain")
    assert api.get(FORM).json()["identifier"] == "order"


def test_state_reset_and_price_control(sb: SandboxServer, user: Api) -> None:
    user.create_order()
    summary = httpx.get(sb.base_url + "/__sandbox/state").json()
    assert summary["orders"] == 1
    assert summary["users"] == 2
    assert summary["sessions"] == 0
    price = httpx.put(sb.base_url + "/__sandbox/products/14", json={"price": 12.5})
    assert price.json() == {"id": 14, "price": 12.5}
    assert user.create_order()["totalSum"] == 12.5
    reset = httpx.post(sb.base_url + "/__sandbox/reset").json()
    assert reset["orders"] == 0
    assert sb.state.prices[14] == 340
    assert_error(
        httpx.put(sb.base_url + "/__sandbox/products/5", json={"price": 1}),
        404,
        "Product 5 not found",
    )
