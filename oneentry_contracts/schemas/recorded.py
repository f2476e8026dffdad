"""The responses recorded in `cassettes/`, sorted by kind: the schema that describes each.

A response's kind is the schema the harness validates it against (see `contract.py`): the
endpoint's success schema for a 2xx answer, `error` for any other, matched on method and path
against the catalogue in `endpoints.py`. The sandbox's control calls that a few cassettes hold
(`/__sandbox/clock`, `/__sandbox/products/{id}`, `/__sandbox/sessions/{id}/pay`) are the
`sandbox/...` kinds. A request that matches nothing is counted as unmatched and left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from oneentry_contracts.api.endpoints import ENDPOINTS, ERROR_SCHEMA, HttpMethod
from oneentry_contracts.errors import CassetteError
from oneentry_contracts.recording.cassettes import load_cassette_check

__all__ = ["SANDBOX_ROUTES", "Recorded", "RecordedResponses", "kind_of", "read_recorded"]

# The sandbox's control calls (steps/sandbox.py): method, path template, schema.
_SANDBOX: Final = (
    ("POST", "/__sandbox/clock", "sandbox/clock"),
    ("PUT", "/__sandbox/products/{id}", "sandbox/price"),
    ("POST", "/__sandbox/sessions/{id}/pay", "sandbox/provider"),
)
SANDBOX_ROUTES: Final = {schema: f"{method} {path}" for method, path, schema in _SANDBOX}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(body + "/?" if not template.endswith("/") else body)


# (method, compiled path, schema, number of placeholders): fewer placeholders = more specific.
_ROUTES: Final = sorted(
    [(e.method, _pattern(e.path), e.schema, e.path.count("{"), e.name) for e in ENDPOINTS.values()]
    + [(m, _pattern(p), s, p.count("{"), s) for m, p, s in _SANDBOX],
    key=lambda route: route[3],
)


def kind_of(method: str, path: str, status: int) -> tuple[str, str] | None:
    """(schema, endpoint name) of a recorded answer, or None for a request no route knows."""
    for route_method, pattern, schema, _, name in _ROUTES:
        if route_method == method and pattern.fullmatch(path):
            return (schema if 200 <= status < 300 else ERROR_SCHEMA), name
    return None


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded JSON answer: where it is, what it answered, and its body."""

    cassette: str  # relative to the cassettes folder
    index: int  # the interaction's position in the cassette
    method: HttpMethod
    path: str
    status: int
    endpoint: str
    body: Any


@dataclass(frozen=True, slots=True)
class RecordedResponses:
    """Every recorded JSON answer of a cassettes folder, by kind (schema name)."""

    folder: Path
    by_kind: Mapping[str, tuple[Recorded, ...]]
    unmatched: tuple[str, ...] = field(default=())  # "cassette: METHOD path" of unknown routes
    cassettes: int = 0

    def of(self, kind: str) -> tuple[Recorded, ...]:
        return self.by_kind.get(kind, ())


def read_recorded(folder: Path, kinds: Iterable[str] | None = None) -> RecordedResponses:
    """Read every `*.yaml` cassette under folder; a broken one is a CassetteError naming it."""
    if not folder.is_dir():
        raise CassetteError(
            f"no cassettes folder at {folder}.\nHow to fix: run from the project root or pass "
            "--root; record the scenarios first with `oneentry-contracts run --record`.",
            cassette=str(folder),
        )
    wanted = None if kinds is None else set(kinds)
    found: dict[str, list[Recorded]] = {}
    unmatched: list[str] = []
    files = sorted(folder.rglob("*.yaml"))
    for path in files:
        name = path.relative_to(folder).as_posix()
        for index, interaction in enumerate(_interactions(path)):
            request = interaction.get("request") or {}
            response = interaction.get("response") or {}
            method = str(request.get("method", "")).upper()
            url_path = urlsplit(str(request.get("uri", ""))).path
            status = int((response.get("status") or {}).get("code", 0))
            kind = kind_of(method, url_path, status)
            if kind is None:
                unmatched.append(f"{name}: {method} {url_path}")
                continue
            schema, endpoint = kind
            if wanted is not None and schema not in wanted:
                continue
            raw = (response.get("body") or {}).get("string")
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw or "")
            try:
                body = json.loads(text)
            except ValueError:
                continue  # not JSON: no schema applies
            recorded = Recorded(name, index, method, url_path, status, endpoint, body)  # type: ignore[arg-type]
            found.setdefault(schema, []).append(recorded)
    return RecordedResponses(
        folder, {k: tuple(v) for k, v in found.items()}, tuple(unmatched), len(files)
    )


def _interactions(path: Path) -> list[dict[str, Any]]:
    """The cassette's interactions, through the one cassette reader (a broken file is an
    `UnreadableCassette` naming the file, the line and how to fix it)."""
    interactions: list[dict[str, Any]] = load_cassette_check(path)["interactions"]
    return interactions
