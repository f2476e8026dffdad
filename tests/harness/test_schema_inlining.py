"""`SchemaStore` asks each schema with its $refs inlined first: it must pass and refuse exactly
what the schema with its $refs does (oneentry_contracts/schemas/store.py, `_inlined`).

Checked on every answer recorded in this repository's cassettes, in both modes, and on
variants of each that break it (a key taken away, a value of another type), against every
schema; then on schemas written to catch an inliner out: a $ref beside other keywords under
`unevaluatedProperties`, a $ref into another file's `$defs`, and a tree, which recurses and so
is never inlined but still checked.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from oneentry_contracts.errors import SchemaViolation
from oneentry_contracts.schemas.store import BASE_URI, SchemaStore

ROOT = Path(__file__).resolve().parents[2]


def _recorded_answers() -> list[Any]:
    """Every JSON answer of the cassettes, once (scenarios share many)."""
    answers: dict[str, Any] = {}
    for path in sorted((ROOT / "cassettes").rglob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text("utf-8"))["interactions"]:
            text = interaction["response"]["body"]["string"]
            try:
                answer = json.loads(text)
            except (TypeError, ValueError):
                continue
            answers.setdefault(json.dumps(answer, sort_keys=True), answer)
    return list(answers.values())


def _broken(value: Any) -> Iterator[Any]:
    """Variants of `value` with one thing changed: a key dropped, a value of another type."""
    if isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
            others: tuple[Any, ...] = (None, "text", 7, [], {})
            for other in others:
                yield {**value, key: other}
            for inner in _broken(value[key]):
                yield {**value, key: inner}
    elif isinstance(value, list) and value:
        yield value[1:]
        for inner in _broken(value[0]):
            yield [inner, *value[1:]]


def _agree(store: SchemaStore, name: str, body: Any, strict: bool) -> None:
    validators = store._strict_validators if strict else store._validators
    inlined = (store._strict_inlined if strict else store._inlined)[name]
    by_refs = not any(validators[name].iter_errors(body))
    assert inlined.is_valid(body) is by_refs, (name, strict, body)


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore.for_project(ROOT)


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_every_recorded_answer_and_its_breakages_get_the_same_verdict(
    store: SchemaStore, strict: bool
) -> None:
    answers = _recorded_answers()
    assert len(answers) > 50  # the cassettes are there
    names = sorted(store._inlined)
    assert names == sorted(store.schemas)  # the shipped schemas do not recurse: all inlined
    by_schema: dict[str, list[Any]] = {}  # two different answers of each schema, at most
    for answer in answers:
        for name in names:
            kept = by_schema.setdefault(name, [])
            fits = not any(store._validators[name].iter_errors(answer))
            if len(kept) < 2 and answer not in kept and fits:
                kept.append(answer)
        for name in names[:: max(1, len(names) // 6)]:  # every answer, against a spread
            _agree(store, name, answer, strict)
    assert sum(1 for kept in by_schema.values() if kept) >= 15  # most kinds were recorded
    checked = 0
    for name, kept in by_schema.items():
        for answer in kept:  # the answer against its own schema: every breakage of it
            for variant in itertools.islice(_broken(answer), 150):
                _agree(store, name, variant, strict)
                checked += 1
    assert checked > 1_000


def _write(folder: Path, name: str, schema: dict[str, Any]) -> None:
    path = folder / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"$id": f"{BASE_URI}{name}.json", **schema}), encoding="utf-8")


def test_a_ref_beside_other_keywords_and_into_defs_keeps_its_meaning(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "defs/money",
        {
            "$defs": {"amount": {"type": "number", "minimum": 0}},
            "type": "object",
            "properties": {"sum": {"$ref": "#/$defs/amount"}, "currency": {"type": "string"}},
            "required": ["sum"],
        },
    )
    _write(
        tmp_path,
        "price",
        {
            "$ref": "defs/money.json",
            "properties": {"label": {"type": "string"}},
            "unevaluatedProperties": False,  # sees the keys the $ref'd schema declares
            "required": ["label"],
        },
    )
    store = SchemaStore.load(tmp_path, required=["price"])
    assert sorted(store._inlined) == ["defs/money", "price"]
    bodies = [
        {"sum": 3, "currency": "EUR", "label": "x"},
        {"sum": 3, "label": "x"},
        {"sum": -1, "label": "x"},
        {"sum": 3, "label": "x", "extra": 1},
        {"sum": 3},
        {"label": "x"},
        {"sum": "3", "label": "x"},
    ]
    verdicts = []
    for body in bodies:
        for strict in (False, True):
            _agree(store, "price", body, strict)
        verdicts.append(store._inlined["price"].is_valid(body))
    assert verdicts == [True, True, False, False, False, False, False]


def test_a_recursive_schema_is_checked_through_its_refs(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "tree",
        {
            "type": "object",
            "properties": {"name": {"type": "string"}, "children": {"items": {"$ref": "#"}}},
            "required": ["name"],
        },
    )
    store = SchemaStore.load(tmp_path, required=["tree"])
    assert "tree" not in store._inlined
    store.validate("tree", {"name": "a", "children": [{"name": "b", "children": []}]})
    with pytest.raises(SchemaViolation, match="'name' is a required property"):
        store.validate("tree", {"name": "a", "children": [{"children": []}]})


def test_a_schema_with_a_dynamic_reference_is_checked_through_its_refs(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "list",
        {
            "$dynamicAnchor": "item",
            "type": "object",
            "properties": {"next": {"$dynamicRef": "#item"}, "value": {"type": "integer"}},
        },
    )
    store = SchemaStore.load(tmp_path, required=["list"])
    assert "list" not in store._inlined
    store.validate("list", {"value": 1, "next": {"value": 2}})
    with pytest.raises(SchemaViolation, match="'x' is not of type 'integer'"):
        store.validate("list", {"value": 1, "next": {"value": "x"}})
