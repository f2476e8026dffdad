"""Project-file loading: the default project and every kind of refusal."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from oneentry_sandbox import ConfigError, default_project, load_project


def _default_data() -> dict[str, object]:
    text = resources.files("oneentry_sandbox").joinpath("default_project.yaml").read_text()
    data: dict[str, object] = yaml.safe_load(text)
    return data


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_default_project_reproduces_the_seeds() -> None:
    project = default_project()
    assert [(s.id, s.identifier, s.form) for s in project.storages] == [
        (1, "guest_orders", "guest_order"),
        (2, "orders", "order"),
    ]
    assert {p.id: int(p.price) for p in project.products} == {
        1: 25,
        10: 100,
        14: 340,
        2954: 50,
        2957: 150,
    }
    assert [(a.id, a.identifier, a.type) for a in project.accounts] == [
        (1, "cash", "custom"),
        (2, "stripe", "stripe"),
        (3, "paypal", "custom"),
    ]
    assert project.providers[0].access_ttl_sec == 36000
    assert (project.sequences.order, project.sequences.session) == (90, 47)


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    assert load_project(_write(tmp_path, _default_data())).storages == default_project().storages


def _mutated(tmp_path: Path, change: str) -> ConfigError:
    data = _default_data()
    if change == "unknown":
        data["colour"] = "blue"
    elif change == "type":
        data["storages"][1]["id"] = "two"  # type: ignore[index]
    elif change == "dangling":
        data["storages"][1]["form"] = "ordr"  # type: ignore[index]
    elif change == "account":
        data["storages"][0]["payment_accounts"] = ["cash", "bitcoin"]  # type: ignore[index]
    elif change == "nested":
        data["forms"][2]["attributes"][0]["requierd"] = True  # type: ignore[index]
    elif change == "duplicate":
        data["products"][1]["id"] = 1  # type: ignore[index]
    with pytest.raises(ConfigError) as caught:
        load_project(_write(tmp_path, data))
    return caught.value


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ("unknown", "colour", "unknown key (known keys here: "),
        ("type", "storages[1].id", "expected an integer, got str 'two'"),
        ("dangling", "storages[1].form", "unknown form 'ordr' (known: guest_order, order, reg)"),
        ("account", "storages[0].payment_accounts[1]", "unknown payment account 'bitcoin'"),
        ("nested", "forms[2].attributes[0].requierd", "unknown key"),
        ("duplicate", "products[1].id", "duplicate value 1"),
    ],
)
def test_refusals_name_file_key_and_problem(
    tmp_path: Path, change: str, key: str, problem: str
) -> None:
    error = _mutated(tmp_path, change)
    assert error.file == str(tmp_path / "project.yaml")
    assert error.key == key
    assert error.problem.startswith(problem)
    assert str(error).startswith(f"{tmp_path / 'project.yaml'}: {key}: ")


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("forms: [\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: <syntax>: not valid YAML/JSON"):
        load_project(broken)
    with pytest.raises(ConfigError, match=r"missing\.yaml: <file>: cannot read"):
        load_project(tmp_path / "missing.yaml")


def test_bad_fault_rule_in_the_file(tmp_path: Path) -> None:
    data = _default_data()
    data["faults"] = [{"path": "/x", "status": 99}]
    with pytest.raises(ConfigError) as caught:
        load_project(_write(tmp_path, data))
    assert caught.value.key == "faults[0].status"
    assert caught.value.problem == "expected 400..599, got 99"
