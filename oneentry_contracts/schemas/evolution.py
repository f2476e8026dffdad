"""Schema evolution: what the recorded answers say a schema should be, merged into the real one.

`propose(kind, store, bodies)` infers a schema from every recorded body of one kind (genson),
walks it side by side with the current schema (following `$ref`s into `schemas/defs/`, and the
branches of `anyOf`/`oneOf`), and returns the differences and a proposal. The proposal is the
current schema with only what the recordings contradict changed, never a replacement:

- `added`: a field the recordings carry that the schema does not declare. Added to
  `properties` with the inferred type, optional.
- `removed`: a required field that no recording carries. Taken out of `required` (the property
  and what a person wrote about it stay).
- `required`: a required field some recordings lack. Taken out of `required`.
- `type`: a recorded value of a type the schema does not allow. If some recordings still fit,
  the new type is added next to the old (`number` -> `number | string`); if none does, the
  type is replaced (annotations kept, the old type's `pattern`/`format`/... dropped).
- `unseen` (information only, not a difference): an optional field no recording carries.

Samples never narrow a contract: a field that happens to be present everywhere is not made
required, a declared type that no recording uses is not removed. Everything that did not change
keeps its `$id`, `title`, `description`, `$ref`s and placeholder-accepting `pattern`s.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import urldefrag, urljoin

from genson import SchemaBuilder  # type: ignore[import-untyped]

from oneentry_contracts.schemas.store import BASE_URI, SchemaStore

__all__ = ["Change", "ChangeKind", "Proposal", "infer", "propose"]

ChangeKind = Literal["added", "removed", "required", "type", "unseen"]
_TYPES: Final = ("integer", "number", "string", "boolean", "array", "object", "null")
_ANNOTATIONS: Final = ("$schema", "$id", "title", "description", "$comment", "examples")
_COMPOSED: Final = frozenset({"$ref", "anyOf", "oneOf", "allOf", "enum", "const"})


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the recordings and the current schema."""

    change: ChangeKind
    field: str  # where in the response, e.g. /products/[]/sku ([] = every array item)
    pointer: str  # where in the schema, e.g. created_order.json#/properties/totalSum
    current: str
    recorded: str

    def as_json(self) -> dict[str, str]:
        return {
            "change": self.change,
            "field": self.field,
            "pointer": self.pointer,
            "current": self.current,
            "recorded": self.recorded,
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    """The differences of one kind, and the schema files that would change (name -> schema)."""

    kind: str
    responses: int
    changes: tuple[Change, ...]
    files: Mapping[str, Mapping[str, Any]]

    @property
    def differences(self) -> tuple[Change, ...]:
        """The changes that count (everything but `unseen`)."""
        return tuple(c for c in self.changes if c.change != "unseen")


def infer(bodies: Iterable[Any]) -> dict[str, Any]:
    """genson's schema of every body together (no `$schema`)."""
    builder = SchemaBuilder(schema_uri=None)
    for body in bodies:
        builder.add_object(body)
    schema: dict[str, Any] = builder.to_schema()
    return schema


def propose(kind: str, store: SchemaStore, bodies: Iterable[Any]) -> Proposal:
    """Compare what `bodies` (the recorded answers of `kind`) say with `store`'s schema."""
    recorded = list(bodies)
    walk = _Walk({name: copy.deepcopy(dict(s)) for name, s in store.schemas.items()})
    walk.compare(walk.files[kind], kind, "", infer(recorded), "")
    touched = {name: schema for name, schema in walk.files.items() if schema != store.schemas[name]}
    return Proposal(kind, len(recorded), tuple(walk.changes), touched)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Branch:
    """One alternative of a schema node: the types it allows (None: any), where it is."""

    types: frozenset[str] | None
    node: dict[str, Any]
    file: str
    location: str


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _allows(types: frozenset[str] | None, kind: str) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _ordered(types: Iterable[str]) -> list[str]:
    found = set(types)
    if "number" in found:
        found.discard("integer")
    return [t for t in _TYPES if t in found]


def _shown(types: Iterable[str]) -> str:
    return " | ".join(_ordered(types)) or "(any)"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _observed(node: Any) -> dict[str, dict[str, Any]]:
    """The inferred node split by type: type -> the part of the node describing it."""
    if not isinstance(node, dict):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for branch in node.get("anyOf", []):
        out.update(_observed(branch))
    kinds = node.get("type")
    for kind in [kinds] if isinstance(kinds, str) else kinds or []:
        part = {k: v for k, v in node.items() if k != "type"}
        out[kind] = {"type": kind, **part}
    return out


def _part(observed: Mapping[str, dict[str, Any]], kinds: Iterable[str]) -> dict[str, Any]:
    """One schema for the given observed types (a list of types, or an anyOf)."""
    parts = [observed[k] for k in _ordered(kinds) if k in observed]
    if "number" in kinds and "integer" in observed and "number" not in observed:
        parts.append({"type": "number"})
    scalars = [p for p in parts if p["type"] not in ("object", "array")]
    structured = [p for p in parts if p["type"] in ("object", "array")]
    merged: list[dict[str, Any]] = []
    if scalars:
        types = _ordered(p["type"] for p in scalars)
        merged.append({"type": types[0] if len(types) == 1 else types})
    merged += structured
    return merged[0] if len(merged) == 1 else {"anyOf": merged}


class _Walk:
    """The side-by-side walk; mutates its copies of the schema files into the proposal."""

    def __init__(self, files: dict[str, dict[str, Any]]) -> None:
        self.files = files
        self.changes: list[Change] = []

    def _resolve(self, ref: str, file: str) -> tuple[dict[str, Any] | None, str, str]:
        """The node a `$ref` names, its file and location; None if it is not in the store."""
        target, fragment = urldefrag(urljoin(f"{BASE_URI}{file}.json", ref))
        name = target.removeprefix(BASE_URI).removesuffix(".json")
        node: Any = self.files.get(name)
        for part in [p for p in fragment.split("/") if p]:
            node = node.get(_unescape(part)) if isinstance(node, dict) else None
        return (node if isinstance(node, dict) else None), name, fragment

    def branches(self, node: Any, file: str, location: str) -> list[_Branch]:
        if not isinstance(node, dict):  # true / false
            return [_Branch(None, {}, file, location)]
        out: list[_Branch] = []
        if isinstance(ref := node.get("$ref"), str):
            target, name, fragment = self._resolve(ref, file)
            if target is None:
                return [_Branch(None, {}, file, location)]
            out += self.branches(target, name, fragment)
        for keyword in ("anyOf", "oneOf"):
            for index, branch in enumerate(node.get(keyword) or []):
                out += self.branches(branch, file, f"{location}/{keyword}/{index}")
        kinds = node.get("type")
        if kinds is not None:
            out.append(
                _Branch(
                    frozenset([kinds] if isinstance(kinds, str) else kinds), node, file, location
                )
            )
        elif "enum" in node or "const" in node:
            values = node.get("enum", [node.get("const")])
            out.append(_Branch(frozenset(_json_type(v) for v in values), node, file, location))
        elif not out:
            out.append(_Branch(None, node, file, location))
        return out

    def compare(self, node: Any, file: str, location: str, inferred: Any, field: str) -> None:
        """Compare one current node with the inferred one; record and apply the differences."""
        branches = self.branches(node, file, location)
        observed = _observed(inferred)
        missing = [k for k in observed if not any(_allows(b.types, k) for b in branches)]
        if missing and isinstance(node, dict):
            self._retype(node, file, location, branches, observed, missing, field)
            return
        for kind in ("object", "array"):
            if kind not in observed:
                continue
            branch = next(b for b in branches if _allows(b.types, kind))
            if kind == "object" and "properties" in branch.node:
                self._object(branch, observed["object"], field)
            if kind == "array" and "items" in observed["array"] and "items" in branch.node:
                self.compare(
                    branch.node["items"],
                    branch.file,
                    f"{branch.location}/items",
                    observed["array"]["items"],
                    f"{field}/[]",
                )

    def _object(self, branch: _Branch, inferred: dict[str, Any], field: str) -> None:
        node, file, location = branch.node, branch.file, branch.location
        declared: dict[str, Any] = node.setdefault("properties", {})
        seen: dict[str, Any] = inferred.get("properties", {})
        always = set(inferred.get("required", []))
        patterns = node.get("patternProperties") or {}
        extra = node.get("additionalProperties")
        added: dict[str, Any] = {}
        for key, sub in seen.items():
            where = f"{field}/{_escape(key)}"
            if key in declared:
                self.compare(
                    declared[key], file, f"{location}/properties/{_escape(key)}", sub, where
                )
                continue
            pattern = next((p for p in patterns if re.search(p, key)), None)
            if pattern is not None:
                at = f"{location}/patternProperties/{_escape(pattern)}"
                self.compare(patterns[pattern], file, at, sub, where)
            elif isinstance(extra, dict):
                self.compare(extra, file, f"{location}/additionalProperties", sub, where)
            else:
                added[key] = sub
                presence = "in every recording" if key in always else "in some recordings"
                self._note(
                    "added",
                    where,
                    f"{file}.json#{location}/properties/{_escape(key)}",
                    "(not declared)",
                    f"{_shown(_observed(sub))}, {presence}",
                )
        declared.update(added)
        required: list[str] = node.get("required", [])
        for key in list(required):
            if key in always:
                continue
            gone = key not in seen
            self._note(
                "removed" if gone else "required",
                f"{field}/{_escape(key)}",
                f"{file}.json#{location}/required",
                "required",
                "in no recording" if gone else "missing from some recordings",
            )
            required.remove(key)
        if "required" in node and not required:
            del node["required"]
        for key in declared:
            if key not in seen and key not in added and key not in node.get("required", []):
                self._note(
                    "unseen",
                    f"{field}/{_escape(key)}",
                    f"{file}.json#{location}/properties/{_escape(key)}",
                    "optional",
                    "in no recording",
                )

    def _retype(
        self,
        node: dict[str, Any],
        file: str,
        location: str,
        branches: list[_Branch],
        observed: dict[str, dict[str, Any]],
        missing: list[str],
        field: str,
    ) -> None:
        allowed: set[str] = set()
        for branch in branches:
            allowed |= branch.types or set()
        keep = any(_allows(b.types, k) for k in observed for b in branches)
        new = sorted(allowed | set(missing)) if keep else sorted(observed)
        self._note(
            "type",
            field or "(root)",
            f"{file}.json#{location}",
            _shown(allowed),
            _shown(observed),
        )
        notes: dict[str, Any] = {k: node[k] for k in _ANNOTATIONS if k in node}
        if not keep:  # no recording fits the old type: replace it, keep what was written
            node.clear()
            node.update(notes)
            node.update(_part(observed, new))
            return
        addition = _part(observed, missing)
        if "type" in node and not _COMPOSED.intersection(node):
            # A plain typed node: widen its type. Keywords only constrain their own type, so a
            # string's pattern stays as it was and still applies to strings only.
            types = _ordered(new)
            node["type"] = types[0] if len(types) == 1 else types
            for branch in addition.get("anyOf", [addition]):
                for keyword in ("properties", "required", "items"):
                    if keyword in branch and keyword not in node:
                        node[keyword] = branch[keyword]
            return
        alternatives = addition.get("anyOf", [addition])
        if "anyOf" in node:
            node["anyOf"] += alternatives
            return
        rest = {k: v for k, v in node.items() if k not in notes}
        node.clear()
        node.update(notes)
        node["anyOf"] = [rest, *alternatives]

    def _note(self, change: ChangeKind, field: str, pointer: str, current: str, seen: str) -> None:
        self.changes.append(Change(change, field, pointer, current, seen))
