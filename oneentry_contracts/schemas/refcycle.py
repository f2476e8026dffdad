"""`$ref` cycles that validation would follow forever.

A schema may refer to itself where the data nests (`items: {$ref: "#"}` for a tree): each step
goes one level into the answer, so validation ends. A `$ref` chain that comes back to where it
started *at the same place in the answer* (`a.json` is `{"$ref": "b.json"}` and `b.json` is
`{"allOf": [{"$ref": "a.json"}]}`) never ends: jsonschema recurses until Python's RecursionError.
`find_cycle` finds such a chain when the schemas are loaded, so it is one message naming the
files, not a traceback in the middle of a scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from referencing import Registry
from referencing.exceptions import Unresolvable

if TYPE_CHECKING:  # a type only: referencing exports no Resolver name
    from referencing._core import Resolver

__all__ = ["find_cycle"]

# Keywords whose subschemas apply to the same value as the schema that holds them.
_IN_PLACE_ONE: Final = ("not", "if", "then", "else")
_IN_PLACE_LISTS: Final = ("allOf", "anyOf", "oneOf")


def find_cycle(schema: dict[str, Any], registry: Registry[Any]) -> list[str] | None:
    """The `$ref`s of a chain from `schema` back to a schema already on the way, or None."""
    resolver = registry.resolver(base_uri=schema.get("$id", ""))
    return _walk(schema, resolver, [], [])


def _walk(
    node: Any, resolver: Resolver[Any], stack: list[int], refs: list[str]
) -> list[str] | None:
    if not isinstance(node, dict):
        return None
    if id(node) in stack:
        return refs
    stack.append(id(node))
    try:
        for child, child_resolver, ref in _in_place(node, resolver):
            found = _walk(child, child_resolver, stack, [*refs, ref] if ref else refs)
            if found is not None:
                return found
    finally:
        stack.pop()
    return None


def _in_place(
    node: dict[str, Any], resolver: Resolver[Any]
) -> Iterator[tuple[Any, Resolver[Any], str | None]]:
    if "$id" in node and isinstance(node["$id"], str):
        resolver = resolver.in_subresource(_resource(node))
    ref = node.get("$ref")
    if isinstance(ref, str):
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable:
            pass  # reported by the store's own $ref check
        else:
            yield resolved.contents, resolved.resolver, ref
    for key in _IN_PLACE_ONE:
        yield node.get(key), resolver, None
    for key in _IN_PLACE_LISTS:
        for item in node.get(key) or ():
            yield item, resolver, None


def _resource(node: dict[str, Any]) -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012.create_resource(node)
