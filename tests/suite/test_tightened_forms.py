"""An admin tightens the order forms; the suite runs live against that sandbox, as a user runs
it. Rules a value can meet (lengths, e-mail, a required list, date and time) leave the purchase
scenarios passing, payment included, since values are drawn from the live form; rules the
scenarios cannot meet (a required field their tables leave out, another type, an e-mail too
short for any address) fail at the When that sent the order, and both the form-configuration
scenario and `check-forms` name each field and its fix."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from oneentry_sandbox import SandboxServer, loader, parse_project
from tests.suite.conftest import SuiteCopy

DEFAULT: dict[str, Any] = yaml.safe_load(
    (Path(loader.__file__).parent / "default_project.yaml").read_text(encoding="utf-8")
)
PLACE = "the shopper places the order in storage "
EVERY_REQUIRED = "A customer fills in every field the order form requires and pays by cash"


def _attribute(project: dict[str, Any], form: str, marker: str) -> dict[str, Any]:
    attributes = next(f for f in project["forms"] if f["identifier"] == form)["attributes"]
    return next(a for a in attributes if a["marker"] == marker)


def _order_form(project: dict[str, Any]) -> list[dict[str, Any]]:
    attributes: list[dict[str, Any]] = next(
        f for f in project["forms"] if f["identifier"] == "order"
    )["attributes"]
    return attributes


def _met() -> dict[str, Any]:
    """Every rule tightened so that some value still meets it."""
    project = copy.deepcopy(DEFAULT)
    _attribute(project, "order", "name").update(string_max=5)  # the issue's own example
    _attribute(project, "guest_order", "guest_name").update(string_min=4, string_max=12)
    _attribute(project, "guest_order", "guest_phone").update(string_length=11)
    _attribute(project, "guest_order", "guest_email").update(string_max=20)
    return project


def _unmet() -> dict[str, Any]:
    """Rules the table scenarios cannot meet; the every-required scenario can."""
    project = copy.deepcopy(DEFAULT)
    _attribute(project, "order", "delivery")["required"] = True
    _order_form(project).extend(
        [
            {"marker": "delivery_date", "type": "date", "title": "Day", "position": 3,
             "required": True},
            {"marker": "delivery_slot", "type": "time", "title": "Slot", "position": 4,
             "required": True},
        ]
    )  # fmt: skip
    _attribute(project, "guest_order", "guest_phone")["type"] = "integer"
    _attribute(project, "guest_order", "guest_email")["string_max"] = 4
    return project


def _live(suite: SuiteCopy, project: dict[str, Any], name: str) -> tuple[int, str, list[Any]]:
    path = suite.root / f"{name}.yaml"
    path.write_text(yaml.safe_dump(project), encoding="utf-8")
    report = suite.root / f"report-{name}"
    run = suite.run(
        "--live", "-k", "purchase or forms", "--report", str(report),
        env={"ONEENTRY_CONTRACTS_SANDBOX_PROJECT": str(path)},
    )  # fmt: skip
    scenarios = json.loads((report / "report.json").read_text(encoding="utf-8"))["scenarios"]
    return run.code, run.output, scenarios


def _check_forms(suite: SuiteCopy, project: dict[str, Any]) -> tuple[int, list[dict[str, str]]]:
    with SandboxServer(app_token="tightened-app-token", project=parse_project(project)) as sb:
        run = suite.command(
            "check-forms", "--root", str(suite.root), "--url", sb.base_url,
            "--app-token", "tightened-app-token", "--login", "your-user@email.com",
            "--password", "123456", "--format", "json",
        )  # fmt: skip
    findings: list[dict[str, str]] = json.loads(run.output)["findings"]
    return run.code, [f for f in findings if f["severity"] == "error"]


def test_rules_a_value_can_meet_leave_the_purchases_passing(suite: SuiteCopy) -> None:
    _, output, scenarios = _live(suite, _met(), "met")
    assert len(scenarios) == 16
    for scenario in scenarios:  # the form is filled in, the order sent, created and checked
        steps = [(step["text"], step["outcome"]) for step in scenario["steps"]]
        assert scenario["outcome"] == "passed", (steps, output)
        assert all(outcome == "passed" for _, outcome in steps), (steps, output)
    check_code, errors = _check_forms(suite, _met())
    assert (check_code, errors) == (0, [])


def test_rules_the_scenarios_cannot_meet_fail_the_when_and_check_forms_names_them(
    suite: SuiteCopy,
) -> None:
    code, output, scenarios = _live(suite, _unmet(), "unmet")
    assert code == 1, output
    outcomes = {s["name"]: s for s in scenarios}
    assert outcomes.pop(EVERY_REQUIRED)["outcome"] == "passed", output
    configuration = outcomes.pop(
        "The project's forms, storages, accounts and sign-in fit what the scenarios send"
    )
    assert len(outcomes) == 14
    for scenario in outcomes.values():
        assert scenario["outcome"] == "failed"
        [failed] = [step for step in scenario["steps"] if step["outcome"] == "failed"]
        assert "oneentry-contracts check-forms" in failed["error"]
        if scenario["feature"].startswith("guest"):  # no e-mail fits in 4 characters
            assert failed["text"] == 'the shopper fills in the order form "guest_order" with:'
            assert "'guest_email' must be an e-mail of at most 4 characters" in failed["error"]
        else:  # the order was sent without the newly required fields, and refused
            assert failed["keyword"] == "When", scenario["name"]
            assert failed["text"].startswith(PLACE), failed["text"]
            assert "formData's marker 'delivery' is required" in failed["error"]
    assert configuration["outcome"] == "failed"
    shown = configuration["failure"]
    for field in ("guest_phone", "guest_email", "delivery", "delivery_date", "delivery_slot"):
        assert f"/ {field}:" in shown, shown
    assert "write type 'integer' in the scenario tables" in shown
    assert "too short for any address" in shown
    assert "Traceback" not in output
    assert "_pytest" not in output

    check_code, errors = _check_forms(suite, _unmet())
    assert check_code == 1
    assert sorted((f["kind"], f["marker"]) for f in errors) == [
        ("required", "delivery"),
        ("required", "delivery_date"),
        ("required", "delivery_slot"),
        ("type", "guest_phone"),
        ("unfillable", "guest_email"),
    ]
    assert all(f["fix"] for f in errors)
