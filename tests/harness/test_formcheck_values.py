"""check-forms knows what checkout refuses: pinned values against the live validators, fields
no drawn value can meet, every SDK attribute type, the every-required step; and its output
(brackets kept, a failure's cause kept, never a dict or the user's login)."""

from __future__ import annotations

import copy
import inspect
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

import oneentry_contracts.steps.formcheck as formcheck_steps
import oneentry_sandbox
from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.cli.formcheck_cmd import render
from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import Config
from oneentry_contracts.formcheck.check import KINDS, Finding, Snapshot, check
from oneentry_contracts.formcheck.formspec import FormSpec, read_spec
from oneentry_contracts.shop.attrtypes import ATTRIBUTE_TYPES
from oneentry_contracts.shop.fill import fill_required, read_form
from oneentry_contracts.shop.formdata import FormDataFaker, wrap_form_data
from oneentry_sandbox import SandboxServer, parse_project

LOGIN, PASSWORD = "your-user@email.com", "123456"
REQUIRED = {"requiredValidator": {"strict": True}}
DEFAULT: dict[str, Any] = yaml.safe_load(
    (Path(oneentry_sandbox.__file__).parent / "default_project.yaml").read_text(encoding="utf-8")
)


def _spec(tmp_path: Path, *steps: str) -> FormSpec:
    body = "\n".join(f"    {line}" for step in steps for line in step.splitlines())
    (tmp_path / "features").mkdir(exist_ok=True)
    (tmp_path / "features" / "shop.feature").write_text(
        f"Feature: Shop\n  Scenario: A purchase\n{body}\n", encoding="utf-8"
    )
    return read_spec(tmp_path / "features", Config())


def _table(*rows: str) -> str:
    return 'Given the shopper fills in the order form "order" with:\n' + "\n".join(
        f"  {row}" for row in rows
    )


def _findings(spec: FormSpec, *attributes: dict[str, Any]) -> list[tuple[str, str, str]]:
    snapshot = Snapshot({"order": {"attributes": list(attributes)}}, signed_in=False)
    found = [f for f in check(spec, snapshot) if f.kind != "auth"]
    return [(f.severity, f.kind, f.marker) for f in found]


def _one(spec: FormSpec, *attributes: dict[str, Any]) -> Finding:
    snapshot = Snapshot({"order": {"attributes": list(attributes)}}, signed_in=False)
    [finding] = [f for f in check(spec, snapshot) if f.kind != "auth"]
    return finding


def _name(**validators: Any) -> dict[str, Any]:
    return {"marker": "name", "type": "string", "validators": {**REQUIRED, **validators}}


def test_a_tightened_length_is_met_by_faker_but_not_by_a_longer_pin(tmp_path: Path) -> None:
    limits = {"stringInspectionValidator": {"stringMax": "5"}}
    faked = _spec(tmp_path, _table("| marker | type |", "| name | string |"))
    assert _findings(faked, _name(**limits)) == []
    pinned = _spec(tmp_path, _table("| marker | value |", "| name | Ada Lovelace |"))
    finding = _one(pinned, _name(**limits))
    assert (finding.kind, finding.marker) == ("length", "name")
    assert finding.problem == (
        "the pinned value 'Ada Lovelace' has 12 characters; stringInspectionValidator allows 0..5"
    )


@pytest.mark.parametrize(
    ("validators", "says"),
    [
        ({"stringInspectionValidator": {"stringMin": 10, "stringMax": 3}}, "stringMin 10"),
        (
            {"emailInspectionValidator": True, "stringInspectionValidator": {"stringMax": 4}},
            "too short for any address",
        ),
        ({"regExpValidator": {"patternValue": r"\d{5}"}}, r"does not match regExpValidator"),
    ],
)
def test_validators_no_drawn_value_meets_are_unfillable(
    tmp_path: Path, validators: dict[str, Any], says: str
) -> None:
    spec = _spec(tmp_path, _table("| marker | type |", "| name | string |"))
    finding = _one(spec, _name(**validators))
    assert (finding.severity, finding.kind, finding.marker) == ("error", "unfillable", "name")
    assert says in finding.problem
    assert "shop.feature: A purchase" in finding.fix


def test_a_pin_that_meets_the_pattern_is_fine(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _table("| marker | value |", "| name | 12345 |"))
    assert _findings(spec, _name(regExpValidator={"patternValue": r"\d{5}"})) == []


def test_list_values(tmp_path: Path) -> None:
    empty = {"marker": "delivery", "type": "list", "listTitles": [], "validators": REQUIRED}
    spec = _spec(tmp_path, _table("| marker | type |", "| delivery | list |"))
    finding = _one(spec, empty)
    assert (finding.kind, finding.marker) == ("unfillable", "delivery")
    assert "without options" in finding.problem
    options = {**empty, "listTitles": [{"title": "Pickup", "value": "pickup"}]}
    assert _findings(spec, options) == []
    pinned = _spec(tmp_path, _table("| marker | value |", "| delivery | drone |"))
    assert _findings(pinned, options) == [("error", "list_value", "delivery")]


def test_dates_pinned_in_a_shape_checkout_refuses(tmp_path: Path) -> None:
    day = {"marker": "day", "type": "date", "validators": REQUIRED}
    good = _spec(tmp_path, _table("| marker | type | value |", "| day | date | 2025-12-31 |"))
    assert _findings(good, day) == []
    bad = _spec(tmp_path, _table("| marker | type | value |", "| day | date | 31/12/2025 |"))
    finding = _one(bad, day)
    assert (finding.kind, finding.marker) == ("value", "day")
    assert "is not a date" in finding.problem
    assert "YYYY-MM-DD" in finding.fix


def test_a_number_pinned_for_an_integer_field(tmp_path: Path) -> None:
    count = {"marker": "count", "type": "integer", "validators": {}}
    spec = _spec(tmp_path, _table("| marker | value |", "| count | many |"))
    assert _findings(spec, count) == [("error", "value", "count")]


def test_a_changed_type(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _table("| marker | type |", "| name | string |"))
    finding = _one(spec, {"marker": "name", "type": "integer", "validators": REQUIRED})
    assert (finding.kind, finding.marker) == ("type", "name")
    assert "write type 'integer' in the scenario tables" in finding.fix


def test_every_required_field_step_sends_them_all(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path, 'Given the shopper fills in every required field of the order form "order"'
    )
    assert spec.all_required == frozenset({"order"})
    day = {"marker": "day", "type": "dateTime", "validators": REQUIRED}
    note = {"marker": "note", "type": "string", "validators": {}}
    assert _findings(spec, _name(), day, note) == [("info", "unused", "note")]
    table = _spec(tmp_path, _table("| marker | type |", "| name | string |"))
    assert _findings(table, _name(), day) == [("error", "required", "day")]


@pytest.mark.parametrize("kind", sorted(ATTRIBUTE_TYPES))
def test_every_attribute_type_is_either_faked_or_must_be_pinned(tmp_path: Path, kind: str) -> None:
    spec = _spec(
        tmp_path, 'Given the shopper fills in every required field of the order form "order"'
    )
    attribute = {
        "marker": "field",
        "type": kind,
        "validators": REQUIRED,
        "listTitles": [{"title": "One", "value": "one"}],
    }
    found = [
        f
        for f in check(spec, Snapshot({"order": {"attributes": [attribute]}}, signed_in=False))
        if f.kind != "auth"
    ]
    if ATTRIBUTE_TYPES[kind].fakeable:
        assert found == []
        return
    [finding] = found
    assert (finding.kind, finding.marker) == ("unfillable", "field")
    assert repr(kind) in finding.problem
    assert "pin its value as JSON" in finding.problem
    pinned = _spec(tmp_path, _table("| marker | type | value |", f'| field | {kind} | ["x"] |'))
    assert _findings(pinned, attribute) == []


def test_every_error_kind_fails_a_step_of_the_form_configuration_feature() -> None:
    source = inspect.getsource(formcheck_steps)
    informational = {"hidden", "unused"}
    assert [k for k in KINDS if k not in informational and f'"{k}"' not in source] == []


def test_the_table_keeps_brackets() -> None:
    finding = Finding(
        "error",
        "auth",
        "-",
        "[x]",
        "no [bold]provider[/bold]",
        "set [auth] provider; map it under [markers]",
    )
    console = Console(record=True, width=300, color_system=None)
    render([finding], console)
    text = console.export_text()
    assert "set [auth] provider; map it under [markers]" in text
    assert "no [bold]provider[/bold]" in text
    assert "[x]" in text


class _Proxy(BaseHTTPRequestHandler):
    def _page(self) -> None:
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(502)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _cli(root: Path, url: str, token: str) -> list[str]:
    return ["check-forms", "--root", str(root), "--url", url, "--app-token", token,
            "--login", LOGIN, "--password", PASSWORD]  # fmt: skip


def test_failures_keep_their_cause_never_a_dict_or_the_login(
    tmp_path: Path, proxy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _spec(tmp_path, _table("| marker | type |", "| name | string |"))
    with SandboxServer(app_token="the-right-app-token") as sandbox:
        assert main(_cli(tmp_path, sandbox.base_url, "a-wrong-app-token")) == 2
        forbidden = capsys.readouterr().err
    assert main(_cli(tmp_path, proxy, "an-app-token")) == 2
    html = capsys.readouterr().err
    assert main(_cli(tmp_path, "http://127.0.0.1:9", "an-app-token")) == 2
    unreachable = capsys.readouterr().err
    assert 'answered 403: "' in forbidden
    assert "app token is wrong" in forbidden
    assert "an HTML page where JSON was expected" in html
    assert "proxy" in html
    assert "could not connect" in unreachable
    for err in (forbidden, html, unreachable):
        assert err.count("\n") == 1, err  # one paragraph
        assert "{'" not in err
        assert "statusCode" not in err
        assert LOGIN not in err
        assert "Traceback" not in err


def test_the_every_required_step_does_not_excuse_a_table_that_leaves_a_field_out(
    tmp_path: Path,
) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "shop.feature").write_text(
        "Feature: Shop\n"
        "  Scenario: Everything\n"
        '    Given the shopper fills in every required field of the order form "order"\n'
        "  Scenario: By the table\n"
        '    Given the shopper fills in the order form "order" with:\n'
        "      | marker |\n"
        "      | name   |\n",
        encoding="utf-8",
    )
    spec = read_spec(tmp_path / "features", Config())
    day = {"marker": "day", "type": "date", "validators": REQUIRED}
    finding = _one(spec, _name(), day)
    assert (finding.kind, finding.marker) == ("required", "day")
    assert finding.problem == (
        "form 'order' requires 'day', which the table of shop.feature: By the table does not send"
    )


# ---------------------------------------------------------------------------------------------
# The promise, as a property: when check-forms finds no error, checkout accepts what is sent

_KINDS = ["string", "string", "text", "integer", "real", "date", "dateTime", "time", "list",
          "radioButton", "timeInterval", "file", "entity"]  # fmt: skip
_LIMIT = st.sampled_from([0, 0, 1, 3, 5, 8, 12, 40])


@st.composite
def _order_form(draw: st.DrawFn) -> list[dict[str, Any]]:
    attributes = []
    for index in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(_KINDS))
        attribute: dict[str, Any] = {
            "marker": f"{draw(st.sampled_from(['field', 'email', 'phone', 'name']))}_{index}",
            "type": kind,
            "position": index + 1,
            "required": draw(st.booleans()),
        }
        if kind == "string":
            attribute.update(
                string_min=draw(_LIMIT),
                string_max=draw(_LIMIT),
                string_length=draw(st.sampled_from([0, 0, 0, 2, 10])),
                email=draw(st.booleans()),
            )
        if kind in ("list", "radioButton"):
            count = draw(st.integers(0, 3))
            attribute["options"] = [{"title": f"O{i}", "value": f"o{i}"} for i in range(count)]
        attributes.append(attribute)
    return attributes


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(app_token="property-app-token", deterministic=True) as running:
        yield running


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(attributes=_order_form(), seed=st.integers(0, 2**63 - 1))
def test_no_error_from_check_forms_means_checkout_accepts(
    sandbox: SandboxServer, attributes: list[dict[str, Any]], seed: int
) -> None:
    project = copy.deepcopy(DEFAULT)
    next(f for f in project["forms"] if f["identifier"] == "order")["attributes"] = attributes
    sandbox.state.project = parse_project(project)
    sandbox.state.reset()
    with make_http_client(5.0) as http:
        client = OneEntryClient(sandbox.base_url, "property-app-token", http=http)
        auth = [
            {"marker": "email_reg", "value": LOGIN},
            {"marker": "password_reg", "value": PASSWORD},
        ]
        assert client.login("email", auth).ok
        form = client.call("form", path={"marker": "order"}).body
        spec = FormSpec(forms={"order": {}}, all_required=frozenset({"order"}))
        errors = [
            f
            for f in check(spec, Snapshot({"order": form}, signed_in=False))
            if f.severity == "error" and f.kind != "auth"
        ]
        if errors:
            assert all(f.kind == "unfillable" for f in errors), errors
            event("check-forms: unfillable")
            return
        event("check-forms: no error, order placed")
        filled = fill_required(FormDataFaker(seed), "order", read_form(client, "order", "en_US"))
        body = {
            "formIdentifier": "order",
            "paymentAccountIdentifier": "cash",
            "formData": wrap_form_data(filled.entries, "en_US"),
            "products": [{"productId": 1, "quantity": 1}],
        }
        answer = client.call("create_order", path={"marker": "orders"}, json=body)
    assert answer.status == 200, (answer.body, filled.entries, attributes)
