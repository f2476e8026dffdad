"""The step catalogue (`oneentry-contracts steps`): complete, true to the step modules, stable."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import parse  # type: ignore[import-untyped]
import pytest

from oneentry_contracts.cli.main import main
from oneentry_contracts.formcheck import formspec
from oneentry_contracts.pytest_plugin import compat
from oneentry_contracts.steps import STEP_MODULES, wording
from oneentry_contracts.steps.catalogue import as_json, catalogue, parameters, render_text

SNAPSHOT = Path(__file__).with_name("step_catalogue.json")
UPDATE = "uv run oneentry-contracts steps --format json > tests/harness/step_catalogue.json"


def test_the_step_sentences_are_the_committed_ones() -> None:
    """The sentences are a public API: a shop's feature files are written with them."""
    live = as_json(catalogue())
    committed = SNAPSHOT.read_text(encoding="utf-8")
    if live != committed:
        old = {
            (d, s["keyword"], s["sentence"])
            for d, steps in json.loads(committed)["domains"].items()
            for s in steps
        }
        new = {
            (d, s["keyword"], s["sentence"])
            for d, steps in json.loads(live)["domains"].items()
            for s in steps
        }
        gone = "\n".join(f"  - {d}: {k} {s}" for d, k, s in sorted(old - new))
        added = "\n".join(f"  + {d}: {k} {s}" for d, k, s in sorted(new - old))
        pytest.fail(
            "The step catalogue differs from tests/harness/step_catalogue.json.\n"
            f"{gone}\n{added}\n(or a parameter, table or example changed)\n"
            "A changed sentence breaks every feature file written with the old one. If the "
            f"change is on purpose, update the snapshot: {UPDATE}, and say so in the changelog.",
            pytrace=False,
        )


@pytest.mark.parametrize("domain", STEP_MODULES)
def test_each_step_module_defines_exactly_its_catalogued_sentences(domain: str) -> None:
    module = importlib.import_module(f"oneentry_contracts.steps.{domain}")
    registered = {
        (context.type, context.parser.name)
        for context in compat.step_contexts()
        if context.step_func.__module__ == module.__name__
    }
    listed = {(sentence.kind, sentence.text) for sentence in wording.DOMAINS[domain]}
    assert registered == listed, (
        f"steps/{domain}.py defines {sorted(registered - listed)} not in steps/wording.py, "
        f"wording lists {sorted(listed - registered)} it does not define"
    )


def test_the_domains_are_the_step_modules_in_order() -> None:
    assert tuple(wording.DOMAINS) == STEP_MODULES
    assert [step.domain for step in catalogue()] == sorted(
        (step.domain for step in catalogue()), key=STEP_MODULES.index
    )


@pytest.mark.parametrize(
    "sentence",
    [s for sentences in wording.DOMAINS.values() for s in sentences],
    ids=lambda s: s.text[:40],
)
def test_every_example_is_said_with_its_sentence(sentence: wording.Sentence) -> None:
    found = parse.parse(sentence.text, sentence.example)
    assert found is not None, f"{sentence.example!r} does not match {sentence.text!r}"
    for parameter in parameters(sentence.text):
        value = found[parameter.name]
        assert isinstance(value, int) == (parameter.type == "integer"), (parameter, value)
    assert set(sentence.optional) <= set(sentence.table)
    assert sentence.text.endswith(":") == bool(sentence.table), "a table step ends with ':'"


def test_parameters_carry_the_parser_types() -> None:
    assert parameters('the shop reads the orders of storage "{storage}" {size:d} at a time') == (
        parameters("{storage}")[0],
        parameters("{size:d}")[0],
    )
    kinds = {p.name: p.type for p in parameters("{a:d} {b:w} {c} {d:f} {e:ti}")}
    assert kinds == {"a": "integer", "b": "word", "c": "text", "d": "number", "e": "ti"}


def test_the_command_lists_every_domain_with_parameters_tables_and_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["steps"]) == 0
    out = capsys.readouterr().out
    for domain in STEP_MODULES:
        assert f"\n{domain}\n{'-' * len(domain)}\n" in f"\n{out}"
    assert 'Given the shopper fills in the order form "{form}" with:' in out
    assert "table:      | marker | type (optional) | value (optional) |" in out
    assert "parameters: count: integer, storage: text, account: text" in out
    assert 'example:    When the customer asks for a refund of 1 × "Cosmo"' in out
    assert out == render_text(catalogue())


def test_the_command_writes_json_and_filters_by_domain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "--format", "json", "--domain", "refunds"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["domains"]) == ["refunds"]
    ask = data["domains"]["refunds"][0]
    assert ask["keyword"] == "When"
    assert ask["parameters"] == [
        {"name": "quantity", "type": "integer"},
        {"name": "product", "type": "text"},
    ]


def test_an_unknown_domain_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "--domain", "shipping"]) == 2
    err = capsys.readouterr().err
    assert "no domain 'shipping'" in err
    assert "How to fix: pass one of auth, forms" in err
    assert "Traceback" not in err


def test_the_catalogue_is_built_without_pytest() -> None:
    code = (
        "import sys; from oneentry_contracts.steps.catalogue import catalogue; catalogue(); "
        "print(sorted(m for m in ('pytest', 'pytest_bdd', 'vcr') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_check_forms_reads_the_steps_wording() -> None:
    """formspec finds forms and orders with the sentences the steps are decorated with."""
    assert wording.FILL_FORM.text == formspec.FORM_STEP
    assert set(formspec.ORDER_STEPS) == {s.text for s in wording.ORDER_SENTENCES}
    for sentence in wording.ORDER_SENTENCES:
        assert {p.name for p in parameters(sentence.text)} >= {"storage", "account"}
