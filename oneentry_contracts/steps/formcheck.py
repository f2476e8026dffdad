"""The form-configuration check as steps: drift in forms, storages or accounts fails CI."""

from __future__ import annotations

import pytest
from pytest_bdd import then, when

from oneentry_contracts.api.contract import ContractApi
from oneentry_contracts.config.settings import Config
from oneentry_contracts.formcheck.check import Finding, FindingKind, check, read_snapshot
from oneentry_contracts.formcheck.formspec import read_spec
from oneentry_contracts.steps import wording


@when(
    wording.READ_CONFIGURATION.text,
    target_fixture="form_findings",
)
def read_configuration(
    oneentry_api: ContractApi, oneentry_config: Config, pytestconfig: pytest.Config
) -> tuple[Finding, ...]:
    """What the feature files send, compared with the API's forms, storages and accounts."""
    spec = read_spec(pytestconfig.rootpath / "features", oneentry_config)
    snapshot = read_snapshot(spec, oneentry_api, oneentry_config.lang_code)
    return tuple(check(spec, snapshot, oneentry_config.lang_code))


def _lines(findings: list[Finding]) -> str:
    return "\n".join(
        f"  - {f.form} / {f.marker}: {f.problem}\n    How to fix: {f.fix}" for f in findings
    )


def _no_errors(findings: tuple[Finding, ...], *kinds: FindingKind) -> None:
    """Fail on errors of these kinds, listing the other errors too: the scenario stops at its
    first failing Then, and the later ones would have had more to say."""
    errors = [f for f in findings if f.severity == "error" and f.kind in kinds]
    if errors:  # the findings are the whole story: no traceback of this helper
        others = [f for f in findings if f.severity == "error" and f.kind not in kinds]
        also = f"\nand, checked by the next steps:\n{_lines(others)}" if others else ""
        pytest.fail(
            f"form configuration drift:\n{_lines(errors)}{also}\n"
            "(`oneentry-contracts check-forms` prints the same findings as a table)",
            pytrace=False,
        )


@then(wording.FIELDS_KNOWN.text)
def fields_known(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "missing_form", "missing_field", "type")


@then(wording.REQUIRED_SENT.text)
def required_sent(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "required")


@then(wording.PINNED_VALID.text)
def pinned_valid(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "list_value", "length", "email", "pattern", "value")


@then(wording.FAKER_FITS.text)
def faker_fits(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "unfillable")


@then(wording.STORAGES_FIT.text)
def storages_fit(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "missing_storage", "storage_form", "account")


@then(wording.SIGN_IN_FITS.text)
def sign_in_fits(form_findings: tuple[Finding, ...]) -> None:
    _no_errors(form_findings, "auth")
