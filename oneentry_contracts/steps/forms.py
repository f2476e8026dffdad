"""Filling in order forms from the form's live definition, with faker data (deterministic per
scenario). The form is read from the API (`GET /api/content/forms/marker/{marker}`) through the
scenario's `oneentry_api`: schema-checked, recorded in the cassette, replayed offline."""

from __future__ import annotations

from pytest_bdd import given, parsers

from oneentry_contracts.api.contract import ContractApi
from oneentry_contracts.config.settings import Config
from oneentry_contracts.shop.fill import fill_from_table, fill_required, read_form
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
    oneentry_api: ContractApi,
    oneentry_form_faker: FormDataFaker,
    oneentry_config: Config,
) -> FilledForm:
    """Each row names a field (`marker`, optional `type`); a `value` column pins a value, else
    faker draws one that the live attribute's validators accept."""
    marker = oneentry_config.marker(form)
    live = read_form(oneentry_api, marker, oneentry_config.lang_code)
    return fill_from_table(oneentry_form_faker, oneentry_config, marker, live, datatable)


@given(
    parsers.parse(wording.FILL_REQUIRED.text),
    target_fixture="filled_form",
)
def fill_every_required(
    form: str,
    oneentry_api: ContractApi,
    oneentry_form_faker: FormDataFaker,
    oneentry_config: Config,
) -> FilledForm:
    """Every field the live form requires, each drawn by faker within its validators."""
    marker = oneentry_config.marker(form)
    live = read_form(oneentry_api, marker, oneentry_config.lang_code)
    return fill_required(oneentry_form_faker, marker, live)
