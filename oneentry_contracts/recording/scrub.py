"""Scrubbing: what a cassette says instead of hosts, tokens, passwords and e-mails.

One frozen `ScrubConfig` describes every rule; a `Scrubber` made from it per cassette applies
the rules to request URIs, request headers and bodies, response headers and bodies (nested JSON
walked key by key, other text by plain replacement). Its two methods are vcrpy hooks:
`before_record_request` and `before_record_response`.

Tokens get numbered placeholders in order of first appearance (`<ACCESS_TOKEN_1>`,
`<REFRESH_TOKEN_1>`, ...). The same real value always maps to the same placeholder, in a response
and in a later request, so a refresh token handed out by a replayed response and sent back by
the client still matches the recording. A value that already is a placeholder passes through.
Placeholders never look like JWTs (a leak check greps cassettes for `eyJ`).

Hosts and secrets are replaced in every spelling (`spellings`): the project URL as written and
as httpx sends it (lowercase, punycode, no default port), as `host:port` and as a bare host, any
case; a secret URL-encoded, JSON-, `repr`- and HTML-escaped, base64; an e-mail in any case. A
body that is not UTF-8 is scrubbed as Latin-1 text, byte for byte; a gzip body inside.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import SplitResult, quote, urlsplit

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.recording.placeholders import (
    ACCESS,
    APP_TOKEN_PLACEHOLDER,
    HOST_PLACEHOLDER,
    MIN_SUBSTRING_SECRET,
    PLACEHOLDER,
    REDACTED,
    REFRESH,
    REFRESH_SHAPE,
)
from oneentry_contracts.recording.placeholders import JWT as JWT_SHAPE
from oneentry_contracts.recording.spellings import (
    HOST_AFTER,
    HOST_BEFORE,
    HostSpellings,
    host_spellings,
    secret_spellings,
)

if TYPE_CHECKING:  # vcrpy is imported where it records; a replay does without it
    from vcr.request import Request  # type: ignore[import-untyped]

__all__ = [
    "APP_TOKEN_PLACEHOLDER",
    "HOST_PLACEHOLDER",
    "REDACTED",
    "REDACTED_KEYS",
    "ScrubConfig",
    "Scrubber",
]

REDACTED_KEYS: Final = frozenset({"password", "tokenSecretKey", "clientSecret", "secretKey"})
_LOOPBACK = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?")


@dataclass(frozen=True, slots=True)
class ScrubConfig:
    """Every scrubbing rule of a test run.

    - `host_placeholder`: what cassettes say instead of the project URL.
    - `real_base_urls`: the project URLs to replace (scheme, host and port).
    - `secrets`: real value → placeholder: app token, passwords, the registered user's e-mail
      (the guest's only if wanted), anything else. Replaced in every string, anywhere. Choose
      placeholders that keep the value's format where the API checks it (an e-mail placeholder
      should be an e-mail). A value equal to its placeholder (replay) is ignored.
    - `token_keys`: JSON keys whose string values are tokens, with the placeholder stem.
    - `redacted_keys`: JSON keys whose string values are always replaced by `<REDACTED>`.
    - `patterns`: regular expressions whose matches, in any string, become `<REDACTED>` (the
      config file's `[scrub] patterns`).
    - `keep_request_headers` / `keep_response_headers`: the only headers a cassette keeps
      (lower case). The guest id (`x-guest-id`) is kept: it is no secret, and a scenario draws
      it from its own id, so recordings stay byte-identical. Everything else, `host`, `date`,
      `server`, `set-cookie`, `user-agent`, request ids, is dropped; kept values are scrubbed
      like any other text.
    - `scrub_loopback`: also replace any `http://127.0.0.1:<port>` / `localhost` URL (the
      sandbox listens on a fresh port every run).
    """

    host_placeholder: str = HOST_PLACEHOLDER
    real_base_urls: tuple[str, ...] = field(default=(), repr=False)
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False, hash=False)
    token_keys: tuple[tuple[str, str], ...] = (("accessToken", ACCESS), ("refreshToken", REFRESH))
    redacted_keys: frozenset[str] = REDACTED_KEYS
    patterns: tuple[str, ...] = field(default=(), repr=False)
    keep_request_headers: frozenset[str] = frozenset(
        {
            "content-type",
            "accept",
            "x-app-token",
            "authorization",
            "x-device-metadata",
            "x-guest-id",
        }
    )
    keep_response_headers: frozenset[str] = frozenset(
        {
            *("content-type", "content-length", "location", "retry-after", "www-authenticate"),
            "x-guest-id",  # the guest id the API filed the call under (FIDELITY.md G9)
        }
    )
    scrub_loopback: bool = True

    def __post_init__(self) -> None:
        if not self.host_placeholder.startswith(("https://", "http://")):
            raise ConfigError(f"host_placeholder must be a URL, got {self.host_placeholder!r}")
        for url in self.real_base_urls:
            parts = urlsplit(url)
            if not parts.scheme or not parts.netloc or parts.path not in ("", "/"):
                raise ConfigError(
                    f"a real base URL to scrub must be scheme://host[:port] without a path, "
                    f"got {url!r}"
                )
        # A private copy without the pairs that need no scrubbing: in replay the "real" values
        # are the placeholders themselves.
        pairs = {value: ph for value, ph in dict(self.secrets).items() if value != ph}
        object.__setattr__(self, "secrets", pairs)
        for number, (value, placeholder) in enumerate(pairs.items(), start=1):
            if not value or not placeholder:
                raise ConfigError(
                    f"secret #{number} to scrub has an empty value or placeholder; every secret "
                    "needs both (an unset environment variable?)"
                )
            if value in placeholder:
                raise ConfigError(
                    f"the placeholder {placeholder!r} contains the secret it replaces "
                    f"(secret #{number}); choose a placeholder that does not"
                )
        for pattern in self.patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ConfigError(
                    f"scrub pattern {pattern!r} is not a regular expression: {error}"
                ) from None

    def __deepcopy__(self, memo: dict[int, Any]) -> ScrubConfig:
        return self  # immutable by contract; pytest-recording deep-copies vcr_config

    @property
    def token_kinds(self) -> dict[str, str]:
        """JSON key → placeholder stem, e.g. `accessToken` → `ACCESS_TOKEN`."""
        return dict(self.token_keys)


_Replacer = Callable[[str], str]


class Scrubber:
    """The rules of one `ScrubConfig`, with the token numbering of one cassette."""

    def __init__(self, config: ScrubConfig) -> None:
        self.config = config
        self._tokens: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._kinds = config.token_kinds
        self._static = _shared_static_replacers(config)
        self._placeholders = {APP_TOKEN_PLACEHOLDER, *config.secrets.values()}

    def __repr__(self) -> str:
        return f"<Scrubber {len(self._tokens)} tokens, {len(self.config.secrets)} secrets>"

    @property
    def issued(self) -> tuple[str, ...]:
        """The token placeholders handed out so far, in order."""
        return tuple(self._tokens.values())

    # -----------------------------------------------------------------------------------------
    # Values

    def token(self, value: str, kind: str = ACCESS) -> str:
        """The stable placeholder of a token; a placeholder is returned unchanged."""
        if PLACEHOLDER.fullmatch(value):
            return value
        placeholder = self._tokens.get(value)
        if placeholder is None:
            self._counts[kind] += 1
            placeholder = f"<{kind}_{self._counts[kind]}>"
            self._tokens[value] = placeholder
        return placeholder

    def text(self, value: str) -> str:
        """Scrub free text: known tokens, JWT- and refresh-shaped values, secrets, hosts."""
        if not value or PLACEHOLDER.fullmatch(value):
            return value
        for real in sorted(self._tokens, key=len, reverse=True):
            if real in value:
                value = value.replace(real, self._tokens[real])
        value = JWT_SHAPE.sub(lambda m: self.token(m.group(0), ACCESS), value)
        value = REFRESH_SHAPE.sub(lambda m: self.token(m.group(0), REFRESH), value)
        for replace in self._static:
            value = replace(value)
        return value

    def json(self, value: Any) -> Any:
        """Scrub parsed JSON: token keys, redacted keys, and every string value as text."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if isinstance(item, str) and item and key in self._kinds:
                    out[key] = self.token(item, self._kinds[key])
                elif isinstance(item, str) and item and key in self.config.redacted_keys:
                    out[key] = item if PLACEHOLDER.fullmatch(item) else REDACTED
                else:
                    out[key] = self.json(item)
            return out
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, raw: bytes | str | None) -> bytes | None:
        """Scrub a body: as JSON when it parses (re-serialised only if something changed)."""
        if raw is None:
            return None
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if not data:
            return data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return self._binary(data)
        try:
            parsed = json.loads(text)
            scrubbed = self.json(parsed)
        except (ValueError, RecursionError):  # RecursionError: nested beyond Python's stack
            return self.text(text).encode("utf-8")
        if _same_json(scrubbed, parsed):
            return data
        return json.dumps(scrubbed, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def uri(self, uri: str) -> str:
        """Scrub a request URI: the project host and any secret in the path or query."""
        return self.text(uri)

    # -----------------------------------------------------------------------------------------
    # vcrpy hooks

    def before_record_request(self, request: Request) -> Request:
        """vcrpy's `before_record_request`: a scrubbed copy of the request."""
        request = copy.deepcopy(request)
        request.uri = self.uri(request.uri)
        keep = self.config.keep_request_headers
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            lower = name.lower()
            if lower not in keep:
                continue
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            headers[name] = self._request_header(lower, text)
        request.headers = headers
        request.body = self.body(request.body)
        return request

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's `before_record_response` (run after decompression): scrubbed headers, body."""
        body = response.get("body") or {}
        scrubbed = self.body(body.get("string"))
        response["body"] = {**body, "string": scrubbed}
        keep = self.config.keep_response_headers
        headers: dict[str, list[str]] = {}
        for name, values in (response.get("headers") or {}).items():
            lower = name.lower()
            if lower not in keep:
                continue
            listed = values if isinstance(values, list) else [values]
            if lower == "content-length":
                listed = [str(len(scrubbed or b""))]
            headers[name] = [self.text(str(v)) for v in listed]
        response["headers"] = headers
        return response

    # -----------------------------------------------------------------------------------------

    def _request_header(self, name: str, value: str) -> str:
        if name == "authorization":
            scheme, _, credential = value.partition(" ")
            if credential:
                return f"{scheme} {self.token(credential.strip(), ACCESS)}"
            return REDACTED
        scrubbed = self.text(value)
        if name == "x-app-token" and scrubbed not in self._placeholders:
            # An app token the config does not know (a replay with a dummy token) never lands
            # in a cassette either.
            return APP_TOKEN_PLACEHOLDER
        return scrubbed

    def _binary(self, data: bytes) -> bytes:
        """A body that is not UTF-8: gzip is opened and scrubbed inside; other bytes are
        scrubbed as Latin-1 text (one character per byte), so hosts, JWT shapes and the UTF-8
        bytes of every secret are replaced like in text, and the other bytes stay as they were."""
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError, EOFError, zlib.error):
                inner = gzip.decompress(data)
                scrubbed = self.body(inner) or b""
                return data if scrubbed == inner else gzip.compress(scrubbed, mtime=0)
        for real, placeholder in [*self._tokens.items(), *self.config.secrets.items()]:
            data = data.replace(real.encode("utf-8"), placeholder.encode("utf-8"))
        text = self.text(data.decode("latin-1"))
        return "".join(
            c if ord(c) < 256 else c.encode("utf-8").decode("latin-1") for c in text
        ).encode("latin-1")


def _same_json(a: Any, b: Any) -> bool:
    """Structural equality that tells `1` from `True` and `1.0` (so nothing is rewritten)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


_STATIC: dict[tuple[Any, ...], list[_Replacer]] = {}
_STATIC_KEPT = 16


def _shared_static_replacers(config: ScrubConfig) -> list[_Replacer]:
    """`_static_replacers(config)`, built once for every scrubber of the same rules: a run's
    scenarios all scrub alike, and building them (every spelling of the host and of each
    secret, compiled) was ~2% of a replayed scenario, and 4 KB it kept."""
    key = (
        config.host_placeholder,
        config.real_base_urls,
        tuple(config.secrets.items()),
        config.patterns,
        config.scrub_loopback,
    )
    replacers = _STATIC.get(key)
    if replacers is None:
        if len(_STATIC) >= _STATIC_KEPT:
            _STATIC.pop(next(iter(_STATIC)))
        replacers = _STATIC[key] = _static_replacers(config)
    return replacers


def _static_replacers(config: ScrubConfig) -> list[_Replacer]:
    """Replacers for the fixed values: every spelling of the hosts, then of the secrets."""
    replacers: list[_Replacer] = []
    target = urlsplit(config.host_placeholder)
    for url in config.real_base_urls:
        replacers += _host_replacers(host_spellings(url), config.host_placeholder, target)
    pairs: list[tuple[str, str, bool]] = []
    for value, placeholder in config.secrets.items():
        caseless = "@" in value  # an e-mail, whatever its case
        pairs.append((value, placeholder, caseless))
        pairs += [(form, ph, caseless) for form, ph in secret_spellings(value, placeholder)]
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    replacers += [_replacer(value, placeholder, caseless) for value, placeholder, caseless in pairs]
    if config.scrub_loopback:
        loopback = config.host_placeholder
        replacers.append(lambda text: _LOOPBACK.sub(loopback, text))
    replacers += [_pattern_replacer(re.compile(pattern)) for pattern in config.patterns]
    return replacers


def _host_replacers(forms: HostSpellings, placeholder: str, target: SplitResult) -> list[_Replacer]:
    """URLs, then `host:port`, then bare hosts (and subdomains), case-insensitively."""
    encoded = quote(placeholder, safe="")
    url_pairs = [(url, encoded if "%" in url else placeholder) for url in forms.urls]
    netloc_pairs = [
        (n, quote(target.netloc, safe="") if "%" in n else target.netloc) for n in forms.netlocs
    ]
    host = target.hostname or target.netloc
    return [
        _alternation(url_pairs, HOST_BEFORE, r"(?![0-9])"),
        _alternation(netloc_pairs, HOST_BEFORE, r"(?![0-9])"),
        _alternation([(name, host) for name in forms.hosts], HOST_BEFORE, HOST_AFTER),
    ]


def _alternation(pairs: list[tuple[str, str]], head: str, tail: str) -> _Replacer:
    lookup = {value.lower(): placeholder for value, placeholder in pairs}
    body = "|".join(re.escape(value) for value, _ in sorted(pairs, key=lambda p: -len(p[0])))
    pattern = re.compile(f"{head}(?:{body}){tail}", re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: lookup[m.group(0).lower()], text)


def _pattern_replacer(pattern: re.Pattern[str]) -> _Replacer:
    """Matches of a configured pattern become `<REDACTED>`; placeholders are left alone."""

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if PLACEHOLDER.fullmatch(match.group(0)) else REDACTED

    return lambda text: pattern.sub(replace, text)


def _replacer(value: str, placeholder: str, caseless: bool) -> _Replacer:
    """Plain replacement, or case-insensitive; a short value only where it stands alone."""
    if len(value) >= MIN_SUBSTRING_SECRET and not caseless:
        return lambda text: text.replace(value, placeholder)
    body = re.escape(value)
    if len(value) < MIN_SUBSTRING_SECRET:
        body = r"(?<![0-9A-Za-z])" + body + r"(?![0-9A-Za-z])"
    pattern = re.compile(body, re.IGNORECASE if caseless else 0)
    return lambda text: pattern.sub(lambda _m: placeholder, text)
