"""Fake but valid `formData` for OneEntry form attributes, deterministic per scenario.

`FormDataFaker` reads the attributes exactly as the API returns them (reference §4: `marker`,
`type`, `validators`, `listTitles`, `isVisible`) and produces `{marker, type, value}` entries
whose values respect the validators: e-mail format, `stringInspectionValidator` lengths, list
options. Each value comes from the locale's `Faker`, reseeded from the scenario seed and the
attribute's marker just before it is drawn, so a scenario sends the same bytes on every run
and adding a field to a form does not change the others. A type it cannot fill is a
`ConfigError`, never an empty value: pin that field's value in the feature file instead.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from faker import Faker
from faker.config import AVAILABLE_LOCALES

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.shop.attrtypes import DATE_FORMATS
from oneentry_contracts.shop.attrtypes import required as is_required

__all__ = ["SUPPORTED_TYPES", "FormDataFaker", "locale_for", "seed_for", "wrap_form_data"]

SUPPORTED_TYPES: Final = (
    "string",
    "text",
    "integer",
    "real",
    "float",
    "date",
    "dateTime",
    "time",
    "list",
    "radioButton",
    "timeInterval",
)

# Dates are drawn from a fixed window: faker's own "recent" dates move with the calendar.
_DATE_START: Final = datetime(2020, 1, 1)
_DATE_END: Final = datetime(2030, 12, 31)
_EMAIL_DOMAIN = "example.test"
_SHORT_EMAIL_DOMAIN = "e.test"
_PHONE_LENGTH = 12  # +1 and ten digits
# OneEntry language codes look like `en_US`; faker's bare `en`, `de`, `la` are not among them.
_LOCALES: Final = frozenset(
    locale for locale in AVAILABLE_LOCALES if re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", locale)
)


def seed_for(scenario_id: str) -> int:
    """A seed from a scenario id (its pytest node id), the same in every process."""
    return int.from_bytes(hashlib.sha256(scenario_id.encode("utf-8")).digest()[:8], "big")


def locale_for(lang_code: str) -> str:
    """The faker locale for an API `langCode` (`en_US` → `en_US`); unknown codes fail."""
    if lang_code in _LOCALES:
        return lang_code
    supported = ", ".join(sorted(_LOCALES))
    raise ConfigError(
        f"no fake data for langCode {lang_code!r}: faker has no such locale.\n"
        f"How to fix: set [project] lang_code to one of: {supported}",
        key="lang_code",
    )


@functools.cache
def _faker_for(locale: str) -> Faker:
    """One `Faker` per locale for the whole process: building one costs ~2.5 ms (it loads
    every provider), a third of a replayed scenario. Sharing it carries nothing from one
    scenario to the next: `FormDataFaker.value` reseeds it before every value it draws, and
    nothing here uses faker's `unique` proxy, its only other state."""
    return Faker(locale)


def wrap_form_data(entries: Sequence[Mapping[str, Any]], lang_code: str) -> dict[str, Any]:
    """The wire form of createOrder's `formData`: the entries under the language key (§2.2)."""
    return {lang_code: [dict(entry) for entry in entries]}


@dataclass(frozen=True, slots=True)
class _Limits:
    low: int = 0
    high: int | None = None


class FormDataFaker:
    """Values for form attributes from one seed and one language."""

    def __init__(self, seed: int, lang_code: str = "en_US") -> None:
        self.seed = seed
        self.lang_code = lang_code
        self.locale = locale_for(lang_code)
        self._faker = _faker_for(self.locale)

    def __repr__(self) -> str:
        return f"FormDataFaker(seed={self.seed}, lang_code={self.lang_code!r})"

    def fill(
        self,
        attributes: Sequence[Mapping[str, Any]],
        *,
        pinned: Mapping[str, Any] | None = None,
        only_required: bool = False,
    ) -> list[dict[str, Any]]:
        """`[{marker, type, value}]` in attribute order; pinned values are used as given.

        Hidden attributes (`isVisible: false`) are left out unless required or pinned;
        with `only_required`, so is every attribute without a `requiredValidator`.
        """
        pinned = pinned or {}
        known = {str(attribute.get("marker")) for attribute in attributes}
        unknown = sorted(set(pinned) - known)
        if unknown:
            raise ConfigError(
                f"pinned value(s) for {', '.join(map(repr, unknown))}, which the form does not "
                f"have; its markers: {', '.join(sorted(known))}"
            )
        entries: list[dict[str, Any]] = []
        for attribute in attributes:
            marker, kind = _marker_and_type(attribute)
            required = is_required(attribute)
            if marker in pinned:
                entries.append({"marker": marker, "type": kind, "value": pinned[marker]})
                continue
            if only_required and not required:
                continue
            if attribute.get("isVisible") is False and not required:
                continue
            entries.append({"marker": marker, "type": kind, "value": self.value(attribute)})
        return entries

    def value(self, attribute: Mapping[str, Any]) -> Any:
        """One attribute's value, in the wire format of its type (reference §4)."""
        marker, kind = _marker_and_type(attribute)
        self._faker.seed_instance(f"{self.seed}:{marker}:{kind}")
        validators = attribute.get("validators") or {}
        if kind == "string":
            return self._string(marker, validators)
        if kind == "text":
            return [{"plainValue": self._words(_Limits(1, None))}]
        if kind == "integer":
            return self._faker.random_int(1, 1000)
        if kind in ("real", "float"):
            return self._faker.random_int(100, 100_000) / 100
        if kind in DATE_FORMATS:
            return self._date(kind)
        if kind in ("list", "radioButton"):
            return [self._option(marker, kind, attribute.get("listTitles"))]
        if kind == "timeInterval":
            start = self._faker.date_time_between(_DATE_START, _DATE_END).replace(
                minute=0, second=0, microsecond=0
            )
            end = start + timedelta(hours=1)
            return [[_iso(start), _iso(end)]]
        raise ConfigError(
            f"form attribute {marker!r} has type {kind!r}, which the harness cannot fake.\n"
            f"How to fix: pin its value in the scenario, or leave it out if it is optional. "
            f"Types faked: {', '.join(SUPPORTED_TYPES)}.",
            key=marker,
        )

    # -----------------------------------------------------------------------------------------

    def _string(self, marker: str, validators: Mapping[str, Any]) -> str:
        limits = _limits(marker, validators.get("stringInspectionValidator"))
        lower = marker.lower()
        if validators.get("emailInspectionValidator") or "email" in lower:
            return self._email(marker, limits)
        if "phone" in lower or "tel" in lower:
            return self._phone(limits)
        if "name" in lower:
            if "first" in lower:
                make = self._faker.first_name
            elif "last" in lower or "surname" in lower:
                make = self._faker.last_name
            else:
                make = self._faker.name
            return self._fit(make(), limits, self._faker.last_name)
        return self._words(limits)

    def _words(self, limits: _Limits) -> str:
        text = " ".join(self._faker.words(3)).capitalize()
        return self._fit(text, limits, self._faker.word)

    def _fit(self, text: str, limits: _Limits, more: Callable[[], str]) -> str:
        """Lengthen with more words, or cut, until the length is within the limits."""
        while len(text) < limits.low:
            text = f"{text} {more()}"
        if limits.high is not None and len(text) > limits.high:
            text = text[: limits.high].rstrip()
        while len(text) < limits.low:
            text += self._faker.lexify("?")
        return text

    def _email(self, marker: str, limits: _Limits) -> str:
        domain = _EMAIL_DOMAIN
        if limits.high is not None and limits.high < len(domain) + 6:
            domain = _SHORT_EMAIL_DOMAIN
        room = None if limits.high is None else limits.high - len(domain) - 1
        if room is not None and room < 1:
            raise ConfigError(
                f"form attribute {marker!r} must be an e-mail of at most {limits.high} "
                "characters, too short for any address.\n"
                "How to fix: pin its value in the scenario or correct stringMax in the form.",
                key=marker,
            )
        local = re.sub(r"[^a-z0-9._]", "", self._faker.user_name().lower()).strip("._") or "user"
        low = max(1, limits.low - len(domain) - 1)
        local = self._fit(local, _Limits(low, room), lambda: self._faker.lexify("????").lower())
        return f"{local.replace(' ', '.')}@{domain}"

    def _phone(self, limits: _Limits) -> str:
        length = _PHONE_LENGTH
        if limits.high is not None:
            length = min(length, limits.high)
        length = max(length, limits.low)
        if length <= 2:
            return self._faker.numerify("%" * length)
        return "+1" + self._faker.numerify("%" + "#" * (length - 3))

    def _date(self, kind: str) -> dict[str, str]:
        moment = self._faker.date_time_between(_DATE_START, _DATE_END).replace(
            second=0, microsecond=0
        )
        if kind == "date":
            moment = moment.replace(hour=0, minute=0)
        format_string, strftime = DATE_FORMATS[kind][:2]
        return {
            "fullDate": _iso(moment),
            "formattedValue": moment.strftime(strftime),
            "formatString": format_string,
        }

    def _option(self, marker: str, kind: str, titles: Any) -> Any:
        values = [
            item["value"]
            for item in titles or []
            if isinstance(item, Mapping) and item.get("value") not in (None, "")
        ]
        if not values:
            raise ConfigError(
                f"form attribute {marker!r} is a {kind} without options (listTitles is empty).\n"
                "How to fix: add options to the attribute in the admin panel, or pin its value.",
                key=marker,
            )
        return self._faker.random_element(values)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def _marker_and_type(attribute: Mapping[str, Any]) -> tuple[str, str]:
    marker, kind = attribute.get("marker"), attribute.get("type")
    if not isinstance(marker, str) or not marker:
        raise ConfigError(f"a form attribute has no marker: {dict(attribute)!r}")
    if not isinstance(kind, str) or not kind:
        raise ConfigError(f"form attribute {marker!r} has no type", key=marker)
    return marker, kind


def _limits(marker: str, raw: Any) -> _Limits:
    """`stringInspectionValidator` as numbers; values may be strings, `0` or `""` mean unset."""
    if not isinstance(raw, Mapping):
        return _Limits()
    numbers: dict[str, int] = {}
    for key in ("stringMin", "stringMax", "stringLength"):
        value = raw.get(key)
        if value is None or value == "" or isinstance(value, bool):
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ConfigError(
                f"form attribute {marker!r}: stringInspectionValidator.{key} is {value!r}, "
                "not a whole number",
                key=marker,
            ) from None
        if number > 0:
            numbers[key] = number
    low, high = numbers.get("stringMin", 0), numbers.get("stringMax")
    exact = numbers.get("stringLength")
    if exact is not None:  # the server checks all three (an exact length, and min and max)
        if low > exact or (high is not None and high < exact):
            raise ConfigError(
                f"form attribute {marker!r}: stringLength {exact} is outside stringMin {low} .. "
                f"stringMax {high if high is not None else ''}; no value can satisfy all.\n"
                "How to fix: correct the validator in the admin panel.",
                key=marker,
            )
        return _Limits(exact, exact)
    if high is not None and low > high:
        raise ConfigError(
            f"form attribute {marker!r}: stringMin {low} is greater than stringMax {high}; "
            "no value can satisfy both.\nHow to fix: correct the validator in the admin panel.",
            key=marker,
        )
    return _Limits(low, high)
