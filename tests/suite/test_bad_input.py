"""Bad input: each case gives one paragraph (what, where, how to fix), no traceback, and the
documented exit code (2: what the user wrote is broken; 1: a scenario's check failed). Run as a
user runs it (`oneentry-contracts run`, or plain pytest) in a scratch copy of the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from oneentry_contracts.schemas.store import SCHEMA_DIR
from tests.suite.conftest import Run, SuiteCopy
from tests.suite.test_suite import GUEST, GUEST_NODE

GUEST_FEATURE = "features/guest_purchase.feature"
CART_NODE = "features/test_features.py::test_a_guest_pays_by_account_for_a_cart_of_several_products"
CART_CASSETTE = "guest_purchase/a_guest_pays_by_cash_for_a_cart_of_several_products.yaml"


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file by `new`; the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _clean(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    assert "site-packages" not in run.output, run.output  # no frames from libraries either


def test_malformed_feature_file_names_file_and_line(suite: SuiteCopy) -> None:
    line = _edit(suite.root / GUEST_FEATURE, "  Scenario Outline: A guest buys", "  Scenaro ...")
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert f"Feature file cannot be parsed: {GUEST_FEATURE}:{line}" in run.output
    assert f"  {line} | Scenaro ..." in run.output
    assert "How to fix: correct that line of the feature file" in run.output
    _clean(run)


def test_step_without_definition_names_it_and_suggests_the_closest(suite: SuiteCopy) -> None:
    wrong = 'Then it finds the same payment sesion with status "completed"'
    line = _edit(
        suite.root / GUEST_FEATURE,
        "Then it finds the same payment session with status",
        "Then it finds the same payment sesion with status",
    )
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert f"Step has no definition: {wrong}" in run.output
    assert (
        f'at {GUEST_FEATURE}:{line}, scenario "A guest buys 2 × Cosmo and pays by stripe"'
        in run.output
    )
    closest = run.output.split("Closest defined steps:\n", 1)[1].splitlines()[0]
    assert (
        closest.strip() == 'Then it finds the same payment session with status "{status}"  '
        "(oneentry_contracts.steps.payments)"
    )
    assert "How to fix: use the wording of a defined step" in run.output
    _clean(run)


def test_malformed_cassette_yaml_names_file_line_and_rerecord_command(suite: SuiteCopy) -> None:
    cassette = suite.root / "cassettes" / GUEST
    lines = cassette.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[19] = "<<<<<<< HEAD\n"  # a merge conflict on line 20
    cassette.write_text("".join(lines), encoding="utf-8")
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "Cassette cannot be read" in run.output
    assert f"  cassettes/{GUEST}:21:" in run.output  # where the YAML parser gives up
    assert "it is not valid YAML" in run.output
    assert "or delete it and re-record the scenario: oneentry-contracts run --record --only" in (
        run.output
    )
    _clean(run)


def _interactions(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    interactions: list[dict[str, object]] = data["interactions"]
    return interactions


def _save(path: Path, interactions: list[dict[str, object]]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["interactions"] = interactions
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")


def _request(interaction: dict[str, object]) -> dict[str, str]:
    request = interaction["request"]
    assert isinstance(request, dict)
    return request


def test_cassette_lacking_an_interaction_lists_what_it_holds(suite: SuiteCopy) -> None:
    cassette = suite.root / "cassettes" / GUEST
    kept = [
        i
        for i in _interactions(cassette)
        if not (_request(i)["method"] == "POST" and _request(i)["uri"].endswith("/sessions"))
    ]
    _save(cassette, kept)
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "Request is not in the recording: no recorded request has its method and path" in (
        run.output
    )
    assert "  POST /api/content/payments/sessions" in run.output
    assert "The recording holds (played ones marked ✓):" in run.output
    assert "  4. ✓ POST /api/content/orders-storage/marker/guest_orders/orders" in run.output
    assert "  5.   POST /__sandbox/sessions/" in run.output
    assert f"Cassette: cassettes/{GUEST} (7 interactions, 4 played)" in run.output
    assert "re-record this scenario: oneentry-contracts run --record --only" in run.output
    _clean(run)


def test_cassette_with_an_interaction_the_scenario_no_longer_makes(suite: SuiteCopy) -> None:
    cassette = suite.root / "cassettes" / GUEST
    interactions = _interactions(cassette)
    extra = json.loads(json.dumps(interactions[2]))  # the product look-up, for another product
    _request(extra)["uri"] = _request(extra)["uri"].replace("/products/2957", "/products/1")
    _save(cassette, [*interactions, extra])
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "Recording not fully used: 1 of 9 recorded interactions were not requested" in (
        run.output
    )
    assert "  9. GET /api/content/products/1?langCode=en_US" in run.output
    assert "if the scenario now makes fewer calls on purpose, re-record it:" in run.output
    _clean(run)


def test_schema_file_that_is_not_json_fails_before_any_scenario(suite: SuiteCopy) -> None:
    (suite.root / "schemas" / "created_order.json").write_text('{"type": "object",\n')
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "schemas/created_order.json: not readable JSON:" in run.output
    assert "line 2 column 1" in run.output
    assert "How to fix: correct the JSON there" in run.output
    assert "collected" not in run.output  # stopped before collecting, let alone running
    _clean(run)


def test_schema_file_that_is_not_a_valid_schema_fails_before_any_scenario(
    suite: SuiteCopy,
) -> None:
    path = suite.root / "schemas" / "created_order.json"  # the project's own, over the default
    schema = json.loads((SCHEMA_DIR / "created_order.json").read_text(encoding="utf-8"))
    schema["type"] = "objekt"
    path.write_text(json.dumps(schema), encoding="utf-8")
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "schemas/created_order.json: invalid schema at /type: 'objekt' is not valid" in (
        run.output
    )
    assert "How to fix: correct the keyword at /type" in run.output
    _clean(run)


def test_config_with_a_misspelt_key_suggests_the_right_one(suite: SuiteCopy) -> None:
    _append(suite.root / "oneentry-contracts.toml", '\n[project]\nlangcode = "en_US"\n')
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert (
        "oneentry-contracts.toml: 'project.langcode' is not a known key. Did you mean "
        "'project.lang_code'?" in run.output
    )
    _clean(run)


def test_config_with_a_wrong_type_names_key_and_expected_type(suite: SuiteCopy) -> None:
    _append(suite.root / "oneentry-contracts.toml", '\n[recording]\ntimeout = "10s"\n')
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 2, run.output
    assert "oneentry-contracts.toml: [recording.timeout] must be a number > 0, got '10s'" in (
        run.output
    )
    _clean(run)


def test_missing_environment_variables_in_live_mode_are_all_named(suite: SuiteCopy) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEENTRY_")}
    env["ONEENTRY_PROJECT_URL"] = "https://shop.oneentry.test"
    env["ONEENTRY_USER_EMAIL"] = "customer@example.test"  # half a user: both are needed
    env["COLUMNS"] = "200"
    missing = "ONEENTRY_APP_TOKEN is missing (and ONEENTRY_USER_PASSWORD)"  # guest: optional
    cli = subprocess.run(
        [
            *(sys.executable, "-m", "oneentry_contracts.cli", "run", "--root", str(suite.root)),
            *("--live", "--project", "--only", GUEST_NODE),
        ],
        cwd=suite.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert missing in cli.stderr
    assert "or run without --project to use the sandbox" in cli.stderr
    assert "Traceback" not in cli.stdout + cli.stderr
    # Plain pytest stops the same way, before any scenario runs (pytest's usage error, 4).
    plain = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", GUEST_NODE, "--oneentry-mode=live"),
            *("--oneentry-target=project", "-p", "no:cacheprovider"),
        ],
        cwd=suite.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert plain.returncode == 4, plain.stdout + plain.stderr
    assert f"ERROR: {missing}" in plain.stderr
    assert "Traceback" not in plain.stdout + plain.stderr


def test_product_that_is_neither_an_id_nor_a_catalog_name(suite: SuiteCopy) -> None:
    line = _edit(suite.root / GUEST_FEATURE, "| Box       | 1        |", "| 29x7      | 1        |")
    run = suite.run("--only", f"{CART_NODE}[cash]")
    assert run.code == 2, run.output
    assert (suite.root / "cassettes" / CART_CASSETTE).is_file()
    step_line = line - 3  # the step, its table header, Cosmo, then the edited row
    assert f"at guest_purchase.feature:{step_line}" in run.output
    assert (
        "the cart table, row 2: product '29x7' is neither a product id (a whole number) nor a "
        "name from [catalog] in oneentry-contracts.toml" in run.output
    )
    assert "one of: Box, Classic T-shirt, Cosmo, Desk lamp, Gift card" in run.output
    _clean(run)


def test_a_selection_that_matches_no_scenario_says_so(suite: SuiteCopy) -> None:
    run = suite.run("-k", "no_such_scenario")
    assert run.code == 2, run.output
    assert "no scenario matched -k 'no_such_scenario', so nothing ran." in run.output
    assert "pytest features --collect-only -q" in run.output
    _clean(run)
