"""Feature files checked before pytest-bdd reads them: problems it would turn into a traceback,
a silently lost scenario or a misleading "No cassette".

    not UTF-8              pytest-bdd's UnicodeDecodeError traceback
    empty, or no Feature   pytest-bdd's AttributeError traceback
    two scenarios titled alike in one feature
                           pytest-bdd keeps one of them (its scenarios are a dict by title),
                           and both would record into the same cassette
    a Scenario Outline whose Examples lack a column its <placeholder> names, or have no rows
                           the title keeps `<placeholder>`, so its cassette is never found

Each is a `HarnessError` naming the file, the line and the fix; the plugin raises it as a usage
error (exit 2) before collection. Gherkin syntax errors are left to pytest-bdd, whose message
`explain.feature_syntax_error` rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser

from oneentry_contracts.errors import HarnessError
from oneentry_contracts.pytest_plugin.explain import shown_path
from oneentry_contracts.recording.naming import slug

__all__ = ["check_feature", "check_features"]

_PLACEHOLDER: Final = re.compile(r"<([^<>]+)>")


def check_features(folder: Path, root: Path) -> None:
    """Check every `*.feature` file under `folder` (nothing if it does not exist)."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*.feature")):
            check_feature(path, root)


def check_feature(path: Path, root: Path) -> None:
    """Raise a `HarnessError` for the first problem of one feature file."""
    shown = shown_path(path, root)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HarnessError(
            f"Feature file is not UTF-8 text: {shown}:{line} (byte {error.start}: "
            f"{data[error.start : error.start + 1]!r}).\nHow to fix: save the file as UTF-8 "
            "(an editor's 'save with encoding' or `iconv -f cp1251 -t utf-8`)."
        ) from None
    try:
        document = Parser().parse(text)
    except CompositeParserException:
        return  # pytest-bdd reports it, with the line (explain.feature_syntax_error)
    feature: Any = dict(document).get("feature")  # gherkin's TypedDicts, read as plain data
    if not feature:
        what = "is empty" if not text.strip() else "has no Feature: line"
        raise HarnessError(
            f"Feature file {what}: {shown}.\nHow to fix: start it with `Feature: <title>` "
            "followed by its scenarios, or delete the file."
        )
    _check_titles(list(_scenarios(feature)), shown, path.stem)
    for scenario in _scenarios(feature):
        _check_examples(scenario, shown)


def _scenarios(feature: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for child in feature.get("children", []):
        if "scenario" in child:
            yield child["scenario"]
        for nested in child.get("rule", {}).get("children", []):
            if "scenario" in nested:
                yield nested["scenario"]


def _line(node: dict[str, Any]) -> int:
    return int(node["location"]["line"])


def _check_titles(scenarios: list[dict[str, Any]], shown: str, stem: str) -> None:
    """No two scenarios share a title (pytest-bdd keeps one) or a plain one's cassette name."""
    seen: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        key = scenario["name"] if scenario.get("examples") else slug(scenario["name"])
        first = seen.setdefault(key, scenario)
        if first is scenario:
            continue
        same = first["name"] == scenario["name"]
        raise HarnessError(
            f"Two scenarios in {shown} have the same title: "
            f'"{first["name"]}" (line {_line(first)}) and "{scenario["name"]}" '
            f"(line {_line(scenario)}).\n"
            + (
                "pytest-bdd would keep only the last one, and "
                if same
                else "Their titles differ only in punctuation or case, so "
            )
            + f"both would record into cassettes/{stem}/{slug(scenario['name'])}.yaml.\n"
            "How to fix: give each scenario a title of its own."
        )


def _placeholders(scenario: dict[str, Any]) -> dict[str, None]:
    """Every `<name>` of an outline's title and steps (text, tables, doc strings), in order."""
    texts = [scenario["name"]]
    for step in scenario.get("steps", []):
        texts.append(step["text"])
        for row in step.get("dataTable", {}).get("rows", []):
            texts += [cell["value"] for cell in row["cells"]]
        texts.append(step.get("docString", {}).get("content", ""))
    return {name: None for text in texts for name in _PLACEHOLDER.findall(text)}


def _check_examples(scenario: dict[str, Any], shown: str) -> None:
    examples = scenario.get("examples") or []
    title = f'{scenario["keyword"]} "{scenario["name"]}" at {shown}:{_line(scenario)}'
    used = _placeholders(scenario)
    if not examples:
        if scenario["keyword"].strip().lower() in ("scenario outline", "scenario template"):
            raise HarnessError(
                f"{title} has no Examples, so its <placeholders> are never filled in.\n"
                "How to fix: add an `Examples:` table with a column per placeholder "
                f"({', '.join(used) or 'none used'}) and a row per example, or make it a "
                "plain Scenario."
            )
        return
    for table in examples:
        header = [cell["value"] for cell in table.get("tableHeader", {}).get("cells", [])]
        where = f"its Examples at line {_line(table)}"
        if not table.get("tableBody"):
            raise HarnessError(
                f"{title}: {where} {'has no rows' if header else 'is empty'}, so the outline "
                "runs no example.\nHow to fix: add a row per example under the header "
                f"| {' | '.join(header or used)} |, or delete the Examples."
            )
        if missing := [name for name in used if name not in header]:
            names = ", ".join(f"<{name}>" for name in missing)
            raise HarnessError(
                f"{title} uses {names}, but {where} has no such column "
                f"(its columns: {', '.join(header)}); the placeholder would stay as it is, "
                "in the steps and in the cassette's name.\nHow to fix: name the column "
                f"{' and '.join(missing)} again, or use a column it has in the outline."
            )
