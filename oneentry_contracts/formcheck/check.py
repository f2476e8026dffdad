"""Does the project's configuration still accept what the scenarios send?

`read_spec` (formspec) says what the feature files send; a `Snapshot` holds what the API
answers for those forms, storages, payment accounts and the auth provider; `check` compares the
two and returns `Finding`s, each with a severity, the form, the marker, the problem and a fix:

    error    the API would refuse what a scenario sends (unknown marker, other type, a required
             field left out, a pinned value the validators reject, a storage with another form,
             an account not enabled for the storage, sign-in markers the provider form lacks)
    warning  it works today but is probably not what the admin meant (a hidden field is sent)
    info     worth knowing (a form field no scenario sends)

Snapshots come from a live API (`read_snapshot` with any object that has `call(name, path=,
params=)`: a `OneEntryClient` or a scenario's `ContractApi`) or from recorded cassettes
(`CassetteReader`). The `check-forms` command is in `formcheck_cli`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oneentry_contracts.api.client import ApiResponse, Caller
from oneentry_contracts.api.endpoints import ENDPOINTS
from oneentry_contracts.errors import CassetteError, ConfigError, TransportError
from oneentry_contracts.formcheck.fields import check_field
from oneentry_contracts.formcheck.findings import KINDS, ORDER, Finding, FindingKind, Severity
from oneentry_contracts.formcheck.formspec import FieldUse, FormSpec
from oneentry_contracts.recording.cassettes import FAILED_SUFFIX, load_cassette_check
from oneentry_contracts.shop.attrtypes import required
from oneentry_contracts.shop.formdata import FormDataFaker

__all__ = [
    "KINDS",
    "CassetteReader",
    "Finding",
    "FindingKind",
    "Severity",
    "Snapshot",
    "check",
    "read_snapshot",
]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the API answered. `None` for a marker means 404: the project has no such thing."""

    forms: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    storages: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    accounts: tuple[str, ...] = ()
    provider: Mapping[str, Any] | None = None
    signed_in: bool = True  # False: storages and accounts were not read (sign-in failed)


# ---------------------------------------------------------------------------------------------
# Reading the project


_HINTS = {
    401: "the call needs a signed-in user: check the user's credentials and [auth]",
    403: (
        "a 403 on every call means the app token is wrong: check ONEENTRY_APP_TOKEN (the "
        "project's app token, from the admin panel's settings); on one call only, the entity "
        "is closed or the user lacks a permission in the admin panel"
    ),
}


def _body(response: ApiResponse) -> Any:
    """The answer's body; `None` for a 404 (the project has no such thing). Any other refusal
    is a `TransportError` with the API's own message, never the raw body or the host."""
    if response.status == 404:
        return None
    if not response.ok:
        body = response.body
        message = body.get("message") if isinstance(body, Mapping) else None
        if isinstance(message, list):
            message = "; ".join(map(str, message))
        said = f": {json.dumps(message, ensure_ascii=False)}" if message else ""
        path = urlsplit(response.url).path or response.endpoint.path
        hint = _HINTS.get(response.status, "look at the message; the project may be down")
        raise TransportError(
            f"{response.endpoint.name} (GET {path}) answered {response.status}{said}. "
            f"How to fix: {hint}.",
            endpoint=response.endpoint.name,
            url=path,
        )
    return response.body


def read_snapshot(
    spec: FormSpec, api: Caller, lang_code: str = "en_US", *, signed_in: bool = True
) -> Snapshot:
    """Ask the API for every form, storage, the payment accounts and the auth provider.

    Storages and accounts need a logged-in user: log `api` in first, or pass
    `signed_in=False` to read only the forms and the provider (they are public).
    """
    params = {"langCode": lang_code}

    def get(name: str, marker: str | None = None) -> Any:
        path = {"marker": marker} if marker is not None else None
        return _body(api.call(name, path=path, params=params))

    provider = get("auth_provider", spec.auth_provider)
    wanted = list(spec.forms)
    if isinstance(provider, Mapping) and provider.get("formIdentifier") not in wanted:
        wanted.append(str(provider.get("formIdentifier")))
    forms = {marker: get("form", marker) for marker in wanted}
    if not signed_in:
        return Snapshot(forms, {}, (), provider, signed_in=False)
    storages = {marker: get("storage", marker) for marker in spec.storages}
    accounts = get("accounts") or []
    return Snapshot(forms, storages, _identifiers(accounts), provider)


def _identifiers(items: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(item["identifier"]) for item in items if isinstance(item, Mapping))


class CassetteReader:
    """Answers GET calls from the responses recorded in the cassettes (`--offline`)."""

    def __init__(self, cassettes: Path) -> None:
        self.cassettes = cassettes
        self._answers: dict[str, tuple[int, Any]] = {}
        if not cassettes.is_dir():
            raise ConfigError(f"no cassettes folder at {cassettes}", source=str(cassettes))
        for path in sorted(cassettes.rglob("*.yaml")):
            if not path.name.endswith(FAILED_SUFFIX):  # --keep-failed's: not answers to trust
                self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = load_cassette_check(path)  # the one cassette reader
        except CassetteError as error:  # its message, on one line (check-forms prints one)
            problem = " ".join(str(error).split()).removeprefix("Cassette cannot be read ")
            raise ConfigError(f"not a readable cassette: {problem}", source=str(path)) from None
        for interaction in data["interactions"]:
            request, response = interaction.get("request", {}), interaction.get("response", {})
            if request.get("method") != "GET":
                continue
            try:
                body = json.loads(response.get("body", {}).get("string") or "null")
            except json.JSONDecodeError:
                continue
            status = int(response.get("status", {}).get("code", 0))
            self._answers[urlsplit(request.get("uri", "")).path] = (status, body)

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> ApiResponse:
        """The recorded answer of this GET; none recorded is a `ConfigError`."""
        ep = ENDPOINTS[name]
        url_path = ep.url_path(**(path or {}))
        if url_path not in self._answers:
            raise ConfigError(
                f"no recorded answer for GET {url_path} in {self.cassettes}.\n"
                "How to fix: record the form-configuration feature first: "
                "oneentry-contracts run --record -k form_configuration",
                source=str(self.cassettes),
            )
        status, body = self._answers[url_path]
        return ApiResponse(ep, status, body, url_path)


# ---------------------------------------------------------------------------------------------
# Comparing


def check(spec: FormSpec, snapshot: Snapshot, lang_code: str = "en_US") -> list[Finding]:
    """Every finding, errors first, each one once. Values left to faker are drawn as a
    scenario draws them, in the faker locale of `lang_code`."""
    faker = FormDataFaker(0, lang_code)
    findings: list[Finding] = []
    for form, fields in spec.forms.items():
        everything = form in spec.all_required
        findings += _check_form(
            form, fields, snapshot.forms.get(form), faker, everything, spec.tables.get(form)
        )
    for order in spec.orders if snapshot.signed_in else ():
        findings += _check_order(order.form, order.storage, order.account, snapshot)
    findings += _check_auth(spec, snapshot)
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: ORDER[f.severity])


def _attributes(form: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(a.get("marker")): a for a in form.get("attributes") or [] if isinstance(a, Mapping)}


def _check_form(
    form: str,
    fields: Mapping[str, FieldUse],
    body: Mapping[str, Any] | None,
    faker: FormDataFaker,
    all_required: bool = False,
    spec_tables: Sequence[tuple[str, frozenset[str]]] | None = None,
) -> list[Finding]:
    if body is None:
        return [
            Finding(
                "error",
                "missing_form",
                form,
                "-",
                f"the project has no form {form!r}",
                f"create form {form!r} in the admin panel, or map it under [markers]",
            )
        ]
    attributes = _attributes(body)
    if all_required:  # "fills in every required field": each one is sent, drawn by faker
        extra = {
            marker: FieldUse(marker, "", f"every required field of {form!r}", (), True)
            for marker, attribute in attributes.items()
            if required(attribute) and marker not in fields
        }
        fields = {**fields, **extra}
    out: list[Finding] = []
    for marker, use in fields.items():
        attribute = attributes.get(marker)
        if attribute is None:
            known = ", ".join(sorted(attributes)) or "(none)"
            out.append(
                Finding(
                    "error",
                    "missing_field",
                    form,
                    marker,
                    f"the scenarios send {marker!r}, which form {form!r} does not have "
                    f"(its markers: {known})",
                    f"add the attribute {marker!r} to the form, or fix the scenario table "
                    f"({use.where})",
                )
            )
            continue
        out += check_field(form, use, attribute, faker)
    tables = spec_tables or ()
    for marker, attribute in attributes.items():
        lacking = [where for where, sent in tables if marker not in sent]
        if required(attribute) and (lacking or marker not in fields):
            shown = (
                f"the table of {lacking[0]} does not send"
                if len(lacking) == 1
                else f"{len(lacking)} scenario tables do not send (first: {lacking[0]})"
                if lacking
                else ""
            )
            out.append(
                Finding(
                    "error",
                    "required",
                    form,
                    marker,
                    f"form {form!r} requires {marker!r}, which " + (shown or "no scenario sends"),
                    f"add | {marker} | {attribute.get('type')} | to the form tables of "
                    f"{form!r}, or make the field optional in the admin panel (or fill the "
                    "form in with 'the shopper fills in every required field of the order "
                    f'form "{form}"\')',
                )
            )
        elif marker in fields:
            continue
        else:
            out.append(
                Finding(
                    "info",
                    "unused",
                    form,
                    marker,
                    f"form {form!r} has the optional field {marker!r}, which no scenario sends",
                    "nothing to do; add it to a scenario table to cover it",
                )
            )
    return out


def _check_order(form: str, storage: str, account: str, snapshot: Snapshot) -> list[Finding]:
    body = snapshot.storages.get(storage)
    if body is None:
        return [
            Finding(
                "error",
                "missing_storage",
                form,
                storage,
                f"the project has no order storage {storage!r}",
                f"create storage {storage!r} in the admin panel, or map it under [markers]",
            )
        ]
    out: list[Finding] = []
    if body.get("formIdentifier") != form:
        out.append(
            Finding(
                "error",
                "storage_form",
                form,
                storage,
                f"storage {storage!r} takes form {body.get('formIdentifier')!r}, "
                f"the scenarios send {form!r}",
                f"set the storage's form to {form!r}, or fill in "
                f"{body.get('formIdentifier')!r} in the scenarios",
            )
        )
    enabled = _identifiers(body.get("paymentAccountIdentifiers") or [])
    if account not in enabled:
        exists = (
            "" if account in snapshot.accounts else f" (the project has no account {account!r})"
        )
        out.append(
            Finding(
                "error",
                "account",
                form,
                account,
                f"payment account {account!r} is not enabled for storage {storage!r}{exists}; "
                f"enabled: {', '.join(enabled) or 'none'}",
                f"enable {account!r} for the storage, or pay by one of the enabled accounts",
            )
        )
    return out


def _check_auth(spec: FormSpec, snapshot: Snapshot) -> list[Finding]:
    provider = snapshot.provider
    if provider is None:
        return [
            Finding(
                "error",
                "auth",
                "-",
                spec.auth_provider,
                f"the project has no auth provider {spec.auth_provider!r}",
                "set [auth] provider in oneentry-contracts.toml to the project's provider",
            )
        ]
    form = str(provider.get("formIdentifier"))
    body = snapshot.forms.get(form)
    attributes = _attributes(body) if body is not None else {}
    out: list[Finding] = []
    for role, flag, marker in (
        ("login", "isLogin", spec.login_marker),
        ("password", "isPassword", spec.password_marker),
    ):
        actual = [m for m, a in attributes.items() if a.get(flag)]
        if marker not in actual:
            field_is = f"its {role} field is {actual[0]!r}" if actual else f"it has no {role} field"
            out.append(
                Finding(
                    "error",
                    "auth",
                    form,
                    marker,
                    f"the shop signs in with {role} marker {marker!r}, but provider "
                    f"{spec.auth_provider!r} uses form {form!r} and {field_is}",
                    f"set [auth] {role}_marker = {actual[0]!r}"
                    if actual
                    else f"mark a field of form {form!r} as the {role} field",
                )
            )
    return out
