"""Filling in order forms with faker data (deterministic per scenario)."""

from __future__ import annotations

from pytest_bdd import given, parsers

from oneentry_contracts.config.settings import Config
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.shop.formdata import FormDataFaker
from oneentry_contracts.shop.values import FilledForm
from oneentry_contracts.steps import wording


@given(
    parsers.parse(wording.FILL_FORM.text),
    target_fixture="filled_form",
)
def fill_form(
    form: str,
    datatable: list[list[str]],
    oneentry_form_faker: FormDataFaker,
    oneentry_config: Config,
) -> FilledForm:
    """Each row names a field (marker, type); a `value` column pins a value, else faker fills it."""
    header, *rows = datatable
    if "marker" not in header or "type" not in header:
        raise ConfigError(
            f"the table of form {form!r} needs the columns 'marker' and 'type', got {header}"
        )
    fields = [dict(zip(header, row, strict=True)) for row in rows]
    attributes = [
        {"marker": oneentry_config.marker(f["marker"]), "type": f["type"], "validators": {}}
        for f in fields
    ]
    pinned = {
        oneentry_config.marker(f["marker"]): f["value"] for f in fields if f.get("value", "") != ""
    }
    entries = oneentry_form_faker.fill(attributes, pinned=pinned)
    return FilledForm(oneentry_config.marker(form), tuple(entries))
