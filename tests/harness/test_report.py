"""The run report's records: JSON round trip, counts, and the HTML page's escaping."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.recording.scrub import Scrubber
from oneentry_contracts.reporting.capture import exchange_of
from oneentry_contracts.reporting.report import (
    Exchange,
    RunReport,
    ScenarioRecord,
    StepRecord,
    Violation,
    prepare_report_dir,
)
from oneentry_contracts.reporting.report_html import render_html

EXCHANGE = Exchange(
    method="POST",
    url="https://project.oneentry.test/api/content/orders",
    request_headers=(("authorization", "Bearer <ACCESS_TOKEN_1>"),),
    request_body='{"note":"<script>alert(1)</script>"}',
    status=201,
    response_headers=(("content-type", "application/json"),),
    response_body='{"totalSum":"340"}',
    step="When the guest places the order",
)
FAILED = ScenarioRecord(
    nodeid="features/test_features.py::test_buy[cash]",
    feature="guest_purchase",
    feature_title="Guest purchase",
    name="A guest buys 2 × Cosmo & pays",
    outcome="failed",
    duration=0.5,
    steps=(
        StepRecord("Given", "a cart", 3, "passed", 0.1, table=(("product", "qty"), ("Cosmo", "2"))),
        StepRecord(
            "When",
            "the guest places the order",
            4,
            "failed",
            0.2,
            error="Response violates schema 'created_order'",
            exchange=EXCHANGE,
            violation=Violation("created_order", "type", "/totalSum", '"340"', ("a", "b")),
        ),
        StepRecord("Then", "the order is paid", 5, "skipped"),
    ),
    failure="Step failed: When the guest places the order",
    cassette="cassettes/guest_purchase/a.yaml",
    cassette_change="changed",
)
PASSED = ScenarioRecord("n2", "errors", "Refusals", "A refusal", "passed", 0.1)


def test_round_trip_through_json(tmp_path: Path) -> None:
    report = RunReport("replay", (FAILED, PASSED))
    report.dump(tmp_path / "report.json")
    assert RunReport.load(tmp_path / "report.json") == report


def test_counts_per_feature() -> None:
    counts = RunReport("replay", (FAILED, PASSED, PASSED)).counts()
    assert counts == {
        "errors": {"passed": 2, "failed": 0, "skipped": 0},
        "guest_purchase": {"passed": 0, "failed": 1, "skipped": 0},
    }


def test_html_shows_the_failing_step_escaped() -> None:
    page = render_html(RunReport("record", (FAILED, PASSED)))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A guest buys 2 × Cosmo &amp; pays" in page
    assert "<td>/totalSum</td>" in page
    assert "<td>type</td>" in page
    assert "POST https://project.oneentry.test/api/content/orders" in page
    assert "Bearer &lt;ACCESS_TOKEN_1&gt;" in page
    assert "status 201" in page
    assert "<td>Cosmo</td>" in page
    assert "not run" in page  # the step after the failure
    assert "1 passed, 1 failed, 0 skipped" in page
    assert "(changed)" in page
    assert '<details class="scenario" open>' in page  # failures open, passes folded


def test_report_dir_must_not_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        prepare_report_dir(tmp_path / "file")
    assert prepare_report_dir(tmp_path / "a" / "b").is_dir()


def test_a_failing_exchange_is_scrubbed_as_a_cassette_is() -> None:
    from tests.harness.test_scrub import (
        APP_TOKEN,
        EMAIL,
        JWT_1,
        PASSWORD,
        PLANTED,
        REAL,
        REFRESH_1,
        config,
    )

    def answer(request: httpx.Request) -> httpx.Response:
        body = {"accessToken": JWT_1, "refreshToken": REFRESH_1, "echo": EMAIL, "at": REAL}
        headers = {"set-cookie": f"s={APP_TOKEN}", "server": "uvicorn", "x-request-id": "r1"}
        return httpx.Response(200, json=body, headers=headers, request=request)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        response = client.post(
            f"{REAL}/api/content/users-auth-providers/marker/email/users/auth?u={EMAIL}",
            json={"authData": [{"marker": "password_reg", "value": PASSWORD}]},
            headers={"x-app-token": APP_TOKEN, "Authorization": f"Bearer {JWT_1}"},
        )
    exchange = exchange_of("When the customer signs in", response, Scrubber(config()))
    assert exchange is not None
    shown = repr(exchange) + render_html(
        RunReport(
            "record",
            (
                ScenarioRecord(
                    "n",
                    "f",
                    "F",
                    "s",
                    "failed",
                    0.1,
                    (StepRecord("When", "x", 1, "failed", exchange=exchange),),
                ),
            ),
        )
    )
    for secret in PLANTED:
        assert secret not in shown, secret
    headers = dict(exchange.request_headers)
    assert headers["x-app-token"] == "<APP_TOKEN>"
    assert headers["authorization"] == "Bearer <ACCESS_TOKEN_1>"
    assert "set-cookie" not in dict(exchange.response_headers)  # only a cassette's headers kept
    assert exchange.url.startswith("https://project.oneentry.test/api/content/")
    assert json.loads(exchange.response_body)["accessToken"] == "<ACCESS_TOKEN_1>"
    assert exchange.status == 200
