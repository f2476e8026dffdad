"""What the scenarios send, read from the feature files: forms, fields, storages, accounts.

The feature files are the single source: `Given the shopper fills in the order form "F" with:`
and its `| marker | type | value |` table name the fields (`... fills in every required field
of the order form "F"` sends all the fields the live form requires), `When the shopper places
the order in storage "S" paying by "A"` names the storage and the payment account. Scenario
Outlines are expanded with gherkin's own pickle compiler, so every `Examples` row counts. A
scenario that expects a refusal (a Then step "... is refused" or "... is not found") sends
wrong things on purpose and is left out. Names go through `[markers]` of the config, exactly
as the steps map them, so the result speaks the project's markers. `formcheck` compares this
`FormSpec` with what the API answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import parse  # type: ignore[import-untyped]
from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.token_scanner import TokenScanner

from oneentry_contracts.config.settings import Config
from oneentry_contracts.errors import ConfigError
from oneentry_contracts.steps import wording

__all__ = [
    "FORM_STEP",
    "ORDER_STEPS",
    "REFUSAL",
    "REQUIRED_STEP",
    "FieldUse",
    "FormSpec",
    "OrderUse",
    "read_spec",
]

# The step sentences are the steps' own (steps/wording.py). Every sentence that names a storage
# and an account sends the last filled-in form there ("places the order in storage "S" at the
# signed prices paying by "A"" too).
FORM_STEP = wording.FILL_FORM.text
REQUIRED_STEP = wording.FILL_REQUIRED.text
ORDER_STEPS = tuple(sentence.text for sentence in wording.ORDER_SENTENCES)
_FORM = parse.compile(FORM_STEP)
_REQUIRED = parse.compile(REQUIRED_STEP)
_ORDERS = tuple(parse.compile(text) for text in ORDER_STEPS)
# A scenario that expects a refusal sends wrong things on purpose (features/errors.feature);
# what it sends is not a requirement on the project's configuration.
REFUSAL = re.compile(r"\b(?:is|are) (?:refused|not found)\b")


@dataclass(frozen=True, slots=True)
class FieldUse:
    """One field a form table sends: its marker, its type (`""`: the live attribute's), the
    values scenarios pin, and whether some scenario leaves its value to faker."""

    marker: str
    type: str
    where: str
    pinned: tuple[str, ...] = ()
    faked: bool = False


@dataclass(frozen=True, slots=True)
class OrderUse:
    """One `places the order` step: which form it sends to which storage, paying how."""

    form: str
    storage: str
    account: str
    where: str


@dataclass(frozen=True, slots=True)
class FormSpec:
    """Everything the scenarios send that the project's configuration must accept."""

    forms: Mapping[str, Mapping[str, FieldUse]] = field(default_factory=dict)
    form_where: Mapping[str, str] = field(default_factory=dict)
    orders: tuple[OrderUse, ...] = ()
    auth_provider: str = "email"
    login_marker: str = "email_reg"
    password_marker: str = "password_reg"
    all_required: frozenset[str] = frozenset()  # forms filled in with every required field
    # per form, each table that fills it in: (where, the markers it sends)
    tables: Mapping[str, tuple[tuple[str, frozenset[str]], ...]] = field(default_factory=dict)

    @property
    def storages(self) -> tuple[str, ...]:
        """The storages orders are placed in, in first-use order."""
        return tuple(dict.fromkeys(order.storage for order in self.orders))


def _table(step: Mapping[str, Any]) -> list[list[str]]:
    rows = step.get("argument", {}).get("dataTable", {}).get("rows", [])
    return [[cell["value"] for cell in row["cells"]] for row in rows]


def _pickles(path: Path) -> list[dict[str, Any]]:
    try:
        document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    except (CompositeParserException, OSError) as error:
        raise ConfigError(
            f"{path}: cannot read the feature file: {error}", source=str(path)
        ) from None
    with_uri: Any = {**document, "uri": str(path)}
    pickles: list[Any] = Compiler().compile(with_uri)
    return [dict(pickle) for pickle in pickles]


def read_spec(features: Path | Iterable[Path], config: Config) -> FormSpec:
    """Parse the feature files (a folder's `*.feature`, or the given files) into a `FormSpec`."""
    if isinstance(features, Path):
        if not features.is_dir():
            raise ConfigError(
                f"no features folder at {features}.\n"
                "How to fix: run from the project root, or pass --root PATH.",
                source=str(features),
            )
        files = sorted(features.glob("*.feature"))
    else:
        files = sorted(features)
    forms: dict[str, dict[str, FieldUse]] = {}
    form_where: dict[str, str] = {}
    orders: list[OrderUse] = []
    all_required: set[str] = set()
    tables: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for path in files:
        for pickle in _pickles(path):
            if any(
                step.get("type") == "Outcome" and REFUSAL.search(step["text"])
                for step in pickle["steps"]
            ):
                continue
            where = f"{path.name}: {pickle['name']}"
            current: str | None = None
            for step in pickle["steps"]:
                text = step["text"]
                if (match := _FORM.parse(text)) is not None:
                    current = config.marker(match["form"])
                    form_where.setdefault(current, where)
                    sent = _add_fields(
                        forms.setdefault(current, {}), _table(step), current, where, config
                    )
                    tables.setdefault(current, []).append((where, sent))
                elif (match := _REQUIRED.parse(text)) is not None:
                    current = config.marker(match["form"])
                    form_where.setdefault(current, where)
                    forms.setdefault(current, {})
                    all_required.add(current)
                elif (match := _order_step(text)) is not None:
                    if current is None:
                        raise ConfigError(
                            f"{where}: an order is placed before any order form is filled in",
                            source=str(path),
                        )
                    storage, account = (
                        config.marker(match["storage"]),
                        config.marker(match["account"]),
                    )
                    orders.append(OrderUse(current, storage, account, where))
    return FormSpec(
        forms,
        form_where,
        tuple(orders),
        config.auth_provider,
        config.login_marker,
        config.password_marker,
        frozenset(all_required),
        {form: tuple(uses) for form, uses in tables.items()},
    )


def _order_step(text: str) -> Any:
    """The storage and account of a step that places an order, or None."""
    return next((found for order in _ORDERS if (found := order.parse(text)) is not None), None)


def _add_fields(
    fields: dict[str, FieldUse], rows: list[list[str]], form: str, where: str, config: Config
) -> frozenset[str]:
    """Add one table's fields to the form's; returns the markers this table sends."""
    if not rows or "marker" not in rows[0]:
        raise ConfigError(
            f"{where}: the table of form {form!r} needs the column 'marker' "
            "(and may have 'type' and 'value')"
        )
    header, *body = rows
    sent: set[str] = set()
    for row in body:
        cells = dict(zip(header, row, strict=True))
        marker = config.marker(cells["marker"])
        value = cells.get("value", "").strip()
        old = fields.get(marker)
        pinned = (*(old.pinned if old else ()), *((value,) if value else ()))
        fields[marker] = FieldUse(
            marker,
            cells.get("type", "").strip() or (old.type if old else ""),
            old.where if old else where,
            tuple(dict.fromkeys(pinned)),
            (old.faked if old else False) or not value,
        )
        sent.add(marker)
    return frozenset(sent)
