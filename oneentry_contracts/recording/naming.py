"""What a scenario is called and where its cassette lives.

A scenario example's cassette is `cassettes/<feature file stem>/<its title, slugged>.yaml`,
the title with the example's `<placeholders>` filled in. The plugin names cassettes with it,
refuses two examples that would share one, and the run report shows the titles.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from oneentry_contracts.pytest_plugin import compat

if TYPE_CHECKING:
    from pytest_bdd.parser import ScenarioTemplate

__all__ = [
    "cassette_name",
    "cassette_path",
    "scenario_name",
    "scenario_steps",
    "scenario_template",
    "slug",
]


def scenario_template(item: pytest.Item) -> ScenarioTemplate | None:
    """The pytest-bdd scenario behind a collected test, or None for an ordinary test."""
    function = getattr(item, "obj", None)
    return compat.scenario_template(function) if function is not None else None


def scenario_steps(item: pytest.Item) -> tuple[str, ...]:
    """The step sentences of a scenario, its backgrounds' first, as the feature file writes
    them (an outline's `<placeholders>` unfilled); none for an ordinary test."""
    template = scenario_template(item)
    if template is None:
        return ()
    return tuple(step.name for step in (*template.all_background_steps, *template.steps))


def slug(text: str) -> str:
    """`A guest buys 2 x Cosmo` as `a_guest_buys_2_x_cosmo`."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_SCENARIO_NAME = pytest.StashKey[str]()


def scenario_name(item: pytest.Item, template: ScenarioTemplate) -> str:
    """The scenario's title with its example's values filled in, worked out once per item.

    Only the title is rendered (as `ScenarioTemplate.render` renders it): rendering the
    whole scenario copies every step's data table, which cost a replayed scenario ~1 ms.
    """
    name = item.stash.get(_SCENARIO_NAME, None)
    if name is None:
        example = compat.example_values(item, template)
        name = item.stash[_SCENARIO_NAME] = compat.render_string(template.name, example)
    return name


def cassette_name(item: pytest.Item, template: ScenarioTemplate) -> str:
    """The cassette's file name without `.yaml`: the scenario's title, slugged."""
    return slug(scenario_name(item, template))


def cassette_path(item: pytest.Item) -> Path | None:
    """Where a scenario's cassette lives (`cassettes/<feature>/<name>.yaml`); None for a test."""
    template = scenario_template(item)
    if template is None:
        return None
    feature = Path(template.feature.filename).stem
    return item.config.rootpath / "cassettes" / feature / f"{cassette_name(item, template)}.yaml"
