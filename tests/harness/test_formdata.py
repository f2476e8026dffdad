"""FormDataFaker: deterministic, locale-aware, validator-respecting form values."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.shop.formdata import FormDataFaker, locale_for, seed_for, wrap_form_data

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

FORM: list[dict[str, Any]] = [
    {
        "marker": "guest_name",
        "type": "string",
        "validators": {"requiredValidator": {"strict": True}},
    },
    {"marker": "guest_phone", "type": "string", "validators": {}},
    {"marker": "contact", "type": "string", "validators": {"emailInspectionValidator": True}},
    {"marker": "comment", "type": "text", "validators": {}},
    {"marker": "qty", "type": "integer", "validators": {}},
    {"marker": "weight", "type": "real", "validators": {}},
    {"marker": "when", "type": "dateTime", "validators": {}},
    {
        "marker": "delivery",
        "type": "list",
        "listTitles": [{"title": "Courier", "value": "courier"}, {"title": "Pickup", "value": 2}],
        "validators": {"requiredValidator": {}},
    },
    {"marker": "hidden", "type": "string", "isVisible": False, "validators": {}},
]


def dump(entries: Any) -> bytes:
    return json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()


def test_same_seed_same_bytes_even_with_other_fakers_in_between() -> None:
    first = FormDataFaker(seed_for("features/x.feature::scenario one"))
    a = dump(first.fill(FORM))
    noise = Faker("en_US")
    noise.seed_instance(1)
    noise.name()
    Faker.seed(99)
    FormDataFaker(123).fill(FORM)
    second = FormDataFaker(seed_for("features/x.feature::scenario one"))
    assert dump(second.fill(FORM)) == a
    assert dump(first.fill(FORM)) == a


def test_scenarios_sharing_the_locales_faker_do_not_disturb_each_other() -> None:
    """One Faker per locale serves every scenario of a process: values drawn alternately for
    two scenarios equal those each draws alone, and those of a fresh process."""
    one, two = FormDataFaker(seed_for("scenario one")), FormDataFaker(seed_for("scenario two"))
    alternating: dict[str, list[Any]] = {"one": [], "two": []}
    for attribute in FORM:
        alternating["one"].append(one.value(attribute))
        alternating["two"].append(two.value(attribute))
        Faker.seed(7)  # other code drawing from faker's shared random in between
    alone = [FormDataFaker(seed_for("scenario one")).value(attribute) for attribute in FORM]
    assert dump(alternating["one"]) == dump(alone)
    assert alternating["one"] != alternating["two"]
    code = (
        "import json, sys; from tests.harness.test_formdata import FORM, dump; "
        "from oneentry_contracts.shop.formdata import FormDataFaker, seed_for; "
        "f = FormDataFaker(seed_for('scenario one')); "
        "sys.stdout.buffer.write(dump([f.value(a) for a in FORM]))"
    )
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert fresh == dump(alone)


def test_different_scenarios_get_different_values() -> None:
    a = FormDataFaker(seed_for("scenario one")).fill(FORM)
    b = FormDataFaker(seed_for("scenario two")).fill(FORM)
    assert a != b
    assert a[0]["value"] != b[0]["value"]


def test_seed_is_stable_across_processes() -> None:
    code = "from oneentry_contracts.shop.formdata import seed_for; print(seed_for('abc'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(n)},
        ).stdout.strip()
        for n in (1, 2)
    }
    assert outputs == {str(seed_for("abc"))}


def test_values_follow_type_and_marker() -> None:
    entries = FormDataFaker(7).fill(FORM)
    values = {e["marker"]: e["value"] for e in entries}
    assert [e["marker"] for e in entries] == [a["marker"] for a in FORM[:-1]]
    assert all(list(e) == ["marker", "type", "value"] for e in entries)
    assert re.fullmatch(r"\+1[1-9]\d{9}", values["guest_phone"])
    assert EMAIL.match(values["contact"])
    assert len(values["guest_name"].split()) >= 2
    assert isinstance(values["qty"], int)
    assert isinstance(values["weight"], float)
    (text,) = values["comment"]
    assert list(text) == ["plainValue"]
    assert text["plainValue"]
    when = values["when"]
    assert when["formatString"] == "DD-MM-YYYY HH:mm"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z", when["fullDate"])
    day, month, year = when["fullDate"][8:10], when["fullDate"][5:7], when["fullDate"][:4]
    assert when["formattedValue"].startswith(f"{day}-{month}-{year} ")
    assert values["delivery"] in (["courier"], [2])


def test_marker_email_without_validator_is_an_email() -> None:
    (entry,) = FormDataFaker(1).fill([{"marker": "guest_email", "type": "string"}])
    assert EMAIL.match(entry["value"])


def test_date_and_time_formats() -> None:
    date = FormDataFaker(3).value({"marker": "d", "type": "date"})
    assert date["formatString"] == "DD-MM-YYYY"
    assert date["fullDate"].endswith("T00:00:00.000Z")
    time = FormDataFaker(3).value({"marker": "t", "type": "time"})
    assert time["formatString"] == "HH:mm"
    assert re.fullmatch(r"\d\d:\d\d", time["formattedValue"])


def test_pinned_and_only_required() -> None:
    faker = FormDataFaker(5)
    entries = faker.fill(FORM, pinned={"qty": "3", "hidden": "x"}, only_required=True)
    assert [(e["marker"], e["value"]) for e in entries if e["marker"] in ("qty", "hidden")] == [
        ("qty", "3"),
        ("hidden", "x"),
    ]
    assert [e["marker"] for e in entries] == ["guest_name", "qty", "delivery", "hidden"]


def test_pinning_an_unknown_marker_fails() -> None:
    with pytest.raises(ConfigError, match="'nope'"):
        FormDataFaker(1).fill(FORM, pinned={"nope": 1})


def test_locale_gives_cyrillic_names_for_ru_RU() -> None:
    for seed in range(20):
        (entry,) = FormDataFaker(seed, "ru_RU").fill([{"marker": "name", "type": "string"}])
        assert CYRILLIC.search(entry["value"]), entry
    (email,) = FormDataFaker(1, "ru_RU").fill([{"marker": "email", "type": "string"}])
    assert email["value"].isascii()
    assert EMAIL.match(email["value"])


def test_locale_for() -> None:
    assert locale_for("en_US") == "en_US"
    assert locale_for("ru_RU") == "ru_RU"
    assert locale_for("es_ES") == "es_ES"
    assert locale_for("de_DE") == "de_DE"
    with pytest.raises(ConfigError, match=r"(?s)'xx_YY'.*en_US"):
        locale_for("xx_YY")
    with pytest.raises(ConfigError):
        FormDataFaker(1, "xx_YY")


limits = st.one_of(st.none(), st.just(0), st.just(""), st.integers(1, 60))


def as_wire(value: int | str | None, as_string: bool) -> int | str | None:
    return str(value) if as_string and isinstance(value, int) else value


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**63),
    marker=st.sampled_from(["name", "first_name", "guest_phone", "email", "city", "comment"]),
    low=limits,
    high=limits,
    exact=limits,
    as_string=st.booleans(),
    lang=st.sampled_from(["en_US", "ru_RU", "es_ES"]),
)
def test_string_lengths_are_honoured(
    seed: int,
    marker: str,
    low: int | str | None,
    high: int | str | None,
    exact: int | str | None,
    as_string: bool,
    lang: str,
) -> None:
    lo = low if isinstance(low, int) and low > 0 else 0
    hi = high if isinstance(high, int) and high > 0 else None
    n = exact if isinstance(exact, int) and exact > 0 else None
    if n is None and hi is not None and lo > hi:
        return  # contradictory: covered by test_contradictory_limits_fail
    if n is not None and (lo > n or (hi is not None and hi < n)):
        return  # an exact length outside min..max: covered by test_contradictory_limits_fail
    if marker == "email" and (n or hi or 99) < 8:
        return  # too short for any address: covered by test_too_short_email_fails
    validator = {
        "stringMin": as_wire(low, as_string),
        "stringMax": as_wire(high, as_string),
        "stringLength": as_wire(exact, as_string),
    }
    attribute = {
        "marker": marker,
        "type": "string",
        "validators": {"stringInspectionValidator": validator},
    }
    value = FormDataFaker(seed, lang).value(attribute)
    assert isinstance(value, str)
    if n is not None:
        assert len(value) == n
    else:
        assert len(value) >= lo
        if hi is not None:
            assert len(value) <= hi
    if marker == "email":
        assert EMAIL.match(value), value
    assert value == value.strip()


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**63))
def test_list_values_are_among_the_options(seed: int) -> None:
    titles = [{"title": f"T{i}", "value": f"v{i}", "position": i} for i in range(5)]
    for kind in ("list", "radioButton"):
        value = FormDataFaker(seed).value({"marker": "opt", "type": kind, "listTitles": titles})
        assert isinstance(value, list)
        assert len(value) == 1
        assert value[0] in {t["value"] for t in titles}


@pytest.mark.parametrize("kind", ["file", "image", "groupOfImages", "entity", "spam", "button"])
def test_unsupported_type_names_marker_and_type(kind: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FormDataFaker(1).fill([{"marker": "attachment", "type": kind}])
    assert "'attachment'" in str(caught.value)
    assert repr(kind) in str(caught.value)
    assert "pin its value" in str(caught.value)


def test_unsupported_type_can_be_pinned() -> None:
    attachment = {"filename": "a.pdf", "downloadLink": "https://x.test/a.pdf", "size": 1}
    entries = FormDataFaker(1).fill(
        [{"marker": "attachment", "type": "file"}], pinned={"attachment": [attachment]}
    )
    assert entries == [{"marker": "attachment", "type": "file", "value": [attachment]}]


def test_list_without_options_fails() -> None:
    with pytest.raises(ConfigError, match="without options"):
        FormDataFaker(1).value({"marker": "delivery", "type": "list", "listTitles": []})


def test_contradictory_limits_fail() -> None:
    validators = {"stringInspectionValidator": {"stringMin": "10", "stringMax": "3"}}
    with pytest.raises(ConfigError, match="stringMin 10 is greater than stringMax 3"):
        FormDataFaker(1).value({"marker": "x", "type": "string", "validators": validators})
    exact = {"stringInspectionValidator": {"stringLength": 2, "stringMax": "1"}}
    with pytest.raises(
        ConfigError, match=r"stringLength 2 is outside stringMin 0 \.\. stringMax 1;"
    ):
        FormDataFaker(1).value({"marker": "x", "type": "string", "validators": exact})


def test_too_short_email_fails() -> None:
    validators = {"emailInspectionValidator": True, "stringInspectionValidator": {"stringMax": 6}}
    with pytest.raises(ConfigError, match="too short"):
        FormDataFaker(1).value({"marker": "mail", "type": "string", "validators": validators})


def test_non_numeric_limit_fails() -> None:
    validators = {"stringInspectionValidator": {"stringMax": "ten"}}
    with pytest.raises(ConfigError, match="stringMax"):
        FormDataFaker(1).value({"marker": "x", "type": "string", "validators": validators})


def test_wrap_form_data() -> None:
    entries = [{"marker": "name", "type": "string", "value": "Christina Thomas"}]
    assert wrap_form_data(entries, "en_US") == {"en_US": entries}
    assert wrap_form_data([], "ru_RU") == {"ru_RU": []}


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    lang=st.sampled_from(["en_US", "ru_RU", "de_DE", "fr_FR", "ja_JP"]),
    high=st.one_of(st.none(), st.integers(8, 40)),
)
def test_generated_addresses_are_only_on_reserved_domains(
    seed: int, lang: str, high: int | None
) -> None:
    """The secrets audit allows reserved domains only (`audit.ALLOWED_EMAIL_*`): an address the
    harness makes up must never look like a real customer's."""
    from oneentry_contracts.recording.audit import KnownSecrets
    from oneentry_contracts.recording.audit import _line_findings as findings

    limits = {} if high is None else {"stringInspectionValidator": {"stringMax": high}}
    form = [
        *FORM,
        {"marker": "email", "type": "string", "validators": limits},
        {"marker": "work_email", "type": "string", "validators": {"emailInspectionValidator": 1}},
    ]
    values = json.dumps(FormDataFaker(seed, lang).fill(form), ensure_ascii=False)
    assert values.count("@") >= 3
    assert list(findings(values, KnownSecrets().patterns())) == []
