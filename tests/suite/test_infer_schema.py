"""`oneentry-contracts infer-schema` on a scratch copy of the project whose cassettes drifted: a
createOrder answer with a new field and one with a changed type give exactly that diff, and the
written proposal validates every cassette and lets the suite replay (strict mode included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from oneentry_contracts.schemas.recorded import read_recorded
from oneentry_contracts.schemas.store import SCHEMA_DIR, SchemaStore
from tests.suite.conftest import SCENARIOS, SuiteCopy
from tests.suite.test_suite import GUEST, GUEST_NODE, _edit_interaction

CREATE = "/orders-storage/marker/guest_orders/orders"
LAMP = "registered_purchase/a_customer_buys_1_desk_lamp_and_pays_by_cash.yaml"


def _edit_body(cassette: Path, path_part: str, change: Any) -> None:
    def edit(interaction: dict[str, Any]) -> None:
        response = interaction["response"]
        body = json.loads(response["body"]["string"])
        change(body)
        response["body"]["string"] = json.dumps(body, separators=(",", ":"))

    _edit_interaction(cassette, "POST", path_part, edit)


def _infer(root: Path, *args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "oneentry_contracts.cli",
            "infer-schema",
            "--root",
            str(root),
            *args,
        ],
        input=answer,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_new_field_and_changed_type_are_exactly_the_diff_and_write_fixes_them(
    suite: SuiteCopy,
) -> None:
    cassettes = suite.root / "cassettes"
    _edit_body(cassettes / GUEST, CREATE, lambda b: b.update(trackingNumber="TRK-0001"))
    _edit_body(
        cassettes / LAMP,
        "/orders-storage/marker/orders/orders",
        lambda b: b.update(totalSum=str(b["totalSum"])),
    )
    schema_file = suite.root / "schemas" / "created_order.json"
    assert not schema_file.exists()  # the project has no override: the shipped default serves
    before = (SCHEMA_DIR / "created_order.json").read_text("utf-8")

    shown = _infer(suite.root, "create_order", "--format", "json")
    assert shown.returncode == 1, shown.stderr
    report = json.loads(shown.stdout)
    assert report["differences"] == [
        {
            "change": "type",
            "field": "/totalSum",
            "pointer": "created_order.json#/properties/totalSum",
            "current": "number",
            "recorded": "integer | string",
        },
        {
            "change": "added",
            "field": "/trackingNumber",
            "pointer": "created_order.json#/properties/trackingNumber",
            "current": "(not declared)",
            "recorded": "string, in some recordings",
        },
    ]
    assert report["problems"] == []

    # Strict replay of the guest scenario fails on the undeclared field before the write.
    strict = suite.run("--only", GUEST_NODE, "--strict")
    assert strict.code == 1
    assert "trackingNumber" in strict.output

    declined = _infer(suite.root, "created_order", "--write", answer="n\n")
    assert declined.returncode == 1
    assert "nothing written" in declined.stderr
    no_answer = _infer(suite.root, "created_order", "--write")  # end of input: no
    assert no_answer.returncode == 1
    assert not schema_file.exists()

    written = _infer(suite.root, "created_order", "--write", "--yes")
    assert written.returncode == 0, written.stdout + written.stderr
    old, new = json.loads(before), json.loads(schema_file.read_text("utf-8"))
    assert new["properties"]["totalSum"] == {
        **old["properties"]["totalSum"],
        "type": ["number", "string"],
    }
    assert new["properties"].pop("trackingNumber") == {"type": "string"}
    old["properties"].pop("totalSum"), new["properties"].pop("totalSum")
    assert new == old  # $id, title, descriptions, $refs, required: as they were

    store = SchemaStore.for_project(suite.root)
    for kind, answers in read_recorded(cassettes).by_kind.items():
        for answer in answers:
            store.validate(kind, answer.body)
    again = _infer(suite.root, "created_order")
    assert again.returncode == 0, again.stdout
    assert suite.run("--only", GUEST_NODE, "--strict").code == 0
    replay = suite.run()
    assert replay.code == 0, replay.output
    assert f"{SCENARIOS} passed" in replay.output


def test_only_a_new_field_then_the_whole_suite_replays(suite: SuiteCopy) -> None:
    _edit_body(suite.root / "cassettes" / GUEST, CREATE, lambda b: b.update(loyaltyTier="gold"))
    assert _infer(suite.root, "created_order").returncode == 1
    assert _infer(suite.root, "created_order", "--write", answer="y\n").returncode == 0
    replay = suite.run("--strict")
    assert replay.code == 0, replay.output
    assert f"{SCENARIOS} passed" in replay.output
