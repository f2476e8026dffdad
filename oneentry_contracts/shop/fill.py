"""Filling in an order form from its live definition: the fields a table chooses, or all the
required ones, each value drawn from the attribute the API answered for it.

`read_form` asks `GET /api/content/forms/marker/{marker}` through the scenario's
`ContractApi`, so the answer is schema-checked, recorded in the cassette and replayed like any
other exchange. `fill_from_table` sends the table's fields: a value comes from the live
attribute (its type, `stringInspectionValidator`, e-mail, `listTitles`, date formats), unless
the table pins it (`attrtypes.pinned_value` gives the wire shape). A field the live form lacks,
or declares with another type than the table, is sent as the table says, as the shop would:
createOrder then refuses it, and `oneentry-contracts check-forms` names the field and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from oneentry_contracts.api.client import Caller
from oneentry_contracts.config.settings import Config
from oneentry_contracts.errors import ConfigError, FormConfigMismatch
from oneentry_contracts.shop.attrtypes import pinned_value, required
from oneentry_contracts.shop.formdata import FormDataFaker
from oneentry_contracts.shop.values import FilledForm

__all__ = ["fill_from_table", "fill_required", "read_form"]

_CHECK = "run `oneentry-contracts check-forms` (add --project for your project)"


def read_form(api: Caller, form: str, lang_code: str) -> list[Mapping[str, Any]]:
    """The live attributes of form `form` (its marker), in the API's order."""
    response = api.call("form", path={"marker": form}, params={"langCode": lang_code})
    if response.status == 404:
        raise FormConfigMismatch(
            f"the project has no form {form!r} (GET /api/content/forms/marker/{form} answered "
            f"404).\nHow to fix: create the form in the admin panel or map its name under "
            f"[markers] in oneentry-contracts.toml; {_CHECK}."
        )
    body = response.body
    if not response.ok or not isinstance(body, Mapping):
        message = body.get("message") if isinstance(body, Mapping) else None
        said = f": {message}" if message else ""
        raise ConfigError(
            f"reading form {form!r} failed ({response.status}{said}).\nHow to fix: {_CHECK}.",
            key=form,
        )
    attributes = body.get("attributes") or []  # an empty form is `{}` (reference §2.4)
    if isinstance(attributes, Mapping):
        attributes = list(attributes.values())
    return [a for a in attributes if isinstance(a, Mapping)]


def fill_from_table(
    faker: FormDataFaker,
    config: Config,
    form: str,
    live: Sequence[Mapping[str, Any]],
    datatable: Sequence[Sequence[str]],
) -> FilledForm:
    """The table's fields in table order. Columns: `marker`, optional `type` (empty: the live
    attribute's) and optional `value` (empty: faker draws one)."""
    header, *rows = datatable
    if "marker" not in header:
        raise ConfigError(
            f"the table of form {form!r} needs the column 'marker' (and may have 'type' and "
            f"'value'), got {list(header)}"
        )
    by_marker = {str(a.get("marker")): a for a in live}
    entries: list[dict[str, Any]] = []
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        marker = config.marker(cells["marker"])
        attribute = by_marker.get(marker)
        kind = cells.get("type", "").strip() or str((attribute or {}).get("type") or "")
        if not kind:
            known = ", ".join(sorted(by_marker)) or "(none)"
            raise ConfigError(
                f"form {form!r} has no field {marker!r}, and the table gives it no type.\n"
                f"How to fix: write its type in the table, or use one of: {known}",
                key=marker,
            )
        if attribute is None or attribute.get("type") != kind:
            attribute = {"marker": marker, "type": kind, "validators": {}}  # as the shop says
        cell = cells.get("value", "")
        value = pinned_value(marker, kind, cell) if cell.strip() else _drawn(faker, form, attribute)
        entries.append({"marker": marker, "type": kind, "value": value})
    return FilledForm(form, tuple(entries))


def fill_required(faker: FormDataFaker, form: str, live: Sequence[Mapping[str, Any]]) -> FilledForm:
    """Every required field of the live form, in form order, each drawn by faker."""
    entries = [
        {
            "marker": str(a.get("marker")),
            "type": str(a.get("type")),
            "value": _drawn(faker, form, a),
        }
        for a in live
        if required(a)
    ]
    return FilledForm(form, tuple(entries))


def _drawn(faker: FormDataFaker, form: str, attribute: Mapping[str, Any]) -> Any:
    """Faker's value; a live attribute no drawn value can meet is the project's problem (a
    `FormConfigMismatch`, the scenario fails), not a mistake in what the user wrote."""
    try:
        return faker.value(attribute)
    except ConfigError as error:
        raise FormConfigMismatch(
            f"form {form!r}: {error}\n(`oneentry-contracts check-forms` lists every such field)"
        ) from None
