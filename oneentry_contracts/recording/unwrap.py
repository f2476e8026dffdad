"""Undo the wrappings a secret can hide in, so the audit can look inside.

`unwrapped(value)` yields `(how, text)` for a piece of a cassette or report: the text itself,
then what it says once backslash escapes (JSON `\\u041f`, `\\"`, YAML/Python `\\xe9`, escaped
twice too), HTML entities, base64 runs and gzip are undone. Bytes (a `!!binary` body) are read
as UTF-8, opened first if gzip. Light imports only (see `placeholders`).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import html
import re
import zlib
from collections.abc import Iterator
from typing import Final

__all__ = ["unescape", "unwrapped"]

_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))", re.DOTALL)
_SIMPLE: Final = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}")
_MAX_DEPTH: Final = 3


def _char(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        try:
            return chr(int(code, 16))
        except (ValueError, OverflowError):
            return match.group(0)
    other = match.group(4)
    return _SIMPLE.get(other, other)


def unescape(text: str) -> str:
    """Backslash escapes undone once: `\\uXXXX`, `\\UXXXXXXXX`, `\\xNN`, `\\n`, `\\"`, `\\\\`."""
    return _ESCAPE.sub(_char, text)


def _ungzip(data: bytes) -> bytes | None:
    if data[:2] != b"\x1f\x8b":
        return None
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def _base64_texts(text: str) -> Iterator[tuple[str, bytes]]:
    for match in _BASE64.finditer(text):
        run = match.group(0).rstrip("=").replace("-", "+").replace("_", "/")
        if len(run) % 4 == 1:
            continue
        try:
            data = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        yield match.group(0), data


def _readable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        return None
    return text


def unwrapped(value: str | bytes, how: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(how, text) for the value and everything found wrapped inside it; `how` is "" for the
    value itself, else the wrappings undone, e.g. "base64" or "gzip, escaped"."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, bytes):
        opened = _ungzip(value)
        if opened is not None:
            yield from unwrapped(opened, _join(how, "gzip"), depth + 1)
            return
        yield _join(how, "binary"), value.decode("utf-8", errors="replace")
        return
    yield how, value
    if "\\" in value:
        once = unescape(value)
        if once != value:
            yield from unwrapped(once, _join(how, "escaped"), depth + 1)
    if "&" in value:
        entities = html.unescape(value)
        if entities != value:
            yield from unwrapped(entities, _join(how, "HTML entities"), depth + 1)
    for _run, data in _base64_texts(value):
        opened = _ungzip(data)
        if opened is not None:
            yield from unwrapped(opened, _join(how, "base64, gzip"), depth + 1)
        elif (text := _readable(data)) is not None:
            yield from unwrapped(text, _join(how, "base64"), depth + 1)


def _join(how: str, more: str) -> str:
    return f"{how}, {more}" if how else more
