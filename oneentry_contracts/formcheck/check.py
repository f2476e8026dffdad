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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.endpoints import ENDPOINTS
from oneentry_contracts.errors import CassetteError, ConfigError, TransportError
from oneentry_contracts.formcheck.formspec import FormSpec
from oneentry_contracts.recording.cassettes import FAILED_SUFFIX, load_cassette_check

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

Severity = Literal["error", "warning", "info"]
FindingKind = Literal[
    "missing_form",
    "missing_field",
    "type",
    "required",
    "hidden",
    "list_value",
    "length",
    "email",
    "missing_storage",
    "storage_form",
    "account",
    "auth",
    "unused",
]
KINDS: tuple[FindingKind, ...] = FindingKind.__args__  # type: ignore[attr-defined]
_ORDER: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference between the scenarios and the project's configuration."""

    severity: Severity
    kind: FindingKind
    form: str
    marker: str
    problem: str
    fix: str

    def as_json(self) -> dict[str, str]:
        """The finding as a JSON object (the `--format json` output)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the API answered. `None` for a marker means 404: the project has no such thing."""

    forms: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    storages: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    accounts: tuple[str, ...] = ()
    provider: Mapping[str, Any] | None = None
    signed_in: bool = True  # False: storages and accounts were not read (sign-in failed)


class _Caller(Protocol):
    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> ApiResponse: ...


# ---------------------------------------------------------------------------------------------
# Reading the project


def _body(response: ApiResponse) -> Any:
    if response.status == 404:
        return None
    if not response.ok:
        raise TransportError(
            f"{response.endpoint} answered {response.status}: {response.body!r}",
            endpoint=str(response.endpoint),
            url=response.url,
        )
    return response.body


def read_snapshot(
    spec: FormSpec, api: _Caller, lang_code: str = "en_US", *, signed_in: bool = True
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


def check(spec: FormSpec, snapshot: Snapshot) -> list[Finding]:
    """Every finding, errors first, each one once."""
    findings: list[Finding] = []
    for form, fields in spec.forms.items():
        findings += _check_form(form, fields, snapshot.forms.get(form))
    for order in spec.orders if snapshot.signed_in else ():
        findings += _check_order(order.form, order.storage, order.account, snapshot)
    findings += _check_auth(spec, snapshot)
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: _ORDER[f.severity])


def _attributes(form: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(a.get("marker")): a for a in form.get("attributes") or [] if isinstance(a, Mapping)}


def _check_form(
    form: str, fields: Mapping[str, Any], body: Mapping[str, Any] | None
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
        out += _check_field(form, marker, use.type, use.pinned, attribute)
    for marker, attribute in attributes.items():
        if marker in fields:
            continue
        if "requiredValidator" in (attribute.get("validators") or {}):
            out.append(
                Finding(
                    "error",
                    "required",
                    form,
                    marker,
                    f"form {form!r} requires {marker!r}, which no scenario sends",
                    f"add | {marker} | {attribute.get('type')} | to the form tables of "
                    f"{form!r}, or make the field optional in the admin panel",
                )
            )
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


def _check_field(
    form: str, marker: str, sent: str, pinned: Sequence[str], attribute: Mapping[str, Any]
) -> list[Finding]:
    kind = str(attribute.get("type"))
    validators = attribute.get("validators") or {}
    out: list[Finding] = []
    if kind != sent:
        out.append(
            Finding(
                "error",
                "type",
                form,
                marker,
                f"the scenarios send {marker!r} as {sent!r}, the form declares {kind!r}",
                f"write type {kind!r} in the scenario tables, or correct the attribute's type",
            )
        )
    if attribute.get("isVisible") is False:
        out.append(
            Finding(
                "warning",
                "hidden",
                form,
                marker,
                f"{marker!r} is hidden in form {form!r} (isVisible: false) but the scenarios "
                "send it",
                "make the field visible in the admin panel, or drop it from the scenario tables",
            )
        )
    for value in pinned:
        out += _check_value(form, marker, kind, value, attribute, validators)
    return out


def _check_value(
    form: str,
    marker: str,
    kind: str,
    value: str,
    attribute: Mapping[str, Any],
    validators: Mapping[str, Any],
) -> list[Finding]:
    out: list[Finding] = []
    if kind in ("list", "radioButton"):
        options = [str(t.get("value")) for t in attribute.get("listTitles") or []]
        if value not in options:
            out.append(
                Finding(
                    "error",
                    "list_value",
                    form,
                    marker,
                    f"the pinned value {value!r} is not among the listTitles of {marker!r} "
                    f"({', '.join(options) or 'none'})",
                    f"pin one of: {', '.join(options) or '(add options to the field)'}",
                )
            )
    low, high = _string_limits(validators.get("stringInspectionValidator"))
    if kind == "string" and (len(value) < low or (high is not None and len(value) > high)):
        bounds = f"{low}..{high if high is not None else ''}"
        out.append(
            Finding(
                "error",
                "length",
                form,
                marker,
                f"the pinned value {value!r} has {len(value)} characters; "
                f"stringInspectionValidator allows {bounds}",
                f"pin a value of {bounds} characters, or correct the validator",
            )
        )
    if validators.get("emailInspectionValidator") and not _EMAIL.match(value):
        out.append(
            Finding(
                "error",
                "email",
                form,
                marker,
                f"the pinned value {value!r} of the e-mail field {marker!r} is not an e-mail",
                "pin an address such as shopper@example.test, or leave the value to faker",
            )
        )
    return out


def _string_limits(raw: Any) -> tuple[int, int | None]:
    if not isinstance(raw, Mapping):
        return 0, None
    numbers: dict[str, int] = {}
    for key in ("stringMin", "stringMax", "stringLength"):
        try:
            number = int(str(raw.get(key) or 0))
        except ValueError:
            continue
        if number > 0:
            numbers[key] = number
    if "stringLength" in numbers:
        return numbers["stringLength"], numbers["stringLength"]
    return numbers.get("stringMin", 0), numbers.get("stringMax")


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
