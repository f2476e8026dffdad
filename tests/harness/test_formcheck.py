"""The form-configuration check: each kind of drift in a sandbox project gives its exact finding;
the default project gives none; the CLI's output and exit codes; and, as properties, data that
FormDataFaker fills in from generated forms passes the sandbox's createOrder validation."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oneentry_sandbox
from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import Config
from oneentry_contracts.formcheck.check import CassetteReader, Finding, check, read_snapshot
from oneentry_contracts.formcheck.formspec import FormSpec, read_spec
from oneentry_contracts.shop.formdata import FormDataFaker, wrap_form_data
from oneentry_sandbox import SandboxServer, parse_project

TOKEN = "formcheck-token"
LOGIN, PASSWORD = "your-user@email.com", "123456"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT = yaml.safe_load(
    (Path(oneentry_sandbox.__file__).parent / "default_project.yaml").read_text(encoding="utf-8")
)
SHOP = """\
Feature: Shop
  Scenario Outline: A guest pays by <account>
    Given the shopper fills in the order form "guest_order" with:
      | marker      | type   | value        |
      | guest_name  | string | Ada Lovelace |
      | guest_phone | string |              |
      | guest_email | string |              |
    When the shopper places the order in storage "guest_orders" paying by "<account>"

    Examples:
      | account |
      | cash    |
      | stripe  |

  Scenario: A customer orders a delivery
    Given the shopper fills in the order form "order" with:
      | marker   | type   | value   |
      | name     | string | Ada     |
      | delivery | list   | courier |
    When the shopper places the order in storage "orders" paying by "stripe"

  Scenario: A customer's order with a field the form lacks is refused
    Given the shopper fills in the order form "order" with:
      | marker   | type   |
      | nickname | string |
    When the shopper places the order in storage "orders" paying by "paypal"
    Then the order is refused with status 400, the message naming "nickname"
"""


def _form(project: dict[str, Any], identifier: str) -> dict[str, Any]:
    return next(f for f in project["forms"] if f["identifier"] == identifier)


def _attribute(project: dict[str, Any], form: str, marker: str) -> dict[str, Any]:
    return next(a for a in _form(project, form)["attributes"] if a["marker"] == marker)


def _storage(project: dict[str, Any], identifier: str) -> dict[str, Any]:
    return next(s for s in project["storages"] if s["identifier"] == identifier)


@pytest.fixture
def shop_root(tmp_path: Path) -> Path:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "shop.feature").write_text(SHOP, encoding="utf-8")
    return tmp_path


@pytest.fixture
def spec(shop_root: Path) -> FormSpec:
    return read_spec(shop_root / "features", Config())


@pytest.fixture
def project() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    """One sandbox for the module; `_serve` swaps in each test's project and resets it."""
    with SandboxServer(app_token=TOKEN, deterministic=True) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with make_http_client(5.0) as client:
        yield client


def _serve(server: SandboxServer, data: dict[str, Any]) -> str:
    server.state.project = parse_project(data)
    httpx.post(f"{server.base_url}/__sandbox/reset", timeout=5.0).raise_for_status()
    return server.base_url


def _client(server: SandboxServer, http: httpx.Client, data: dict[str, Any]) -> OneEntryClient:
    client = OneEntryClient(_serve(server, data), TOKEN, http=http)
    response = client.login(
        "email",
        [{"marker": "email_reg", "value": LOGIN}, {"marker": "password_reg", "value": PASSWORD}],
    )
    assert response.ok, response.body
    return client


Finder = Callable[[FormSpec, dict[str, Any]], list[Finding]]


@pytest.fixture
def findings(server: SandboxServer, http: httpx.Client) -> Finder:
    def run(spec: FormSpec, data: dict[str, Any]) -> list[Finding]:
        return check(spec, read_snapshot(spec, _client(server, http, data)))

    return run


def kinds(found: list[Finding]) -> list[tuple[str, str, str, str]]:
    return [(f.severity, f.kind, f.form, f.marker) for f in found]


# ---------------------------------------------------------------------------------------------
# What the scenarios send


def test_spec_reads_tables_outlines_and_leaves_out_refusals(spec: FormSpec) -> None:
    assert {form: list(fields) for form, fields in spec.forms.items()} == {
        "guest_order": ["guest_name", "guest_phone", "guest_email"],
        "order": ["name", "delivery"],
    }
    assert spec.forms["guest_order"]["guest_name"].pinned == ("Ada Lovelace",)
    assert [(o.storage, o.account) for o in spec.orders] == [
        ("guest_orders", "cash"),
        ("guest_orders", "stripe"),
        ("orders", "stripe"),
    ]


def test_spec_maps_names_through_the_config_markers(shop_root: Path) -> None:
    config = Config(markers={"guest_order": "guest-form", "cash": "cash-on-delivery"})
    mapped = read_spec(shop_root / "features", config)
    assert "guest-form" in mapped.forms
    assert ("guest-form", "cash-on-delivery") in {(o.form, o.account) for o in mapped.orders}


def test_the_repository_features_fit_the_default_sandbox(
    findings: Finder, project: dict[str, Any]
) -> None:
    repo_spec = read_spec(ROOT / "features", Config())
    assert [f for f in findings(repo_spec, project) if f.severity == "error"] == []


# ---------------------------------------------------------------------------------------------
# Each kind of drift, one at a time


def test_default_project_has_no_findings(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    assert findings(spec, project) == []


def test_marker_missing_from_the_form(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    form = _form(project, "guest_order")
    form["attributes"] = [a for a in form["attributes"] if a["marker"] != "guest_phone"]
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "missing_field", "guest_order", "guest_phone")]
    assert finding.problem == (
        "the scenarios send 'guest_phone', which form 'guest_order' does not have "
        "(its markers: guest_email, guest_name)"
    )
    assert "add the attribute 'guest_phone' to the form" in finding.fix


def test_type_differs(findings: Finder, spec: FormSpec, project: dict[str, Any]) -> None:
    _attribute(project, "order", "name")["type"] = "text"
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "type", "order", "name")]
    assert finding.problem == "the scenarios send 'name' as 'string', the form declares 'text'"


def test_required_field_not_sent(findings: Finder, spec: FormSpec, project: dict[str, Any]) -> None:
    _form(project, "order")["attributes"].append(
        {"marker": "company", "type": "string", "position": 3, "required": True}
    )
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "required", "order", "company")]
    assert finding.fix.startswith("add | company | string | to the form tables of 'order'")


def test_optional_field_not_sent_is_info(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _form(project, "order")["attributes"].append(
        {"marker": "comment", "type": "string", "position": 3}
    )
    assert kinds(findings(spec, project)) == [("info", "unused", "order", "comment")]


def test_pinned_list_value_not_among_list_titles(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _attribute(project, "order", "delivery")["options"] = [{"title": "Pickup", "value": "pickup"}]
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "list_value", "order", "delivery")]
    assert finding.problem == (
        "the pinned value 'courier' is not among the listTitles of 'delivery' (pickup)"
    )


def test_pinned_string_outside_the_length_validator(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _attribute(project, "order", "name")["string_max"] = 2
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "length", "order", "name")]
    assert finding.problem == (
        "the pinned value 'Ada' has 3 characters; stringInspectionValidator allows 0..2"
    )


def test_pinned_value_of_an_email_field_is_not_an_email(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _attribute(project, "guest_order", "guest_name")["email"] = True
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "email", "guest_order", "guest_name")]


def test_storage_takes_another_form(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _storage(project, "orders")["form"] = "guest_order"
    found = findings(spec, project)
    assert ("error", "storage_form", "order", "orders") in kinds(found)
    [finding] = [f for f in found if f.kind == "storage_form"]
    assert (
        finding.problem == "storage 'orders' takes form 'guest_order', the scenarios send 'order'"
    )


def test_payment_account_not_enabled(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _storage(project, "orders")["payment_accounts"] = ["cash"]
    [finding] = findings(spec, project)
    assert kinds([finding]) == [("error", "account", "order", "stripe")]
    assert finding.problem == (
        "payment account 'stripe' is not enabled for storage 'orders'; enabled: cash"
    )


def test_storage_missing(findings: Finder, shop_root: Path, project: dict[str, Any]) -> None:
    spec = read_spec(shop_root / "features", Config(markers={"orders": "shop_orders"}))
    assert kinds(findings(spec, project)) == [("error", "missing_storage", "order", "shop_orders")]


def test_auth_markers_are_not_the_provider_forms_fields(
    findings: Finder, shop_root: Path, project: dict[str, Any]
) -> None:
    config = Config(login_marker="login", password_marker="password_reg")
    [finding] = findings(read_spec(shop_root / "features", config), project)
    assert kinds([finding]) == [("error", "auth", "reg", "login")]
    assert finding.problem == (
        "the shop signs in with login marker 'login', but provider 'email' uses form 'reg' "
        "and its login field is 'email_reg'"
    )
    assert finding.fix == "set [auth] login_marker = 'email_reg'"


def test_hidden_field_is_a_warning(
    findings: Finder, spec: FormSpec, project: dict[str, Any]
) -> None:
    _attribute(project, "guest_order", "guest_phone")["is_visible"] = False
    assert kinds(findings(spec, project)) == [("warning", "hidden", "guest_order", "guest_phone")]


def test_several_drifts_together(findings: Finder, spec: FormSpec, project: dict[str, Any]) -> None:
    _attribute(project, "order", "name")["type"] = "text"
    _attribute(project, "order", "delivery")["options"] = [{"title": "Pickup", "value": "pickup"}]
    _storage(project, "guest_orders")["payment_accounts"] = ["cash"]
    _storage(project, "orders")["form"] = "guest_order"
    _form(project, "guest_order")["attributes"].append(
        {"marker": "comment", "type": "string", "position": 4}
    )
    assert sorted(kinds(findings(spec, project))) == sorted(
        [
            ("error", "type", "order", "name"),
            ("error", "list_value", "order", "delivery"),
            ("error", "account", "guest_order", "stripe"),
            ("error", "storage_form", "order", "orders"),
            ("info", "unused", "guest_order", "comment"),
        ]
    )


# ---------------------------------------------------------------------------------------------
# The command


def _run(server: SandboxServer, root: Path, data: dict[str, Any], *extra: str) -> int:
    args = ["check-forms", "--root", str(root), "--url", _serve(server, data)]
    args += ["--app-token", TOKEN, "--login", LOGIN, "--password", PASSWORD, *extra]
    return main(args)


def test_cli_clean_project_exits_0(
    server: SandboxServer,
    shop_root: Path,
    project: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(server, shop_root, project) == 0
    assert "0 error(s), 0 warning(s), 0 info" in capsys.readouterr().out


def test_cli_drift_exits_1_with_json(
    server: SandboxServer,
    shop_root: Path,
    project: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _storage(project, "orders")["payment_accounts"] = ["cash"]
    assert _run(server, shop_root, project, "--format", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert document["findings"][0]["kind"] == "account"
    assert set(document["findings"][0]) == {"severity", "kind", "form", "marker", "problem", "fix"}


def test_cli_table_names_form_marker_and_fix(
    server: SandboxServer,
    shop_root: Path,
    project: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _attribute(project, "order", "name")["type"] = "text"
    assert _run(server, shop_root, project) == 1
    out = capsys.readouterr().out
    assert "Form configuration" in out
    assert "1 error(s), 0 warning(s), 0 info" in out


def test_cli_wrong_password_is_a_one_line_usage_error(
    server: SandboxServer,
    shop_root: Path,
    project: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["check-forms", "--root", str(shop_root), "--url", _serve(server, project),
         "--app-token", TOKEN, "--login", LOGIN, "--password", "wrong"]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "signing in with the given login through provider 'email' failed" in err
    assert LOGIN.lower() not in err.lower()  # the login is a secret too


def test_cli_renamed_login_field_is_the_auth_finding(
    server: SandboxServer,
    shop_root: Path,
    project: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _attribute(project, "reg", "email_reg")["marker"] = "login"
    assert _run(server, shop_root, project, "--format", "json") == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["kind"], f["form"], f["marker"]) for f in found] == [
        ("auth", "reg", "email_reg"),
        ("auth", "-", "email_reg"),
    ]
    assert found[0]["fix"] == "set [auth] login_marker = 'login'"
    assert "storages and payment accounts were not checked" in found[1]["problem"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--login", "x"], "--app-token, --login and --password go with --url"),
        (["--offline"], "no cassettes folder at"),
        (["--url", "http://127.0.0.1:9", "--app-token", "t"], "--url needs --login"),
    ],
)
def test_cli_usage_errors_exit_2(
    shop_root: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONEENTRY_USER_EMAIL", raising=False)
    assert main(["check-forms", "--root", str(shop_root), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_cli_project_without_environment_exits_2(
    shop_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONEENTRY_PROJECT_URL", raising=False)
    assert main(["check-forms", "--root", str(shop_root), "--project"]) == 2
    assert "ONEENTRY_PROJECT_URL is missing" in capsys.readouterr().err


def test_offline_reads_the_recorded_form_configuration() -> None:
    spec = read_spec(ROOT / "features", Config())
    snapshot = read_snapshot(spec, CassetteReader(ROOT / "cassettes"))
    assert [f for f in check(spec, snapshot) if f.severity == "error"] == []


def test_offline_without_a_recording_names_the_request(tmp_path: Path, spec: FormSpec) -> None:
    (tmp_path / "cassettes").mkdir()
    reader = CassetteReader(tmp_path / "cassettes")
    with pytest.raises(Exception, match=r"no recorded answer for GET /api/content/users-auth"):
        read_snapshot(spec, reader)


# ---------------------------------------------------------------------------------------------
# Generated forms: what FormDataFaker fills in passes createOrder's validation

_OPTIONS = st.lists(
    st.text("abcdefghij", min_size=1, max_size=8), min_size=1, max_size=4, unique=True
)


@st.composite
def _attributes(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 6))
    stems = draw(
        st.lists(
            st.sampled_from(["field", "email", "phone", "first_name", "last_name", "name", "note"]),
            min_size=count,
            max_size=count,
        )
    )
    attributes = []
    for index, stem in enumerate(stems):
        kind = draw(
            st.sampled_from(
                ["string", "string", "text", "integer", "real", "float", "date", "dateTime",
                 "time", "list", "radioButton"]
            )
        )  # fmt: skip
        attribute: dict[str, Any] = {
            "marker": f"{stem}_{index}",
            "type": kind,
            "position": index + 1,
            "required": draw(st.booleans()),
        }
        if kind == "string":
            email = draw(st.booleans())
            floor = 12 if email or stem == "email" else 1
            if draw(st.booleans()):
                attribute["string_length"] = draw(st.integers(floor, 40))
            else:
                low = draw(st.integers(0, 30))
                attribute["string_min"] = low
                attribute["string_max"] = draw(st.sampled_from([0, max(low, floor) + 30]))
                if attribute["string_max"]:
                    attribute["string_max"] = draw(st.integers(max(low, floor), low + 60))
            attribute["email"] = email
        if kind in ("list", "radioButton"):
            values = draw(_OPTIONS)
            attribute["options"] = [{"title": v.title(), "value": v} for v in values]
        attributes.append(attribute)
    return attributes


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    attributes=_attributes(),
    seed=st.integers(0, 2**63 - 1),
    lang=st.sampled_from(["en_US", "ru_RU", "es_ES", "de_DE"]),
)
def test_generated_form_data_passes_create_order(
    server: SandboxServer,
    http: httpx.Client,
    attributes: list[dict[str, Any]],
    seed: int,
    lang: str,
) -> None:
    data = copy.deepcopy(DEFAULT)
    _form(data, "order")["attributes"] = attributes
    client = _client(server, http, data)
    form = client.call("form", path={"marker": "order"})
    entries = FormDataFaker(seed, lang).fill(form.body["attributes"])
    body = {
        "formIdentifier": "order",
        "paymentAccountIdentifier": "cash",
        "formData": wrap_form_data(entries, lang),
        "products": [{"productId": 1, "quantity": 1}],
    }
    answer = client.call("create_order", path={"marker": "orders"}, json=body)
    assert answer.status == 200, (answer.body, entries)
