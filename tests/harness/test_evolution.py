"""Schema evolution: inferring from recorded answers, the diff, and a merge that keeps what a
person wrote (annotations, $refs, patterns) and only changes what the recordings contradict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from oneentry_contracts.cli.main import main
from oneentry_contracts.schemas.evolution import propose
from oneentry_contracts.schemas.recorded import kind_of, read_recorded
from oneentry_contracts.schemas.store import BASE_URI, SchemaStore

ROOT = Path(__file__).resolve().parents[2]


def store(tmp_path: Path, **schemas: dict[str, Any]) -> SchemaStore:
    for name, schema in schemas.items():
        path = tmp_path / f"{name.replace('__', '/')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        stem = name.replace("__", "/")
        full = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{BASE_URI}{stem}.json",
            **schema,
        }
        path.write_text(json.dumps(full, indent=2), encoding="utf-8")
    return SchemaStore.load(tmp_path, required=[])


def rows(proposal: Any) -> list[tuple[str, str, str, str]]:
    return [(c.change, c.field, c.current, c.recorded) for c in proposal.changes]


TOKEN = {
    "title": "Token",
    "description": "hand-written",
    "type": "object",
    "required": ["token", "user"],
    "properties": {
        "token": {"description": "placeholder-aware", "type": "string", "pattern": "^<T_[0-9]+>$"},
        "user": {"type": "string"},
        "note": {"type": "string"},
    },
}


def test_a_schema_that_fits_has_no_difference_and_unseen_is_information(tmp_path: Path) -> None:
    schemas = store(tmp_path, token=TOKEN)
    proposal = propose("token", schemas, [{"token": "<T_1>", "user": "a"}])
    assert proposal.differences == ()
    assert rows(proposal) == [("unseen", "/note", "optional", "in no recording")]
    assert proposal.files == {}


def test_added_field_and_widened_type_keep_everything_else(tmp_path: Path) -> None:
    schemas = store(tmp_path, token=TOKEN)
    bodies = [
        {"token": "<T_1>", "user": "a", "note": "x", "extra": {"n": 1}},
        {"token": "<T_2>", "user": 7, "note": "y"},
    ]
    proposal = propose("token", schemas, bodies)
    assert rows(proposal) == [
        ("type", "/user", "string", "integer | string"),
        ("added", "/extra", "(not declared)", "object, in some recordings"),
    ]
    written = proposal.files["token"]
    expected = json.loads(json.dumps(schemas.schemas["token"]))
    expected["properties"]["user"]["type"] = ["integer", "string"]
    expected["properties"]["extra"] = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "required": ["n"],
    }
    assert written == expected  # $id, title, description, the token's pattern: all kept


def test_required_relaxations_removed_and_missing_in_some(tmp_path: Path) -> None:
    schemas = store(tmp_path, token=TOKEN)
    proposal = propose("token", schemas, [{"token": "<T_1>"}, {"token": "<T_2>"}])
    assert ("removed", "/user", "required", "in no recording") in rows(proposal)
    assert proposal.files["token"]["required"] == ["token"]
    proposal = propose("token", schemas, [{"token": "<T_1>", "user": "a"}, {"token": "<T_2>"}])
    assert ("required", "/user", "required", "missing from some recordings") in rows(proposal)
    assert proposal.files["token"]["properties"]["user"] == {"type": "string"}  # kept


def test_a_type_no_recording_fits_is_replaced_keeping_annotations(tmp_path: Path) -> None:
    schemas = store(tmp_path, token=TOKEN)
    proposal = propose("token", schemas, [{"token": 5, "user": "a"}])
    assert rows(proposal)[0] == ("type", "/token", "string", "integer")
    assert proposal.files["token"]["properties"]["token"] == {
        "description": "placeholder-aware",
        "type": "integer",
    }


def test_changes_under_a_ref_land_in_the_shared_definition_and_refs_stay(tmp_path: Path) -> None:
    picture = {"type": "object", "properties": {"url": {"type": "string"}}}
    order: dict[str, Any] = {
        "type": "object",
        "properties": {
            "image": {"anyOf": [{"type": "null"}, {"$ref": "defs/picture.json"}]},
            "created": {"$ref": "defs/stamp.json"},
        },
    }
    stamp = {"type": "string", "pattern": "^[0-9]{4}-"}
    schemas = store(tmp_path, order=order, defs__picture=picture, defs__stamp=stamp)
    bodies = [{"image": {"url": "u", "alt": "a"}, "created": "2025-01-01"}, {"created": 0}]
    proposal = propose("order", schemas, bodies)
    assert rows(proposal) == [
        ("added", "/image/alt", "(not declared)", "string, in every recording"),
        ("type", "/created", "string", "integer | string"),
    ]
    assert proposal.changes[0].pointer == "defs/picture.json#/properties/alt"
    assert proposal.files["defs/picture"]["properties"]["alt"] == {"type": "string"}
    assert proposal.files["order"]["properties"]["image"] == order["properties"]["image"]
    assert proposal.files["order"]["properties"]["created"] == {
        "anyOf": [{"$ref": "defs/stamp.json"}, {"type": "integer"}]
    }


def test_every_recorded_answer_maps_to_a_kind_and_every_kind_fits() -> None:
    recorded = read_recorded(ROOT / "cassettes")
    assert recorded.unmatched == ()
    assert kind_of("POST", "/api/content/orders-storage/marker/x/orders", 200) == (
        "created_order",
        "create_order",
    )
    assert kind_of("POST", "/api/content/orders-storage/marker/x/orders", 400) == (
        "error",
        "create_order",
    )
    assert kind_of("PUT", "/__sandbox/products/14", 200) == ("sandbox/price", "sandbox/price")
    paid = ("sandbox/provider", "sandbox/provider")
    assert kind_of("POST", "/__sandbox/sessions/47/pay", 200) == paid
    schemas = SchemaStore.for_project(ROOT)
    for kind, answers in recorded.by_kind.items():
        proposal = propose(kind, schemas, [a.body for a in answers])
        assert proposal.differences == (), (kind, rows(proposal))


def test_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["infer-schema", "--root", str(ROOT), "createOrder"]) == 2
    err = capsys.readouterr().err
    assert "'createOrder' is not a response kind" in err
    assert "created_order" in err
    assert "create_order" in err
    assert main(["infer-schema", "--root", str(ROOT)]) == 2
    assert "needs a KIND" in capsys.readouterr().err
    assert main(["infer-schema", "--root", str(ROOT), "created_order", "--yes"]) == 2
    assert "--yes goes with --write" in capsys.readouterr().err
    assert main(["infer-schema", "--root", str(ROOT), "sign_up_entity"]) == 2
    assert "no recorded answer of kind 'sign_up_entity'" in capsys.readouterr().err


def test_cli_list_and_a_kind_without_differences(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["infer-schema", "--root", str(ROOT), "--list", "--format", "json"]) == 0
    kinds = {k["kind"]: k for k in json.loads(capsys.readouterr().out)["kinds"]}
    assert kinds["created_order"]["endpoints"] == ["create_order", "update_order"]
    assert kinds["created_order"]["recorded"] > 0
    assert "defs/timestamp" not in kinds
    assert main(["infer-schema", "--root", str(ROOT), "create_order"]) == 0
    assert "0 difference(s)" in capsys.readouterr().out
