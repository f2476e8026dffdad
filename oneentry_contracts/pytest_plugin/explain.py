"""Bad input, explained: the one-paragraph messages the pytest plugin shows instead of tracebacks.

Each function turns a problem the plugin catches into text that says what failed, where (file
and line, relative to the project root) and how to fix it:

    feature_syntax_error   a feature file the Gherkin parser refuses
    missing_step           a step text no step definition matches, with the closest wordings
    kept_cassette          a cassette left alone because its scenario failed while recording
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pytest_bdd.exceptions import GherkinParseError

from oneentry_contracts.pytest_plugin import compat

if TYPE_CHECKING:
    from pytest_bdd.steps import StepFunctionContext

__all__ = ["feature_syntax_error", "kept_cassette", "missing_step", "shown_path"]

_SUGGESTIONS: Final = 3


def shown_path(path: str | Path, root: Path) -> str:
    """`path` relative to the project root when it is inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def feature_syntax_error(error: GherkinParseError, root: Path) -> str:
    """A feature file with broken Gherkin: the file:line, the line, the parser's complaint."""
    where = f"{shown_path(error.filename, root)}:{error.line}"
    detail = _gherkin_detail(error)
    lines = [
        f"Feature file cannot be parsed: {where}",
        f"  {error.line} | {error.line_content.strip()}",
        f"{error.message}{f' Gherkin says: {detail}' if detail else ''}",
        "How to fix: correct that line of the feature file (a misspelt keyword such as "
        '"Scenario Outline:", a step outside a Scenario or Background, a table row that does '
        'not start with "|"), then run again.',
    ]
    return "\n".join(lines)


def _gherkin_detail(error: GherkinParseError) -> str:
    """The first complaint of the underlying gherkin parser, without its location prefix."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None) or []
    if not errors:
        return ""
    text = str(errors[0])
    return re.sub(r"^\(\d+:\d+\): ", "", text)


def missing_step(step: Any, scenario: Any, feature: Any, root: Path) -> str:
    """A step text without a definition: where it is and the closest defined wordings."""
    where = f"{shown_path(feature.filename, root)}:{step.line_number}"
    lines = [
        f"Step has no definition: {step.keyword} {step.name}",
        f'  at {where}, scenario "{scenario.name}"',
    ]
    close = closest_steps(step.type, step.name, compat.step_contexts())
    if close:
        lines.append("Closest defined steps:")
        lines += [
            f"  {_keyword(context, step)} {context.parser.name}  ({_source(context, root)})"
            for context in close
        ]
    lines.append(
        "How to fix: use the wording of a defined step in the feature file, or add a step "
        "definition for this text to a module in steps/."
    )
    return "\n".join(lines)


def closest_steps(
    kind: str, text: str, contexts: Iterable[StepFunctionContext]
) -> list[StepFunctionContext]:
    """The step definitions whose wording is closest to `text` (at most three)."""
    unique = {(c.type, c.parser.name): c for c in contexts}.values()
    bonus = {True: 0.05, False: 0.0}  # a definition of the same kind (given/when/then) first
    scored = [(_ratio(text, c.parser.name) + bonus[c.type in (kind, None)], c) for c in unique]
    scored.sort(key=lambda entry: entry[0], reverse=True)
    return [context for score, context in scored if score >= 0.6][:_SUGGESTIONS]


def _ratio(text: str, pattern: str) -> float:
    """Similarity of a step text and a definition's wording, values and placeholders aside."""
    values = re.sub(r"\b\d+\b", "…", re.sub(r'"[^"]*"', '"…"', text))
    return difflib.SequenceMatcher(None, values, re.sub(r"\{[^}]*\}", "…", pattern)).ratio()


def _keyword(context: StepFunctionContext, step: Any) -> str:
    return (context.type or step.type).capitalize()


def _source(context: StepFunctionContext, root: Path) -> str:
    """Where a step is defined: a project file relative to its root, a shipped step by module."""
    module = context.step_func.__module__
    if module.startswith("oneentry_contracts."):
        return module
    try:
        source = inspect.getsourcefile(context.step_func)
    except TypeError:
        source = None
    return shown_path(source, root) if source else module


def kept_cassette(cassette: str, *, existed: bool, failed_copy: str | None) -> str:
    """What happened to a scenario's cassette when the scenario failed while recording."""
    what = "was kept unchanged" if existed else "was not written"
    where = (
        f"the failed recording is in {failed_copy}"
        if failed_copy
        else "run again with --keep-failed to keep the failed recording beside it for inspection"
    )
    return f"{cassette} {what} because the scenario failed while recording; {where}"
