"""Every way a secret or the project host can be spelled on the wire, in a cassette or a report.

Shared by the scrubber (`scrub`), which replaces each spelling, and the audit (`audit`), which
hunts for each. Light imports only (see `placeholders`).

A host: httpx lowercases it, punycodes an internationalised name, drops a default port and the
leading zeros of a port, keeps a trailing dot; a report may quote the configured text as it was
written. `HostSpellings` lists the URL, `host:port` and bare-host forms of all of these, plain
and URL-encoded; they are matched case-insensitively.

A secret: JSON-escaped (`\\"`, `\\\\`, `\\u041f`, also escaped twice when a server echoes a JSON
request inside a JSON string), Python-`repr` escaped (`\\'`, `\\xe9`), HTML-escaped,
URL-encoded, base64-encoded. `secret_spellings` yields each spelling with the same
transformation of the placeholder that replaces it.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, quote_plus, urlsplit

import idna

__all__ = [
    "DEFAULT_PORTS",
    "HOST_AFTER",
    "HOST_BEFORE",
    "HostSpellings",
    "host_spellings",
    "secret_spellings",
]

DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# Where a host name starts and ends (match case-insensitively): not inside a longer name, but
# right after a URL-encoded `//` or `@`, once or twice encoded; a subdomain counts as the host.
HOST_BEFORE: Final = r"(?:(?<![0-9A-Za-z-])|(?<=%2F)|(?<=%252F)|(?<=%40)|(?<=%2540))"
HOST_AFTER: Final = r"(?![0-9A-Za-z-]|\.[0-9A-Za-z])"


@dataclass(frozen=True, slots=True)
class HostSpellings:
    """The spellings of one project URL, each tuple longest first.

    `urls`: `scheme://host[:port]`, plain and URL-encoded (`https%3A%2F%2Fhost`), also with
    JSON-escaped slashes (`https:\\/\\/host`). `netlocs`: `host:port` forms (with the default
    port written out too). `hosts`: the bare host names (as written, lowercase, punycode,
    Unicode, with and without a trailing dot).
    """

    urls: tuple[str, ...]
    netlocs: tuple[str, ...]
    hosts: tuple[str, ...]


def _idna_forms(host: str) -> set[str]:
    forms = {host, host.lower()}
    try:
        ascii_form = idna.encode(host.lower().rstrip("."), uts46=True).decode("ascii")
    except (UnicodeError, idna.IDNAError):
        return forms
    forms |= {ascii_form, idna.decode(ascii_form)}
    return forms


def host_spellings(url: str) -> HostSpellings:
    """The spellings of a project URL (`scheme://host[:port]`, or a bare `host[:port]`)."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    scheme = parts.scheme.lower()
    netloc = parts.netloc.rpartition("@")[2]
    raw_host, _, raw_port = netloc.rpartition(":") if _has_port(netloc) else (netloc, "", "")
    hosts: set[str] = set()
    for host in _idna_forms(raw_host):
        stripped = host.rstrip(".")
        hosts |= {host, stripped, f"{stripped}."} if stripped else set()
    hosts.discard("")
    ports: set[str] = set()
    default = DEFAULT_PORTS.get(scheme)
    port = int(raw_port) if raw_port.isdigit() else None
    if raw_port:
        ports.add(raw_port)
    if port is not None:
        ports.add(str(port))
    if port is None or port == default:
        ports.add(str(default) if default else "")
    ports.discard("")
    netlocs = {f"{host}:{p}" for host in hosts for p in ports}
    bare_ok = port is None or port == default
    url_netlocs = netlocs | (hosts if bare_ok else set())
    urls = {f"{s}://{n}" for s in {scheme, parts.scheme} for n in url_netlocs}
    urls |= {u.replace("/", "\\/") for u in urls}
    urls |= {quote(u, safe="") for u in urls}
    netlocs |= {quote(n, safe="") for n in netlocs}

    def longest_first(values: set[str]) -> tuple[str, ...]:
        return tuple(sorted(values, key=lambda v: (-len(v), v)))

    return HostSpellings(longest_first(urls), longest_first(netlocs), longest_first(hosts))


def _has_port(netloc: str) -> bool:
    if netloc.startswith("["):
        return "]:" in netloc
    return ":" in netloc


def _json_inner(value: str, *, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)[1:-1]


def _upper_u(value: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), value)


def _b64(value: str) -> str:
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def _b64_bare(value: str) -> str:
    return _b64(value).rstrip("=")


def _b64_url(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii").rstrip("=")


_TRANSFORMS: Final[tuple[Callable[[str], str], ...]] = (
    lambda v: quote(v, safe=""),
    lambda v: quote_plus(v, safe=""),
    lambda v: _json_inner(v, ascii_only=False),
    lambda v: _json_inner(v, ascii_only=True),
    lambda v: _upper_u(_json_inner(v, ascii_only=True)),
    lambda v: _json_inner(_json_inner(v, ascii_only=False), ascii_only=False),
    lambda v: _json_inner(_json_inner(v, ascii_only=True), ascii_only=True),
    lambda v: repr(v)[1:-1],
    lambda v: ascii(v)[1:-1],
    lambda v: html.escape(v, quote=True),
    lambda v: html.escape(v, quote=True).replace("&#x27;", "&#39;"),
    _b64,
    _b64_bare,
    _b64_url,
)
BASE64_TRANSFORMS: Final = frozenset({_b64, _b64_bare, _b64_url})


def secret_spellings(value: str, placeholder: str) -> Iterator[tuple[str, str]]:
    """(spelling, placeholder spelled the same way) for each spelling that differs from `value`.

    Base64 spellings are given only for values of at least 8 characters, whose encoding cannot
    turn up by chance inside other base64 text.
    """
    seen = {value}
    for transform in _TRANSFORMS:
        if transform in BASE64_TRANSFORMS and len(value) < 8:
            continue
        spelled = transform(value)
        if spelled not in seen:
            seen.add(spelled)
            yield spelled, transform(placeholder)
