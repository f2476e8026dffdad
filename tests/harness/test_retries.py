"""Retries, timeouts and lost answers against a real sandbox on a free port, with its faults.

Every wait the client asks for goes to an injected `sleep` that only records it, so the tests
assert the exact backoff and Retry-After delays without waiting for them.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from vcr import VCR  # type: ignore[import-untyped]

from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.api.retry import RetryPolicy, retry_after_seconds
from oneentry_contracts.errors import OutcomeUnknown, RetriesExhausted
from oneentry_contracts.recording.scrub import HOST_PLACEHOLDER, Scrubber, ScrubConfig
from oneentry_contracts.recording.vcr import configure_vcr, load_cassette_check, vcr_config
from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import REGISTERED, auth_body, order_body

APP_TOKEN = "retry-test-app-token"
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
FORM = "/api/content/forms/marker/order"
ORDERS = "/api/content/orders-storage/marker/orders/orders"
SESSIONS = "/api/content/payments/sessions"

MakeClient = Callable[..., OneEntryClient]


@pytest.fixture(scope="module")
def sandbox_app_token() -> str:
    return APP_TOKEN


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(sb: SandboxServer, sleeps: list[float]) -> Iterator[MakeClient]:
    opened: list[httpx.Client] = []

    def make(
        *,
        attempts: int = 4,
        timeout: float = 10.0,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> OneEntryClient:
        http = make_http_client(timeout)
        if transport is not None:
            http = httpx.Client(timeout=timeout, transport=transport)
        opened.append(http)
        policy = RetryPolicy(attempts=attempts, sleep=sleeps.append, now=lambda: NOW)
        return OneEntryClient(base_url or sb.base_url, APP_TOKEN, http=http, retry=policy)

    yield make
    for http in opened:
        http.close()


def fault(sb: SandboxServer, **rule: Any) -> None:
    httpx.post(sb.base_url + "/__sandbox/faults", json=rule).raise_for_status()


def pay(sb: SandboxServer, session: dict[str, Any]) -> None:
    """The payment provider completes the session: only a paid order can be refunded (R1)."""
    paid = httpx.post(f"{sb.base_url}/__sandbox/sessions/{session['id']}/pay", timeout=5)
    assert paid.status_code == 200, paid.text


def sandbox_state(sb: SandboxServer) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(sb.base_url + "/__sandbox/state").json()
    return state


def signed_in(client: OneEntryClient) -> OneEntryClient:
    pairs = auth_body(*REGISTERED)["authData"]
    assert client.login("email", pairs).status == 200
    return client


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ---------------------------------------------------------------------------------------------
# Idempotent requests survive transient failures


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_get_survives_a_burst_of_gateway_errors(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float], status: int
) -> None:
    fault(sb, method="GET", path=FORM, status=status, times=3)
    answer = make_client().call("form", path={"marker": "order"})
    assert answer.status == 200
    assert answer.body["identifier"] == "order"
    assert sleeps == [0.5, 1.0, 2.0]
    assert sandbox_state(sb)["faults"] == []  # all three faults were met


def test_429_retry_after_in_seconds_and_as_a_date_is_honoured(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    later = format_datetime(NOW + timedelta(seconds=5), usegmt=True)
    fault(sb, path=FORM, status=429, headers={"Retry-After": "3"}, times=1)
    fault(sb, path=FORM, status=429, headers={"Retry-After": later}, times=1)
    fault(sb, path=FORM, status=503, headers={"Retry-After": "0"}, times=1)
    answer = make_client().call("form", path={"marker": "order"})
    assert answer.status == 200
    assert sleeps == [3.0, 5.0, 0.0]


def test_a_retry_after_beyond_the_cap_is_not_waited_for(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    fault(sb, path=FORM, status=429, headers={"Retry-After": "120"}, times=1)
    with pytest.raises(RetriesExhausted) as caught:
        make_client().call("form", path={"marker": "order"})
    assert sleeps == []
    assert str(caught.value) == (
        f"form (GET {FORM}) failed; gave up after 1 attempt(s).\n"
        "  attempt 1: 429 Too Many Requests, Retry-After: 120: the server asks to wait 120 s, "
        "longer than retry_max_delay (8 s); not retried\n"
        "How to fix:\n"
        "  * The server asked to wait 120 s: run again later, or raise retry_max_delay under "
        "[recording] in oneentry-contracts.toml to at least 120 seconds."
    )


@pytest.mark.parametrize("drop", ["before", "after"])
def test_a_get_survives_dropped_connections(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float], drop: str
) -> None:
    fault(sb, method="GET", path=FORM, drop=drop, times=2)
    answer = make_client().call("form", path={"marker": "order"})
    assert answer.status == 200
    assert sleeps == [0.5, 1.0]


def test_exhausted_retries_list_every_attempt(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    fault(sb, path=FORM, status=503, times=2)
    fault(sb, path=FORM, drop="before", times=1)
    with pytest.raises(RetriesExhausted) as caught:
        make_client(attempts=3).call("form", path={"marker": "order"})
    error = caught.value
    assert str(error) == (
        f"form (GET {FORM}) failed; gave up after 3 attempt(s).\n"
        "  attempt 1: 503 Service Unavailable; retried after 0.5 s\n"
        "  attempt 2: 503 Service Unavailable; retried after 1 s\n"
        "  attempt 3: the connection was closed before an answer arrived (RemoteProtocolError)\n"
        "How to fix:\n"
        "  * The project, or a gateway in front of it, is failing: run again later; "
        "retry_attempts and retry_backoff under [recording] in oneentry-contracts.toml make the "
        "harness wait longer.\n"
        "  * The connection broke before the answer arrived: check the network, VPN or proxy "
        "between here and the project, then run again."
    )
    assert error.endpoint == "form"
    assert error.url == f"GET {FORM}"
    assert len(error.attempts) == 3
    assert sleeps == [0.5, 1.0]
    assert "127.0.0.1" not in str(error)


def test_a_proxy_html_page_on_every_attempt_says_so(
    sb: SandboxServer, make_client: MakeClient
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
    fault(sb, path=FORM, status=502, body=page, headers={"Content-Type": "text/html"})
    with pytest.raises(RetriesExhausted) as caught:
        make_client(attempts=2).call("form", path={"marker": "order"})
    assert str(caught.value) == (
        f"form (GET {FORM}) failed; gave up after 2 attempt(s).\n"
        "  attempt 1: 502 Bad Gateway, an HTML page; retried after 0.5 s\n"
        "  attempt 2: 502 Bad Gateway, an HTML page\n"
        "How to fix:\n"
        "  * An HTML error page usually comes from a proxy, gateway or login wall in front of "
        "the API: check that the project URL is the API host itself, and that the project is up."
    )


def test_latency_beyond_the_timeout_names_the_endpoint_and_the_timeout(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    fault(sb, method="GET", path=FORM, latency_ms=1500, times=2)
    with pytest.raises(RetriesExhausted) as caught:
        make_client(attempts=2, timeout=0.3).call("form", path={"marker": "order"})
    assert str(caught.value) == (
        f"form (GET {FORM}) failed; gave up after 2 attempt(s).\n"
        "  attempt 1: no answer within 0.3 s (ReadTimeout); retried after 0.5 s\n"
        "  attempt 2: no answer within 0.3 s (ReadTimeout)\n"
        "How to fix:\n"
        "  * The project did not answer within 0.3 s: check that it is up; if it is only slow, "
        "raise timeout under [recording] in oneentry-contracts.toml (seconds per request)."
    )
    assert sleeps == [0.5]


# ---------------------------------------------------------------------------------------------
# Requests that must not be repeated


def test_a_create_order_whose_answer_is_lost_is_not_repeated(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    client = signed_in(make_client())
    fault(sb, method="POST", path=ORDERS, drop="after", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        client.call("create_order", path={"marker": "orders"}, json=order_body())
    assert str(caught.value) == (
        f"create_order (POST {ORDERS}) was sent, but its answer was lost; it is not retried, "
        "because repeating it could do it twice.\n"
        "  attempt 1: the connection was closed before an answer arrived (RemoteProtocolError)\n"
        "How to fix:\n"
        "  * The order may have been created; check the storage before re-running."
    )
    assert sleeps == []
    assert sandbox_state(sb)["orders"] == 1
    listing = client.call("orders", path={"marker": "orders"}, params={"langCode": "en_US"})
    assert listing.body["total"] == 1


def test_a_slow_create_order_times_out_without_a_second_try(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    client = signed_in(make_client(timeout=0.3))
    fault(sb, method="POST", path=ORDERS, latency_ms=1500, times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        client.call("create_order", path={"marker": "orders"}, json=order_body())
    assert str(caught.value) == (
        f"create_order (POST {ORDERS}) was sent, but its answer was lost; it is not retried, "
        "because repeating it could do it twice.\n"
        "  attempt 1: no answer within 0.3 s (ReadTimeout)\n"
        "How to fix:\n"
        "  * The order may have been created; check the storage before re-running.\n"
        "  * The project did not answer within 0.3 s: check that it is up; if it is only slow, "
        "raise timeout under [recording] in oneentry-contracts.toml (seconds per request)."
    )
    assert sleeps == []


def test_a_create_order_answered_503_is_returned_not_repeated(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    client = signed_in(make_client())
    fault(sb, method="POST", path=ORDERS, status=503, times=1)
    answer = client.call("create_order", path={"marker": "orders"}, json=order_body())
    assert answer.status == 503
    assert sleeps == []
    assert sandbox_state(sb)["orders"] == 0


def test_a_create_order_that_cannot_connect_is_retried_and_then_explained(
    make_client: MakeClient, sleeps: list[float]
) -> None:
    client = make_client(attempts=3, base_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(RetriesExhausted) as caught:
        client.call("create_order", path={"marker": "orders"}, json=order_body())
    text = str(caught.value)
    lines = text.splitlines()
    assert lines[0] == f"create_order (POST {ORDERS}) failed; gave up after 3 attempt(s)."
    assert [line.split(": ")[0] for line in lines[1:4]] == [
        "  attempt 1",
        "  attempt 2",
        "  attempt 3",
    ]
    assert all("(ConnectError)" in line for line in lines[1:4])
    assert lines[4:] == [
        "How to fix:",
        "  * Nothing answered at the project URL: check the URL (ONEENTRY_PROJECT_URL with "
        "--project) and that its host is reachable from here; for a sandbox, check that it is "
        "running on that port.",
    ]
    assert "127.0.0.1" not in text
    assert sleeps == [0.5, 1.0]


class RefuseFirst(httpx.BaseTransport):
    """Refuses the first `n` connections (as a closed port would), then passes requests on."""

    def __init__(self, n: int) -> None:
        self.left = n
        self.real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.left:
            self.left -= 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return self.real.handle_request(request)

    def close(self) -> None:
        self.real.close()


def test_a_create_order_retried_after_refused_connections_creates_one_order(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    transport = RefuseFirst(0)
    client = signed_in(make_client(transport=transport))
    transport.left = 2  # nothing was sent on a refused connection: safe to retry
    answer = client.call("create_order", path={"marker": "orders"}, json=order_body())
    assert answer.status == 200
    assert sleeps == [0.5, 1.0]
    assert sandbox_state(sb)["orders"] == 1


def test_a_create_session_whose_answer_is_lost_is_not_repeated(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    client = signed_in(make_client())
    order = client.call("create_order", path={"marker": "orders"}, json=order_body()).body
    fault(sb, method="POST", path=SESSIONS, drop="after", times=1)
    body = {"orderId": order["id"], "type": "session", "automaticTaxEnabled": False}
    with pytest.raises(OutcomeUnknown) as caught:
        client.call("create_session", json=body)
    assert str(caught.value).splitlines()[-1] == (
        "  * The payment session may have been created; check the order's sessions before "
        "re-running."
    )
    assert caught.value.attempts == (
        "attempt 1: the connection was closed before an answer arrived (RemoteProtocolError)",
    )
    assert sleeps == []
    assert sandbox_state(sb)["sessions"] == 1


def test_refund_requests_whose_answers_are_lost_are_not_repeated(
    sb: SandboxServer, make_client: MakeClient, sleeps: list[float]
) -> None:
    client = signed_in(make_client())
    order = client.call("create_order", path={"marker": "orders"}, json=order_body()).body
    pay(sb, client.call("create_session", json={"orderId": order["id"], "type": "session"}).body)
    refund = f"/api/content/orders/{order['id']}/refund"
    fault(sb, method="POST", path=refund, drop="after", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        client.call(
            "create_refund", path={"id": order["id"]}, json={"products": {"14": {"quantity": 1}}}
        )
    assert str(caught.value).splitlines()[-1] == (
        "  * The refund request may have been created; check the order's refunds before re-running."
    )
    assert sandbox_state(sb)["refunds"] == 1
    fault(sb, method="DELETE", path=refund, drop="after", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        client.call("cancel_refund", path={"id": order["id"]})
    assert str(caught.value).splitlines()[-1] == (
        "  * The refund request may have been cancelled; check the order's refunds before "
        "re-running."
    )
    assert sleeps == []
    (request,) = client.call("refunds", path={"id": order["id"]}).body
    assert request["status"] == "canceled"


# ---------------------------------------------------------------------------------------------
# Retry-After parsing


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-3", None),
    ],
)
def test_retry_after_header_values(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(attempts=8, backoff=0.5, max_delay=3.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        RetryPolicy(attempts=0)


# ---------------------------------------------------------------------------------------------
# Cassettes: recorded retries replay identically, recorded answers are never retried


def _cassette_client(
    path: Path, mode: str, base_url: str | None, sleeps: list[float], attempts: int = 4
) -> Iterator[OneEntryClient]:
    my_vcr = VCR()
    configure_vcr(my_vcr)
    scrub = ScrubConfig(
        real_base_urls=(base_url,) if base_url else (), secrets={APP_TOKEN: "<APP_TOKEN>"}
    )
    settings = vcr_config(Scrubber(scrub), record_mode=mode)
    policy = RetryPolicy(attempts=attempts, sleep=sleeps.append, now=lambda: NOW)
    with my_vcr.use_cassette(str(path), **settings) as cassette, httpx.Client() as http:
        token = APP_TOKEN if base_url else "<APP_TOKEN>"
        yield OneEntryClient(base_url or HOST_PLACEHOLDER, token, http=http, retry=policy)
    assert mode == "all" or cassette.all_played


def test_a_recorded_retry_replays_identically(sb: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "retry.yaml"
    fault(sb, path=FORM, status=503, headers={"Retry-After": "1"}, times=1)
    recorded: list[float] = []
    for client in _cassette_client(path, "all", sb.base_url, recorded):
        live = client.call("form", path={"marker": "order"})
        missing = client.call("form", path={"marker": "nope"})
    statuses = [i["response"]["status"]["code"] for i in load_cassette_check(path)["interactions"]]
    assert statuses == [503, 200, 404]  # the 404 was final: not retried
    replayed: list[float] = []
    for client in _cassette_client(path, "none", None, replayed):
        again = client.call("form", path={"marker": "order"})
        refused = client.call("form", path={"marker": "nope"})
    assert (again.status, again.body) == (live.status, live.body)
    assert (refused.status, refused.body) == (missing.status, missing.body)
    assert replayed == recorded == [1.0]


def test_a_recorded_exhausted_retry_replays_the_same_error(
    sb: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "exhausted.yaml"
    fault(sb, path=FORM, status=503)
    errors: list[str] = []
    for mode, base_url in (("all", sb.base_url), ("none", None)):
        for client in _cassette_client(path, mode, base_url, [], attempts=2):
            with pytest.raises(RetriesExhausted) as caught:
                client.call("form", path={"marker": "order"})
            errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert errors[0].startswith(f"form (GET {FORM}) failed; gave up after 2 attempt(s).")
    assert len(load_cassette_check(path)["interactions"]) == 2
