"""The secrets audit: scan cassettes and report files for anything the scrubber should have hidden.

    oneentry-contracts audit-cassettes [PATH ...] [--format text|json]

Default paths: `cassettes/`, and `reports/` if it exists. Folders are walked for `.yaml`, `.yml`,
`.json`, `.xml`, `.html`, `.txt` and `.log` files; a file named on the command line is read
whatever its extension. Every line is checked as written and unwrapped (`unwrap`: backslash
escapes, HTML entities, base64, gzip); a YAML file is also read as YAML reads it
(`cassettes.scalars`: escapes resolved, folded lines joined, `|` blocks, `!!binary` bodies).
These kinds of finding:

    app-token       the value of the app token variable (`project.app_token_env`), if set
    password        the value of a user's password variable, if set
    user-email      the value of a user's e-mail variable, if set (the guest's too); any case
    project-host    the project URL variable's host (`project.url_env`), if set: as a URL,
                    `host:port` or bare name, any case, punycode or Unicode (`spellings`)
    jwt             a JWT-shaped string: `eyJ...` with three dot-separated segments
    refresh-token   a refresh-token shape: 13 digits, a dash, a UUID
    bearer          `Bearer <value>` where the value is not a scrubber placeholder (`<...>`)
    loopback-url    `http://127.0.0.1:<port>` / `localhost:<port>`: scrubbing of a sandbox failed
    email           an e-mail address off the reserved domains (`ALLOWED_EMAIL_*`)

Configured values are found in every spelling the scrubber replaces (`spellings`: URL-encoded,
escaped, base64); one shorter than 8 characters only where it stands alone (as the scrubber
does). Values equal to a placeholder are ignored. Where two findings overlap, the first kind in
the list above wins, so a leaked app token that also looks like a JWT is reported once, as the
app token. A finding seen only once something was undone says what, e.g. `[base64]`.

A finding never prints the secret: only its first 4 characters (fewer for a short value) and its
length. Exit codes: 0 clean, 1 findings, 2 usage error (a path that does not exist, a broken
config file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final, Literal
from urllib.parse import urlsplit

from oneentry_contracts.config.settings import Config, load_config
from oneentry_contracts.errors import HarnessError
from oneentry_contracts.recording.cassettes import scalars
from oneentry_contracts.recording.placeholders import (
    APP_TOKEN_HEADER_PLACEHOLDER,
    APP_TOKEN_PLACEHOLDER,
    HOST_PLACEHOLDER,
    JWT,
    MIN_SUBSTRING_SECRET,
    PLACEHOLDER,
    REDACTED,
    REFRESH_SHAPE,
)
from oneentry_contracts.recording.spellings import (
    HOST_AFTER,
    HOST_BEFORE,
    host_spellings,
    secret_spellings,
)
from oneentry_contracts.recording.unwrap import unwrapped

__all__ = [
    "ALLOWED_EMAIL_ADDRESSES",
    "ALLOWED_EMAIL_DOMAINS",
    "AuditReport",
    "Finding",
    "FindingKind",
    "KnownSecrets",
    "add_arguments",
    "audit_paths",
    "main",
    "mask",
]

FindingKind = Literal[
    "app-token",
    "password",
    "user-email",
    "project-host",
    "scrub-list",
    "jwt",
    "refresh-token",
    "bearer",
    "loopback-url",
    "email",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_PATHS: Final = ("cassettes", "reports")
# .tmp: a cassette write killed before its rename (recording/lock.py), until the next recording
EXTENSIONS: Final = frozenset({".yaml", ".yml", ".json", ".xml", ".html", ".txt", ".log", ".tmp"})

# Only reserved names (RFC 2606, RFC 6761): the harness generates addresses on these alone, so
# any other domain, a free-mail one included, may be a real customer's.
ALLOWED_EMAIL_DOMAINS: Final = frozenset({"example.com", "example.org", "example.net"})
_RESERVED_TLDS: Final = (".test", ".example", ".invalid", ".localhost")
ALLOWED_EMAIL_ADDRESSES: Final[frozenset[str]] = frozenset()

_PREFIX = 4

_BEARER = re.compile(r"\bBearer\s+(<[A-Z][A-Z0-9_]*>|[A-Za-z0-9._~+/=-]{8,})")
_LOOPBACK = re.compile(
    r"https?://(?:127(?:\.\d{1,3}){3}|localhost|\[::1\]|0\.0\.0\.0):\d+", re.IGNORECASE
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?![A-Za-z0-9-])"
)


def _email_allowed(address: str, domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return (
        address.lower() in ALLOWED_EMAIL_ADDRESSES
        or domain in ALLOWED_EMAIL_DOMAINS
        or domain.endswith(tuple(f".{d}" for d in ALLOWED_EMAIL_DOMAINS))
        or domain.endswith(_RESERVED_TLDS)
        or domain.lstrip(".") in {tld.lstrip(".") for tld in _RESERVED_TLDS}
    )


def mask(secret: str) -> str:
    """`eyJh… (155 chars)`: the first 4 characters (at most half of the value) and the length."""
    shown = secret[: min(_PREFIX, len(secret) // 2)]
    return f"{shown}… ({len(secret)} chars)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One possible secret: where, what kind, and a masked excerpt (never the value)."""

    path: str
    line: int
    column: int
    kind: FindingKind
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind}: {self.excerpt}"


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The findings of one audit and how many files were read."""

    files: int
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True, slots=True)
class KnownSecrets:
    """The configured secret values to look for, read from the variables the config names."""

    values: tuple[tuple[FindingKind, str], ...] = ()
    hosts: tuple[str, ...] = ()
    extra_patterns: tuple[str, ...] = ()  # the config's [scrub] patterns

    @classmethod
    def from_env(cls, config: Config, env: Mapping[str, str] | None = None) -> KnownSecrets:
        """Whatever of app token, passwords, e-mails and project URL is set; unset is skipped."""
        source = os.environ if env is None else env
        placeholders = {APP_TOKEN_PLACEHOLDER, REDACTED, APP_TOKEN_HEADER_PLACEHOLDER}
        for user in config.users.values():
            placeholders |= {user.placeholder_email, user.placeholder_password}

        def value(name: str) -> str | None:
            found = source.get(name, "").strip()
            return found if found and found not in placeholders else None

        wanted: list[tuple[FindingKind, str]] = [("app-token", config.app_token_env)]
        for user in config.users.values():
            wanted += [("password", user.password_env), ("user-email", user.email_env)]
        values = [(kind, v) for kind, name in wanted if (v := value(name)) is not None]
        values += [("scrub-list", v) for v in config.scrub_values]
        values += [("scrub-list", v) for name in config.scrub_env if (v := value(name))]
        hosts: list[str] = []
        url = value(config.url_env)
        placeholder_hosts = {
            urlsplit(HOST_PLACEHOLDER).hostname,
            urlsplit(config.host_placeholder).hostname,
        }
        if url is not None:
            names = host_spellings(url).hosts
            if names and not placeholder_hosts & {n.rstrip(".") for n in names}:
                hosts.append(url)
        return cls(tuple(values), tuple(hosts), config.scrub_patterns)

    def patterns(self) -> list[tuple[FindingKind, re.Pattern[str]]]:
        """One pattern per configured value, matching every spelling the scrubber replaces
        (`spellings`): URL-encoded, escaped, base64; the host as URL, `host:port` and bare name,
        lowercase, punycode or Unicode. Hosts and e-mails are matched whatever their case."""
        out: list[tuple[FindingKind, re.Pattern[str]]] = []
        for kind, secret in self.values:
            forms = sorted({secret, *(form for form, _ in secret_spellings(secret, ""))}, key=len)
            body = "|".join(re.escape(form) for form in reversed(forms))
            if len(secret) < MIN_SUBSTRING_SECRET:
                body = rf"(?<![0-9A-Za-z])(?:{body})(?![0-9A-Za-z])"
            out.append((kind, re.compile(body, re.IGNORECASE if kind != "password" else 0)))
        for url in self.hosts:
            names = host_spellings(url)
            forms = sorted({*names.urls, *names.netlocs, *names.hosts}, key=len, reverse=True)
            body = "|".join(re.escape(form) for form in forms)
            body = f"{HOST_BEFORE}(?:{body}){HOST_AFTER}"
            out.append(("project-host", re.compile(body, re.IGNORECASE)))
        out += [("scrub-list", re.compile(pattern)) for pattern in self.extra_patterns]
        return out


def _line_findings(
    line: str, configured: Sequence[tuple[FindingKind, re.Pattern[str]]]
) -> Iterator[tuple[int, FindingKind, str]]:
    """(column, kind, secret) for every possible secret in a line, overlaps removed."""
    candidates: list[tuple[int, int, FindingKind, str]] = []  # priority, start, kind, secret

    def add(priority: int, kind: FindingKind, start: int, end: int) -> None:
        candidates.append((priority, start, kind, line[start:end]))

    for priority, (kind, pattern) in enumerate(configured):
        for match in pattern.finditer(line):
            add(priority, kind, match.start(), match.end())
    base = len(configured)
    for match in JWT.finditer(line):
        add(base, "jwt", match.start(), match.end())
    for match in REFRESH_SHAPE.finditer(line):
        add(base + 1, "refresh-token", match.start(), match.end())
    for match in _BEARER.finditer(line):
        if not PLACEHOLDER.fullmatch(match.group(1)):
            add(base + 2, "bearer", match.start(1), match.end(1))
    for match in _LOOPBACK.finditer(line):
        add(base + 3, "loopback-url", match.start(), match.end())
    for match in _EMAIL.finditer(line):
        if not _email_allowed(match.group(0), match.group(1)):
            add(base + 4, "email", match.start(), match.end())
    taken: list[tuple[int, int]] = []
    kept: list[tuple[int, FindingKind, str]] = []
    for _priority, start, kind, secret in sorted(candidates, key=lambda c: (c[0], c[1])):
        end = start + len(secret)
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        kept.append((start, kind, secret))
    yield from ((start + 1, kind, secret) for start, kind, secret in sorted(kept))


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
            yield from sorted(found)
        else:
            yield path


def audit_paths(paths: Sequence[Path], secrets: KnownSecrets) -> AuditReport:
    """Scan every file under the paths; missing paths raise HarnessError (usage error)."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise HarnessError(
            f"no such file or folder: {', '.join(missing)}. How to fix: pass existing cassette "
            "or report paths, or none to scan cassettes/ (and reports/)."
        )
    configured = secrets.patterns()
    findings: list[Finding] = []
    count = 0
    for file in _files(paths):
        count += 1
        text = file.read_text(encoding="utf-8", errors="replace")
        findings += _file_findings(str(file), text, configured, yaml_file=_is_yaml(file, text))
    return AuditReport(count, tuple(findings))


def _is_yaml(file: Path, text: str) -> bool:
    return file.suffix.lower() in (".yaml", ".yml") or text.startswith("interactions:")


def _file_findings(
    path: str,
    text: str,
    configured: Sequence[tuple[FindingKind, re.Pattern[str]]],
    *,
    yaml_file: bool,
) -> list[Finding]:
    """Every line as written and unwrapped (escapes, entities, base64); in a YAML file also
    every scalar as YAML reads it (folded lines joined, `|` blocks, `!!binary` bodies)."""
    findings: list[Finding] = []
    seen: set[tuple[int, FindingKind, str]] = set()

    def add(line: int, column: int, kind: FindingKind, secret: str, how: str) -> None:
        if (line, kind, secret) in seen:
            return
        seen.add((line, kind, secret))
        excerpt = mask(secret) + (f" [{how}]" if how else "")
        findings.append(Finding(path, line, column, kind, excerpt))

    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        for how, form in unwrapped(line):
            for column, kind, secret in _line_findings(form, configured):
                add(number, column if not how else 1, kind, secret, how)
    if not yaml_file:
        return findings
    for scalar in scalars(text):
        if scalar.written:
            continue
        span = range(scalar.line, scalar.end_line + 1)
        for how, form in unwrapped(scalar.value):
            for piece in form.splitlines():
                for _column, kind, secret in _line_findings(piece, configured):
                    if not any((n, kind, secret) in seen for n in span):
                        add(scalar.line, scalar.column, kind, secret, how or "as YAML reads it")
    findings.sort(key=lambda f: (f.line, f.column))
    return findings


# ---------------------------------------------------------------------------------------------
# Command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `oneentry-contracts audit-cassettes`."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders to scan (default: cassettes/, and reports/ if present)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", dest="output")
    parser.add_argument("--root", type=Path, default=Path(), help="project root (default: .)")


def main(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> int:
    """Run the audit for parsed arguments; print findings; return the exit code."""
    root: Path = args.root
    paths: list[Path] = list(args.paths) or [
        root / name for name in DEFAULT_PATHS if name == "cassettes" or (root / name).exists()
    ]
    try:
        report = audit_paths(paths, KnownSecrets.from_env(load_config(root), env))
    except HarnessError as error:
        print(f"oneentry-contracts audit-cassettes: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.output == "json":
        data = {"files": report.files, "findings": [asdict(f) for f in report.findings]}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            print(finding)
        print(_summary(report))
    return EXIT_OK if report.clean else EXIT_FINDINGS


def _summary(report: AuditReport) -> str:
    if report.clean:
        return f"audit-cassettes: no secrets found in {report.files} file(s)."
    files = len({f.path for f in report.findings})
    return (
        f"audit-cassettes: {len(report.findings)} possible secret(s) in {files} of "
        f"{report.files} file(s).\nHow to fix: re-record the cassette (`oneentry-contracts run "
        "--record`; the scrubber replaces tokens, hosts and configured secrets with placeholders), "
        "or replace the value by hand with its placeholder; then rotate any real credential "
        "that was committed."
    )
