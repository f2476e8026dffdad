"""Reading one mapping of a project file: its key path, typed getters, unknown-key refusal.

`Node` is what `loader.py` walks the file with; every problem is a `ConfigError` naming the
file and the key path (`storages[1].form`) and saying what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, cast

from oneentry_sandbox.errors import ConfigError

__all__ = ["MAX_INT", "Node", "check_text", "kind_of", "shown"]

MAX_INT = 2**53 - 1  # what the API's JavaScript numbers hold exactly


class Node:
    """A mapping being read, with its key path, refusing keys nobody asked for."""

    def __init__(self, file: str, path: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(file, path or "<top>", f"expected a mapping, got {kind_of(data)}")
        self.file, self.path, self.data = file, path, cast("Mapping[str, Any]", data)
        self.allowed: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.file, self.key(key), problem)

    def raw(self, key: str, default: object = ..., *, required: bool = False) -> Any:
        self.allowed.add(key)
        if key not in self.data:
            if required or default is ...:
                raise self.fail(key, "missing required key")
            return default
        return self.data[key]

    def typed(self, key: str, kind: type | tuple[type, ...], default: object = ...) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            raise self.fail(key, f"expected {_names(kind)}, got boolean {value!r}")
        if not isinstance(value, kind):
            raise self.fail(key, f"expected {_names(kind)}, got {kind_of(value)} {shown(value)}")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            expected = f"expected an integer from -{MAX_INT} to {MAX_INT}"
            raise self.fail(key, f"{expected}, got {shown(value)}")
        if isinstance(value, str):
            check_text(self, key, value)
        return value

    def text(self, key: str, default: object = ...) -> Any:
        return self.typed(key, str, default)

    def integer(self, key: str, default: object = ...) -> Any:
        return self.typed(key, int, default)

    def flag(self, key: str, default: object = ...) -> Any:
        return self.typed(key, bool, default)

    def choice(self, key: str, choices: tuple[str, ...], default: object = ...) -> Any:
        value = self.text(key, default)
        if value not in choices and key in self.data:
            raise self.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def child(self, key: str, *, optional: bool = False) -> Node:
        value = self.raw(key, {} if optional else ...)
        return Node(self.file, self.key(key), value)

    def items(self, key: str, *, optional: bool = False) -> Iterator[tuple[str, object]]:
        value = self.raw(key, [] if optional else ...)
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {kind_of(value)}")
        for index, item in enumerate(value):
            yield f"{self.key(key)}[{index}]", item

    def nodes(self, key: str, *, optional: bool = False) -> Iterator[Node]:
        for path, item in self.items(key, optional=optional):
            yield Node(self.file, path, item)

    def done(self) -> None:
        for key in self.data:
            if key not in self.allowed:
                known = ", ".join(sorted(self.allowed))
                raise self.fail(str(key), f"unknown key (known keys here: {known})")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _names(kind: type | tuple[type, ...]) -> str:
    names = {"str": "a string", "int": "an integer", "bool": "a boolean", "float": "a number"}
    return " or ".join(names.get(k.__name__, k.__name__) for k in _as_tuple(kind))


def kind_of(value: object) -> str:
    if isinstance(value, date):
        return "an unquoted YAML timestamp (quote it to make it a string)"
    return {dict: "a mapping", list: "a list", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def check_text(node: Node, key: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problem = "contains a lone UTF-16 surrogate (e.g. \\ud800); use valid Unicode"
        raise node.fail(key, problem) from None
