"""Project-file settings that stand for real admin settings (FIDELITY.md rows C1-C4)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from oneentry_sandbox import ConfigError, default_project, load_project


def _load_with(tmp_path: Path, storage_key: str, value: object) -> ConfigError:
    text = resources.files("oneentry_sandbox").joinpath("default_project.yaml").read_text()
    data = yaml.safe_load(text)
    data["storages"][1][storage_key] = value
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    return caught.value


def test_default_project_settings() -> None:
    project = default_project()
    assert [(s.identifier, s.allow_guests) for s in project.storages] == [
        ("guest_orders", True),
        ("orders", False),
    ]
    assert all(dict(s.payment_statuses) == {"completed": "paid_for"} for s in project.storages)
    assert all(a.connected for a in project.accounts)


@pytest.mark.parametrize(
    ("value", "key", "problem"),
    [
        ({"paid": "paid_for"}, "storages[1].payment_statuses.paid", "unknown session status"),
        (
            {"completed": "shipped"},
            "storages[1].payment_statuses.completed",
            "expected a status identifier of this storage",
        ),
    ],
)
def test_bad_payment_statuses_are_refused(
    tmp_path: Path, value: object, key: str, problem: str
) -> None:
    error = _load_with(tmp_path, "payment_statuses", value)
    assert (error.key, error.problem.split(" (")[0]) == (key, problem)


def test_the_refund_switch_is_gone(tmp_path: Path) -> None:
    """Refunds of unpaid orders are refused on every live project: no admin setting, no key."""
    text = resources.files("oneentry_sandbox").joinpath("default_project.yaml").read_text()
    data = yaml.safe_load(text)
    data["behaviour"]["refunds_require_completed"] = False
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert caught.value.key == "behaviour.refunds_require_completed"
