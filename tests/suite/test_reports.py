"""`oneentry-contracts run --report DIR`: JUnit XML, Cucumber JSON and the offline HTML report,
written for a run with deliberate failures, and free of secrets after a recording."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from oneentry_contracts.schemas.store import SCHEMA_DIR
from tests.suite.conftest import SCENARIOS, SuiteCopy
from tests.suite.test_suite import (
    GUEST,
    PLANTED,
    _edit_interaction,
    plant_secrets,
    planted_env,
)

STORAGE_SCENARIO = "An unknown order storage is not found"
GUEST_SCENARIO = "A guest buys 2 × Cosmo and pays by stripe"


def _string_total(interaction: dict[str, Any]) -> None:
    body = json.loads(interaction["response"]["body"]["string"])
    body["totalSum"] = str(body["totalSum"])
    interaction["response"]["body"]["string"] = json.dumps(body, separators=(",", ":"))


def _expect_410_for_unknown_storage(root: Path) -> None:
    feature = root / "features" / "errors.feature"
    text = feature.read_text(encoding="utf-8")
    old = 'the storage "no_such_storage"\n    Then the shop is refused with status 404\n'
    assert old in text
    feature.write_text(text.replace(old, old.replace("404", "410")), encoding="utf-8")


def _junit_suite(folder: Path) -> ET.Element | None:
    """The <testsuite> of the JUnit XML our own pytest run wrote (trusted input)."""
    return ET.parse(folder / "junit.xml").getroot().find("testsuite")  # noqa: S314


def _report_files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_report_of_a_run_with_failures(suite: SuiteCopy) -> None:
    cassette = suite.root / "cassettes" / GUEST
    _edit_interaction(cassette, "POST", "/orders-storage/marker/guest_orders/orders", _string_total)
    _expect_410_for_unknown_storage(suite.root)

    run = suite.run("--report", "out/reports")
    assert run.code == 1, run.output
    folder = suite.root / "out" / "reports"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cucumber.json",
        "junit.xml",
        "report.html",
        "report.json",
    ]

    # JUnit XML: every scenario a test case, exactly the two broken ones failed.
    suite_xml = _junit_suite(folder)
    assert suite_xml is not None
    assert (suite_xml.get("tests"), suite_xml.get("failures")) == (str(SCENARIOS), "2")
    failed = sorted(
        case.get("name", "")
        for case in suite_xml.iter("testcase")
        if case.find("failure") is not None
    )
    assert len(failed) == 2
    assert failed[0].startswith("test_a_guest_buys_quantity__product_and_pays_by_account[stripe")
    assert failed[1] == "test_an_unknown_order_storage_is_not_found"

    # Cucumber JSON: every scenario with its steps; the failing step marked failed.
    features = json.loads((folder / "cucumber.json").read_text(encoding="utf-8"))
    scenarios = {e["name"]: e for f in features for e in f["elements"]}
    assert len(scenarios) == SCENARIOS
    assert all(s["steps"] for s in scenarios.values())
    storage = [(s["name"], s["result"]["status"]) for s in scenarios[STORAGE_SCENARIO]["steps"]]
    assert storage[-1] == (
        "the shop is refused with status 410",
        "failed",
    )
    guest_statuses = [s["result"]["status"] for s in scenarios[GUEST_SCENARIO]["steps"]]
    assert "failed" in guest_statuses

    # HTML: each scenario, the failing steps, the violation and the scrubbed exchange.
    page = (folder / "report.html").read_text(encoding="utf-8")
    for name in scenarios:
        assert html.escape(name) in page, name
    assert f"{SCENARIOS - 2} passed, 2 failed, 0 skipped" in page
    guest_part = page[page.index(html.escape(GUEST_SCENARIO)) :]
    guest_part = guest_part[: guest_part.index("</details>\n<details")]
    assert "places the order" in guest_part
    assert "Schema violation" in guest_part
    assert "<td>created_order</td>" in guest_part
    assert "<td>/totalSum</td>" in guest_part
    assert "<td>type</td>" in guest_part
    assert (
        "POST https://project.oneentry.test/api/content/orders-storage/marker/guest_orders/orders"
        in guest_part
    )
    assert "status 200" in guest_part or "status 201" in guest_part
    token = re.search(r"<td>x-app-token</td><td>([^<]*)</td>", guest_part)
    assert token is not None
    assert token.group(1) in ("&lt;APP_TOKEN&gt;", "app-token-placeholder")
    assert "Bearer &lt;ACCESS_TOKEN_" in guest_part
    assert "&quot;totalSum&quot;: &quot;" in guest_part  # the string total, in the response body
    storage_part = page[page.index(html.escape(STORAGE_SCENARIO)) :]
    assert "answered 404, expected 410" in storage_part
    assert (
        "GET https://project.oneentry.test/api/content/orders-storage/marker/no_such_storage"
        in (storage_part)
    )
    assert "status 404" in storage_part
    # Self-contained: nothing is fetched when the page opens.
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in page, external


def test_report_folder_that_is_a_file_is_a_usage_error(suite: SuiteCopy) -> None:
    (suite.root / "taken").write_text("a file\n", encoding="utf-8")
    run = suite.run("--report", "taken")
    assert run.code == 2, run.output
    assert "the report folder taken is a file, not a folder" in run.output
    assert "How to fix" in run.output
    assert "Traceback" not in run.output


def test_pytest_option_writes_the_same_reports_with_workers(suite: SuiteCopy) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "-q", "-n", "2", "--oneentry-report=r"],
        cwd=suite.root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    folder = suite.root / "r"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert len(report["scenarios"]) == SCENARIOS
    assert all(s["outcome"] == "passed" and s["steps"] for s in report["scenarios"])
    assert all(step["outcome"] == "passed" for s in report["scenarios"] for step in s["steps"])
    suite_xml = _junit_suite(folder)
    assert suite_xml is not None
    assert suite_xml.get("tests") == str(SCENARIOS)
    assert (
        len([e for f in json.loads((folder / "cucumber.json").read_text()) for e in f["elements"]])
        == SCENARIOS
    )
    assert (folder / "report.html").is_file()


def test_report_of_a_failing_recording_holds_no_secret(suite: SuiteCopy) -> None:
    env = plant_secrets(suite)
    # Two failures while recording, so that real requests and responses reach the report: a
    # schema that wants a string total, and an expected status the sandbox does not answer.
    schema = suite.root / "schemas" / "created_order.json"  # the project's own, over the default
    data = json.loads((SCHEMA_DIR / "created_order.json").read_text(encoding="utf-8"))
    data["properties"]["totalSum"]["type"] = "string"
    schema.write_text(json.dumps(data, indent=2), encoding="utf-8")
    _expect_410_for_unknown_storage(suite.root)

    run = suite.run("--record", "--report", "reports", env=env)
    assert run.code == 1, run.output
    folder = suite.root / "reports"
    files = _report_files(folder)
    assert set(files) == {"cucumber.json", "junit.xml", "report.html", "report.json"}
    report = json.loads(files["report.json"])
    failed_steps = [
        step for s in report["scenarios"] for step in s["steps"] if step["outcome"] == "failed"
    ]
    exchanges = [step["exchange"] for step in failed_steps if step["exchange"]]
    assert len(exchanges) >= 2, failed_steps  # real exchanges were captured, then scrubbed
    assert any(
        step["violation"] and step["violation"]["pointer"] == "/totalSum" for step in failed_steps
    )
    headers = {k.lower(): v for e in exchanges for k, v in e["request_headers"]}
    assert headers["x-app-token"] == "app-token-placeholder"
    assert re.fullmatch(r"Bearer <ACCESS_TOKEN_\d+>", headers["authorization"])

    jwt = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
    loopback = re.compile(r"127\.0\.0\.1|localhost")
    for name, text in files.items():
        for what, value in PLANTED.items():
            assert value not in text, f"{what} leaked into {name}"
        assert not jwt.search(text), f"a JWT leaked into {name}"
        assert not loopback.search(text), f"the sandbox host leaked into {name}"

    audit = suite.command("audit-cassettes", str(folder), env=planted_env())
    assert audit.code == 0, audit.output
