"""The control API refuses values that would break the state until a reset, and any unexpected
exception is the API's 500 body on a connection that stays open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from oneentry_sandbox.clock import Clock
from tests.sandbox.sandbox_kit import Api, assert_error

PRICE_RANGE = 'body must be {"price": <a number from 0 to 1000000000>}'
INFINITY = "Request body is not valid JSON: Infinity is not a JSON number"
SURROGATE = "Request body contains a lone UTF-16 surrogate (e.g. \\ud800); send valid Unicode"


@pytest.fixture
def control(sb: SandboxServer) -> Any:
    with httpx.Client(base_url=sb.base_url, timeout=10) as client:
        yield client


def _port(response: httpx.Response) -> int:
    port: int = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"price": Infinity}', INFINITY),
        ('{"price": NaN}', "Request body is not valid JSON: NaN is not a JSON number"),
        ('{"price": 1e400}', "Request body number 1e400 is out of range"),
        ('{"price": 1e300}', PRICE_RANGE),
        ('{"price": 1000000000.01}', PRICE_RANGE),
        ('{"price": -1}', PRICE_RANGE),
        ('{"price": "5"}', PRICE_RANGE),
        ('{"price": true}', PRICE_RANGE),
        ("[]", PRICE_RANGE),
    ],
)
def test_bad_prices_are_refused_and_not_stored(
    sb: SandboxServer, control: httpx.Client, api: Api, body: str, message: str
) -> None:
    before = dict(sb.state.prices)
    assert_error(control.put("/__sandbox/products/14", content=body), 400, message)
    assert sb.state.prices == before
    product = api.get("/api/content/products/14")
    assert product.status_code == 200
    assert product.json()["price"] == 340


def test_the_highest_price_is_accepted(sb: SandboxServer, control: httpx.Client) -> None:
    answer = control.put("/__sandbox/products/14", json={"price": 1_000_000_000})
    assert answer.json() == {"id": 14, "price": 1_000_000_000}
    assert sb.state.prices[14] == Decimal(1_000_000_000)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"advance_sec": 1e12}',
            "advance_sec 1000000000000.0 would move the clock past 9000-01-01T00:00:00.000Z; "
            "advance by less (POST /__sandbox/reset puts the clock back)",
        ),
        (
            '{"advance_sec": Infinity}',
            "Request body is not valid JSON: Infinity is not a JSON number",
        ),
        ('{"advance_sec": NaN}', "Request body is not valid JSON: NaN is not a JSON number"),
        ('{"advance_sec": -5}', 'body must be {"advance_sec": <non-negative number>}'),
    ],
)
def test_a_clock_jump_out_of_range_is_refused(
    sb: SandboxServer, control: httpx.Client, user: Api, body: str, message: str
) -> None:
    assert_error(control.post("/__sandbox/clock", content=body), 400, message)
    assert abs(sb.state.clock.now() - datetime.now(UTC)) < timedelta(minutes=1)
    assert control.get("/__sandbox/state").status_code == 200
    assert user.create_order()["id"] == 90  # tokens, dates: the state still works


def test_a_deterministic_clock_refuses_to_pass_its_end() -> None:
    clock = Clock(deterministic=True, start="8999-12-31T00:00:00.000Z", step_ms=1000)
    with pytest.raises(ValueError, match="would pass 9000-01-01"):
        clock.advance(2 * 86_400)
    assert clock.now() == datetime(8999, 12, 31, tzinfo=UTC)
    clock.advance(86_400)
    clock.tick()  # ticks stop at the end instead of overflowing
    assert clock.now() == datetime(9000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('{"status": 500, "body": "\\ud800"}', SURROGATE),
        ('{"status": 500, "message": "\\udc00"}', SURROGATE),
        ('{"status": 500, "headers": {"X-A": "a\\r\\nSet-Cookie: x"}}',
         "fault rule: headers: the value of 'X-A' must be printable ASCII (at most 1024 chars)"),
        ('{"status": 500, "headers": {"X-A": "\\u00e9"}}',
         "fault rule: headers: the value of 'X-A' must be printable ASCII (at most 1024 chars)"),
        ('{"status": 500, "headers": {"Bad Name": "1"}}',
         "fault rule: headers: 'Bad Name' is not a valid header name (letters, digits, -)"),
        ('{"status": 500, "headers": {"Content-Length": "3"}}',
         "fault rule: headers: 'Content-Length' is set by the server; leave it out"),
        ('{"status": 502, "headers": {"transfer-encoding": "chunked"}}',
         "fault rule: headers: 'transfer-encoding' is set by the server; leave it out"),
        ('{"status": 204, "body": "x"}',
         "fault rule: body: must be empty: a 204 answer has no body"),
        ('{"status": 503, "times": ' + "9" * 5000 + "}",
         "Request body integer 99999999999999999999... (5000 digits) is outside the safe range "
         "-9007199254740991..9007199254740991"),
    ],
)  # fmt: skip
def test_a_fault_that_could_not_be_sent_is_refused(
    sb: SandboxServer, control: httpx.Client, api: Api, rule: str, message: str
) -> None:
    assert_error(control.post("/__sandbox/faults", content=rule), 400, message)
    assert sb.state.faults.rules() == []
    assert api.get("/api/content/forms").status_code == 200


def test_an_empty_204_fault_keeps_the_connection(
    sb: SandboxServer, control: httpx.Client, api: Api
) -> None:
    rule = {"path": "/api/content/forms", "status": 204, "body": "", "times": 1}
    assert control.post("/__sandbox/faults", json=rule).status_code == 201
    faulted = api.get("/api/content/forms")
    assert faulted.status_code == 204
    again = api.get("/api/content/forms")
    assert again.status_code == 200
    assert _port(again) == _port(faulted)


def test_an_exception_in_a_route_is_a_json_500_on_a_live_connection(
    sb: SandboxServer, control: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(sb.state, "summary", broken)
    failed = control.get("/__sandbox/state")
    assert_error(failed, 500, "Internal server error")
    monkeypatch.undo()
    again = control.get("/__sandbox/state")
    assert again.status_code == 200
    assert _port(again) == _port(failed)


def test_an_exception_in_the_middleware_is_a_json_500_on_a_live_connection(
    sb: SandboxServer, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(method: str, path: str) -> None:
        raise KeyError(path)

    monkeypatch.setattr(sb.state.faults, "take", broken)
    failed = api.get("/api/content/forms")
    assert_error(failed, 500, "Internal server error")
    monkeypatch.undo()
    again = api.get("/api/content/forms")
    assert again.status_code == 200
    assert _port(again) == _port(failed)


def test_an_error_answer_survives_a_broken_clock(
    sb: SandboxServer, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> datetime:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(sb.state.clock, "now", broken)
    assert_error(api.get("/api/content/products/404"), 404, "Product 404 not found")
