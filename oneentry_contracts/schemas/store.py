"""Loading the JSON Schemas and checking response bodies against them.

The default schema of every response kind ships in the package (`schemas/data/`); a project's
own `schemas/` folder lays its files over them by name: `schemas/order.json` replaces the
default `order`, a new name extends the set (`SchemaStore.for_project(root)`).

`SchemaStore.load(*directories)` reads every `*.json` file of each layer once, later layers
winning, checks it against Draft 2020-12, registers it by its `$id` in a `referencing.Registry`
(no network: a `$ref` to anything outside the set is a load error) and compiles one validator
per schema, plus a strict variant that also rejects object keys the schema does not declare.
Any problem, including a schema that an endpoint of `ENDPOINTS` names but no layer has, is a
`ConfigError` naming the file.

Every schema is also compiled with its `$ref`s inlined (unless they recurse through the
answer): `validate` asks that one first, a third quicker, and explains a refused answer with
the one that follows the `$ref`s, which knows which file a violation is in.

`store.validate(name, body, ...)` raises `SchemaViolation`. Its message reads like
schemathesis: the headline violation (jsonschema's `best_match`), the schema location with the
failing keyword, the JSON pointer into the body, the value, the endpoint, the origin, then every
other violation on one line each.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    SchemaError,
    ValidationError,
    best_match,
)
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from oneentry_contracts.api.endpoints import ENDPOINTS, ERROR_SCHEMA, Endpoint
from oneentry_contracts.errors import ConfigError, SchemaViolation
from oneentry_contracts.schemas.refcycle import find_cycle

__all__ = [
    "BASE_URI",
    "PROJECT_SCHEMAS",
    "SCHEMA_DIR",
    "SchemaStore",
    "default_store",
    "required_schemas",
]

BASE_URI: Final = "https://schemas.oneentry-contracts.test/"
SCHEMA_DIR: Final = Path(__file__).resolve().parent / "data"  # the defaults, shipped
PROJECT_SCHEMAS: Final = "schemas"  # a project's own layer, relative to its root
_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_ANNOTATIONS: Final = frozenset({"$schema", "$id", "$comment", "title", "description"})
_MAX_VALUE_LINES: Final = 20
_MAX_SUMMARY: Final = 160
# Keywords whose value is a subschema, a list of subschemas, or a name -> subschema map.
_ONE: Final = (
    *("additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains"),
    *("propertyNames", "not", "if", "then", "else"),
)
_LISTS: Final = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS: Final = ("properties", "patternProperties", "$defs", "dependentSchemas")

# (keyword, schema location, JSON pointer, value) of one violation.
_Found = tuple[str, str, str, Any]


def required_schemas() -> frozenset[str]:
    """The schema names the endpoint catalogue needs: every success schema plus `error`."""
    return frozenset({e.schema for e in ENDPOINTS.values()} | {ERROR_SCHEMA})


@dataclass(frozen=True, slots=True)
class SchemaStore:
    """Every schema of its layers, checked and compiled; looked up by name (`order`).

    `directory` is the top layer (a project's `schemas/`, where `infer-schema` writes);
    `sources` says which file each schema was read from.
    """

    directories: tuple[Path, ...]
    sources: Mapping[str, Path]
    schemas: Mapping[str, Mapping[str, Any]]
    strict_schemas: Mapping[str, Mapping[str, Any]]
    _validators: Mapping[str, Any]
    _strict_validators: Mapping[str, Any]
    # The same schemas with every $ref replaced by what it names: the same answers pass and
    # fail, a third quicker (no reference look-ups). `validate` asks them first and, for an
    # answer they refuse, the validators above, whose errors locate the violation by file.
    # A schema whose $refs recurse through the answer (a tree) has none: it cannot be inlined.
    _inlined: Mapping[str, Any]
    _strict_inlined: Mapping[str, Any]

    @classmethod
    def for_project(cls, root: Path) -> SchemaStore:
        """The shipped defaults with the project's `schemas/` (if it has one) laid over them."""
        own = root / PROJECT_SCHEMAS
        return cls.load(SCHEMA_DIR, own) if own.is_dir() else cls.load(SCHEMA_DIR)

    @classmethod
    def load(cls, *directories: Path, required: Iterable[str] | None = None) -> SchemaStore:
        """Read, check and compile each `directory/**/*.json`, a later directory's file
        replacing an earlier one of the same name; `required` defaults to the catalogue's."""
        schemas: dict[str, dict[str, Any]] = {}
        sources: dict[str, Path] = {}
        for directory in directories:
            for path in sorted(directory.rglob("*.json")):
                name = path.relative_to(directory).with_suffix("").as_posix()
                # The shipped defaults are checked against the meta-schema by the package's
                # tests (test_schemas.py), not in every run: it was most of a run's start-up.
                schemas[name] = _read(path, name, check=directory != SCHEMA_DIR)
                sources[name] = path
        needed = required_schemas() if required is None else frozenset(required)
        if missing := sorted(needed - schemas.keys()):
            where = " + ".join(str(d) for d in directories)
            raise ConfigError(
                f"{where}: no schema file for {', '.join(missing)}, which the endpoint "
                f"catalogue names; add {', '.join(m + '.json' for m in missing)}",
                source=where,
            )
        registry = _registry(schemas)
        for name, schema in schemas.items():
            _check_refs(schema, registry, sources[name].with_suffix(""))
            if cycle := find_cycle(schema, registry):
                raise ConfigError(
                    f"{sources[name]}: its $refs go round in a circle ({' -> '.join(cycle)}, "
                    "back to where they started) without going into the answer, so checking "
                    "an answer against it would never end.\nHow to fix: break the circle: one "
                    "of these schemas must describe the value itself instead of referring on.",
                    source=str(sources[name]),
                    key="$ref",
                )
        strict = {name: _strict(schema) for name, schema in schemas.items()}
        strict_registry = _registry(strict)
        return cls(
            tuple(directories),
            sources,
            schemas,
            strict,
            {n: Draft202012Validator(s, registry=registry) for n, s in schemas.items()},
            {n: Draft202012Validator(s, registry=strict_registry) for n, s in strict.items()},
            _inlined_validators(schemas, registry),
            _inlined_validators(strict, strict_registry),
        )

    @property
    def directory(self) -> Path:
        """The top layer: a project's own `schemas/`, or the defaults when it has none."""
        return self.directories[-1]

    @property
    def names(self) -> frozenset[str]:
        """Every loaded schema name, definitions included (`defs/timestamp`)."""
        return frozenset(self.schemas)

    def validate(
        self,
        schema: str,
        body: Any,
        *,
        endpoint: str | None = None,
        origin: str | None = None,
        strict: bool = False,
    ) -> None:
        """Raise `SchemaViolation` unless `body` matches `schema` (strict: no unknown keys)."""
        validators = self._strict_validators if strict else self._validators
        if schema not in validators:
            raise KeyError(f"unknown schema {schema!r}; known: {', '.join(sorted(validators))}")
        inlined = (self._strict_inlined if strict else self._inlined).get(schema)
        if inlined is not None and inlined.is_valid(body):
            return
        errors = sorted(validators[schema].iter_errors(body), key=lambda e: e.json_path)
        if not errors:
            return
        headline = best_match(errors)
        (keyword, location, pointer, value), *_ = self._found(schema, headline, strict)
        top = headline
        while top.parent is not None:  # best_match may pick a branch of a oneOf/anyOf error
            top = top.parent
        summaries = tuple(
            _summary(error, found)
            for error in (headline if e is top else e for e in errors)
            for found in self._found(schema, error, strict)
        )
        others = list(summaries)
        if (first := _summary(headline, (keyword, location, pointer, value))) in others:
            others.remove(first)
        lines = [
            f"Response violates schema {schema!r}{' (strict mode)' if strict else ''}",
            "",
            f"    {_message(headline, pointer)}",
            "",
            f"Schema:   {location} (keyword {keyword!r})",
            f"At:       {pointer or '(root)'}",
            "Value:",
            *(f"    {line}" for line in _render(value)),
            f"Endpoint: {endpoint or '(not given)'}",
            f"Origin:   {origin or '(not given)'}",
        ]
        if others:
            lines += ["", f"Other violations ({len(others)}):", *(f"  - {o}" for o in others)]
        raise SchemaViolation(
            "\n".join(lines),
            schema=schema,
            keyword=keyword,
            pointer=pointer,
            value=value,
            endpoint=endpoint,
            origin=origin,
            errors=summaries,
        )

    def validate_endpoint(
        self, endpoint: Endpoint, body: Any, *, origin: str | None = None, strict: bool = False
    ) -> None:
        """Check a success body against the schema the catalogue names for `endpoint`."""
        self.validate(endpoint.schema, body, endpoint=str(endpoint), origin=origin, strict=strict)

    def _found(self, name: str, error: ValidationError, strict: bool) -> list[_Found]:
        """One entry per violation; a strict-mode error yields one per unknown key."""
        keyword = str(error.validator)
        location = _location(self.strict_schemas if strict else self.schemas, name, error)
        pointer = "".join(f"/{_escape(str(part))}" for part in error.absolute_path)
        unknown = _unknown_keys(error.instance, error.schema, keyword)
        if unknown:
            return [
                (keyword, location, f"{pointer}/{_escape(key)}", error.instance[key])
                for key in unknown
            ]
        return [(keyword, location, pointer, error.instance)]


@functools.cache
def default_store() -> SchemaStore:
    """The shipped default schemas, loaded once per process."""
    return SchemaStore.load(SCHEMA_DIR)


def _read(path: Path, name: str, *, check: bool = True) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: not readable JSON: {exc}.\nHow to fix: correct the JSON there (a missing "
            "comma, quote or bracket?); every file in schemas/ must be one JSON Schema object.",
            source=str(path),
        ) from None
    if not isinstance(schema, dict) or not set(schema) - _ANNOTATIONS:
        raise ConfigError(
            f"{path}: the root must be an object with at least one constraint, not "
            f"{json.dumps(schema)[:40]} (an empty schema accepts anything)",
            source=str(path),
        )
    if schema.get("$schema", _DIALECT) != _DIALECT:
        raise ConfigError(f"{path}: $schema must be {_DIALECT}", source=str(path), key="$schema")
    if schema.get("$id") != (expected := f"{BASE_URI}{name}.json"):
        raise ConfigError(
            f"{path}: $id is {schema.get('$id')!r}; set it to {expected!r}",
            source=str(path),
            key="$id",
        )
    try:
        if check:
            Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/" + "/".join(map(str, exc.absolute_path))
        raise ConfigError(
            f"{path}: invalid schema at {where}: {exc.message}.\nHow to fix: correct the "
            f"keyword at {where} so that the file is a valid JSON Schema (Draft 2020-12).",
            source=str(path),
        ) from None
    return schema


def _registry(schemas: Mapping[str, dict[str, Any]]) -> Registry[Any]:
    registry: Registry[Any] = Registry()
    resources = [(s["$id"], DRAFT202012.create_resource(s)) for s in schemas.values()]
    return registry.with_resources(resources).crawl()


def _check_refs(schema: dict[str, Any], registry: Registry[Any], stem: Path) -> None:
    resolver = registry.resolver(base_uri=schema["$id"])
    for sub in _subschemas(schema):
        if not isinstance(ref := sub.get("$ref"), str):
            continue
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:
            path = stem.with_suffix(".json")
            raise ConfigError(
                f"{path}: $ref {ref!r} does not resolve ({type(exc).__name__}); a $ref names "
                f"another file of the schema directory relative to this $id, "
                "e.g. 'defs/timestamp.json'",
                source=str(path),
                key="$ref",
            ) from None


def _inlined_validators(
    schemas: Mapping[str, dict[str, Any]], registry: Registry[Any]
) -> dict[str, Any]:
    """A validator of each schema with its $refs inlined, but for those that cannot be."""
    validators = {}
    for name, schema in schemas.items():
        try:
            inlined = _inline(schema, registry.resolver(base_uri=schema["$id"]), (id(schema),))
        except _NotInlinable:
            continue
        inlined["$id"] = schema["$id"]  # the same base, should anything still refer on
        validators[name] = Draft202012Validator(inlined, registry=registry)
    return validators


class _NotInlinable(Exception):
    """A $ref leads back into a schema it came from (inlining would never end), or a dynamic
    reference, which only the $ref-following validator resolves."""


_DYNAMIC: Final = frozenset({"$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"})


def _inline(node: Any, resolver: Any, expanding: tuple[int, ...], *, top: bool = True) -> Any:
    """`node` with every `$ref` replaced by a copy of what it names (resolved against
    `resolver`'s base). A `$ref` beside other keywords becomes one more `allOf` entry, which
    2020-12 evaluates the same way, `unevaluatedProperties` included."""
    if not isinstance(node, dict):
        return node
    if _DYNAMIC & node.keys():
        raise _NotInlinable(sorted(_DYNAMIC & node.keys())[0])
    if not top and isinstance(node.get("$id"), str):  # an embedded resource: its own base
        resolver = resolver.in_subresource(DRAFT202012.create_resource(node))

    def inner(sub: Any) -> Any:
        return _inline(sub, resolver, expanding, top=False)

    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ONE:
            out[key] = inner(value)
        elif key in _LISTS and isinstance(value, list):
            out[key] = [inner(item) for item in value]
        elif key in _MAPS and isinstance(value, dict):
            out[key] = {name: inner(sub) for name, sub in value.items()}
        elif key not in ("$ref", "$id", "$schema"):
            out[key] = value
    if not isinstance(ref := node.get("$ref"), str):
        return out
    found = resolver.lookup(ref)
    if id(found.contents) in expanding:
        raise _NotInlinable(ref)
    target = _inline(found.contents, found.resolver, (*expanding, id(found.contents)))
    if not out:
        return target
    out["allOf"] = [*out.get("allOf", []), target]
    return out


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object inside `node`, itself included (keywords, not property names)."""
    if not isinstance(node, dict):
        return
    yield node
    for key in _ONE:
        yield from _subschemas(node.get(key))
    for key in _LISTS:
        for item in node.get(key) or ():
            yield from _subschemas(item)
    for key in _MAPS:
        for item in (node.get(key) or {}).values():
            yield from _subschemas(item)


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy in which every object schema declaring `properties` rejects undeclared keys.

    `unevaluatedProperties` (not `additionalProperties`) so that keys declared by a `$ref`'d
    or `allOf` subschema of the same object still count as known.
    """
    strict = copy.deepcopy(schema)
    for sub in _subschemas(strict):
        closed = "additionalProperties" in sub or "unevaluatedProperties" in sub
        if "properties" in sub and not closed:
            sub["unevaluatedProperties"] = False
    return strict


def _location(schemas: Mapping[str, Mapping[str, Any]], name: str, error: ValidationError) -> str:
    """`order.json#/properties/totalSum/type`, following `$ref`s into the file they name.

    jsonschema leaves `$ref` out of `absolute_schema_path`: a step the current node lacks
    means that the node's `$ref` was followed first.
    """
    base: str = schemas[name]["$id"]
    node: Any = schemas[name]
    parts: list[str] = []
    for step in error.absolute_schema_path:
        while isinstance(node, dict) and step not in node and isinstance(node.get("$ref"), str):
            base, fragment = urldefrag(urljoin(base, node["$ref"]))
            parts = [_unescape(p) for p in fragment.split("/")[1:]]
            node = schemas.get(base.removeprefix(BASE_URI).removesuffix(".json"))
            for part in parts:
                node = _child(node, part)
        node = _child(node, step)
        parts.append(str(step))
    return f"{base.removeprefix(BASE_URI)}#/{'/'.join(_escape(p) for p in parts)}"


def _child(node: Any, step: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(str(step))
    if isinstance(node, list) and str(step).isdigit() and int(step) < len(node):
        return node[int(step)]
    return None


def _unknown_keys(instance: Any, schema: Any, keyword: str) -> list[str]:
    """The keys a strict-mode error rejects: those the object schema does not declare."""
    if keyword != "unevaluatedProperties" or not isinstance(instance, dict):
        return []
    if not isinstance(schema, dict):
        return []
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    known = schema.get("properties", {})
    return [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]


def _message(error: ValidationError, pointer: str) -> str:
    if error.validator == "unevaluatedProperties" and pointer:
        key = _unescape(pointer.rsplit("/", 1)[-1])
        return f"unknown field {key!r}: the schema does not declare it (strict mode)"
    return str(error.message)


def _summary(error: ValidationError, found: _Found) -> str:
    _, location, pointer, _ = found
    message = _message(error, pointer)
    if len(message) > _MAX_SUMMARY:
        message = message[: _MAX_SUMMARY - 3] + "..."
    return f"{pointer or '(root)'}: {message} [{location}]"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _render(value: Any) -> list[str]:
    lines = json.dumps(value, indent=2, ensure_ascii=False, default=repr).splitlines()
    if len(lines) > _MAX_VALUE_LINES:
        hidden = len(lines) - _MAX_VALUE_LINES
        lines = [*lines[:_MAX_VALUE_LINES], f"... ({hidden} more lines)"]
    return lines
