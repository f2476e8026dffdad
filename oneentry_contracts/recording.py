"""Cassettes: the vcrpy settings, request matching, atomic saving and readable replay errors.

`vcr_config` is what pytest-recording's `vcr_config` fixture returns. Requests match on method,
path, query and the parsed JSON body (`json_body`, registered by `configure_vcr`, which the
`pytest_recording_configure` hook below calls). Cassettes are written atomically and
deterministically, so re-recording the same exchanges gives the same bytes and a crash mid-write
leaves the previous cassette intact. `explain_replay_failure`, `check_all_played` and
`load_cassette_check` turn vcrpy's problems into `CassetteError`s that say what differs and
how to re-record.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]
from vcr.persisters.filesystem import CassetteNotFoundError  # type: ignore[import-untyped]
from vcr.serialize import deserialize, serialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]
from vcr.util import read_body  # type: ignore[import-untyped]

from oneentry_contracts.errors import CassetteError
from oneentry_contracts.scrub import Scrubber

__all__ = [
    "MATCH_ON",
    "AtomicPersister",
    "check_all_played",
    "configure_vcr",
    "explain_replay_failure",
    "json_body",
    "json_diff",
    "load_cassette_check",
    "pytest_recording_configure",
    "vcr_config",
]

MATCH_ON: Final = ("method", "path", "query", "json_body")
CASSETTE_VERSION: Final = 1
_MAX_DIFFS = 20
_MAX_VALUE = 80
_MAX_BODY = 300


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING: Final = _Missing()


# ---------------------------------------------------------------------------------------------
# Matching


def json_diff(recorded: Any, sent: Any, pointer: str = "") -> list[tuple[str, Any, Any]]:
    """Every differing leaf as `(JSON pointer, recorded, sent)`; `MISSING` marks an absent one.

    `1`, `1.0` and `true` are different values here, as they are different bytes on the wire.
    """
    if isinstance(recorded, dict) and isinstance(sent, dict):
        diffs: list[tuple[str, Any, Any]] = []
        for key in [*recorded, *(k for k in sent if k not in recorded)]:
            child = f"{pointer}/{_escape(str(key))}"
            diffs += json_diff(recorded.get(key, MISSING), sent.get(key, MISSING), child)
        return diffs
    if isinstance(recorded, list) and isinstance(sent, list):
        diffs = []
        for index in range(max(len(recorded), len(sent))):
            old = recorded[index] if index < len(recorded) else MISSING
            new = sent[index] if index < len(sent) else MISSING
            diffs += json_diff(old, new, f"{pointer}/{index}")
        return diffs
    if _canonical(recorded) == _canonical(sent):
        return []
    return [(pointer or "/", recorded, sent)]


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: bodies equal as parsed JSON (bytes when not JSON).

    vcrpy passes the request being made first and the recorded one second. On a mismatch the
    AssertionError lists the differing fields, which vcrpy shows in its "no match" report.
    """
    if _raw_body(r1) == _raw_body(r2):
        return  # the same bytes: no need to parse
    if (r1.method, r1.path) != (r2.method, r2.path):
        # vcrpy tries every matcher on every recorded request; another endpoint's body differs
        # for the reason the method and path matchers give, and describing it costs a parse.
        raise AssertionError("body: not compared (another method or path)")
    sent, recorded = _parsed_body(r1), _parsed_body(r2)
    if _canonical(sent) == _canonical(recorded):
        return
    raise AssertionError("\n".join(_describe_diffs(recorded, sent)))


def configure_vcr(vcr: Any) -> None:
    """Register the `json_body` matcher on a `vcr.VCR`, as `vcr_config`'s `match_on` needs."""
    vcr.register_matcher("json_body", json_body)


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    """pytest-recording's hook: list this module in `pytest_plugins` (or call `configure_vcr`)."""
    configure_vcr(vcr)


def vcr_config(scrubber: Scrubber, *, record_mode: str) -> dict[str, Any]:
    """pytest-recording's `vcr_config` for one cassette, scrubbing with `scrubber`.

    `rewrite` (pytest-recording deletes the file, then records) becomes vcrpy's `all` with
    unused interactions dropped: the same result, but the old cassette survives a failed run.
    """
    mode = "all" if record_mode == "rewrite" else record_mode
    return {
        "record_mode": mode,
        "match_on": MATCH_ON,
        "before_record_request": scrubber.before_record_request,
        "before_record_response": scrubber.before_record_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
        "drop_unused_requests": mode == "all",
        "record_on_exception": False,
        "persister": AtomicPersister(rerecording=mode == "all"),
    }


# ---------------------------------------------------------------------------------------------
# Saving and loading


class _DeterministicYaml:
    """vcrpy serializer: sorted keys, readable UTF-8, the pure-Python emitter everywhere."""

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        return yaml.dump(
            cassette_dict,
            Dumper=yaml.SafeDumper,
            sort_keys=True,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )

    @staticmethod
    def deserialize(cassette_string: str) -> Any:
        return yamlserializer.deserialize(cassette_string)


class AtomicPersister:
    """A vcrpy persister that checks cassettes on load and replaces them atomically on save.

    With `rerecording`, an unreadable cassette counts as missing, so it can be recorded over;
    otherwise it is a `CassetteError` naming the file and line.
    """

    def __init__(self, *, rerecording: bool = False) -> None:
        self.rerecording = rerecording

    def load_cassette(self, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        path = Path(cassette_path)
        if not path.is_file() or not path.read_bytes().strip():
            raise CassetteNotFoundError()
        try:
            data = load_cassette_check(path)
        except CassetteError:
            if self.rerecording:
                raise CassetteNotFoundError() from None
            raise
        return deserialize("", _Parsed(data))  # parsed once, by the check

    def save_cassette(
        self, cassette_path: str | os.PathLike[str], cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        data = serialize(cassette_dict, _DeterministicYaml).encode("utf-8")
        write_atomically(Path(cassette_path), data)


class _Parsed:
    """A vcrpy serializer handing back a cassette that `load_cassette_check` already parsed."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def deserialize(self, cassette_string: str) -> dict[str, Any]:
        return self.data


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and `os.replace` it into place."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(mode)
        temporary.replace(path)  # os.replace: atomic within one file system
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def load_cassette_check(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a cassette and check its shape; every problem is a CassetteError with file:line."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _broken(where, "the file does not exist") from None
    except UnicodeDecodeError as exc:
        raise _broken(where, f"it is not UTF-8 text (byte {exc.start})") from None
    try:
        data = yamlserializer.deserialize(text)  # libyaml's parser where available
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise _broken(f"{where}{line}", f"it is not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise _broken(where, f"it is not valid YAML: {exc}") from None
    if isinstance(data, list):
        raise _broken(where, "it is a list: a cassette from an old vcrpy version", stale=True)
    if not isinstance(data, dict) or "interactions" not in data:
        raise _broken(where, "it has no 'interactions': not a vcrpy cassette", stale=True)
    if data.get("version") != CASSETTE_VERSION:
        problem = f"its format version is {data.get('version')!r}, not {CASSETTE_VERSION}"
        raise _broken(where, problem, stale=True)
    interactions = data["interactions"]
    if not isinstance(interactions, list):
        raise _broken(where, "'interactions' is not a list", stale=True)
    for index, interaction in enumerate(interactions):
        missing = _interaction_problem(interaction)
        if missing:
            # Line numbers only for the message: the pure-Python composer is slow.
            lines = list(_interaction_lines(yaml.compose(text, Loader=yaml.SafeLoader)))
            line = f":{lines[index]}" if index < len(lines) else ""
            raise _broken(f"{where}{line}", f"interaction {index + 1} {missing}", stale=True)
    return data


def _interaction_problem(interaction: Any) -> str | None:
    if not isinstance(interaction, dict):
        return "is not a mapping"
    request, response = interaction.get("request"), interaction.get("response")
    if not isinstance(request, dict):
        return "has no request"
    if not isinstance(response, dict):
        return "has no response"
    for key in ("method", "uri", "headers"):
        if key not in request:
            return f"has no request.{key}"
    status = response.get("status")
    if not isinstance(status, dict) or not isinstance(status.get("code"), int):
        return "has no response.status.code"
    body = response.get("body")
    if not isinstance(body, dict) or "string" not in body:
        return "has no response.body.string"
    return None


def _interaction_lines(root: Any) -> Iterator[int]:
    if not isinstance(root, yaml.MappingNode):
        return
    for key, value in root.value:
        if key.value == "interactions" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                yield item.start_mark.line + 1


def _broken(where: str, problem: str, *, stale: bool = False) -> CassetteError:
    hint = (
        "re-record the scenario, which rewrites the cassette in the current format"
        if stale
        else "fix the file (a merge conflict?), or delete it and re-record the scenario"
    )
    return CassetteError(
        f"Cassette cannot be read\n\n  {where}: {problem}\n\nHow to fix:\n  * {hint}.",
        cassette=where.split(":")[0],
    )


# ---------------------------------------------------------------------------------------------
# Replay errors


def explain_replay_failure(
    exc: CannotOverwriteExistingCassetteException, *, cassette_path: str, rerecord_command: str
) -> CassetteError:
    """vcrpy's "can't play back" as a CassetteError: the request, the closest recording, the fix."""
    cassette = exc.cassette
    sent = _filtered(cassette, exc.failed_request)
    reason = getattr(exc, "reason", "no_match")
    similar = list(getattr(exc, "similar_requests", []) or [])
    lines = [_HEADLINES.get(reason, _HEADLINES["no_match"]), ""]
    lines += [f"  {line}" for line in _describe_request(sent)]
    if reason == "no_match" and similar:
        recorded = similar[0][0]
        number = _interaction_number(cassette, recorded)
        lines += ["", f"Closest recorded request (interaction {number} of {len(cassette)}):"]
        lines += [f"  {line}" for line in _describe_request(recorded, body=False)]
        lines += ["", "Differing fields (recorded → sent):"]
        lines += [f"  {line}" for line in _request_diffs(recorded, sent)]
        if len(similar) > 1:
            more = len(similar) - 1
            lines.append(f"  (and {more} more recorded request{'s' if more > 1 else ''} as close)")
    played = sum(1 for count in cassette.play_counts.values() if count)
    lines += [
        "",
        f"Cassette: {cassette_path} ({len(cassette)} interactions, {played} played)",
        "",
        "How to fix:",
    ]
    lines += [f"  * {hint}" for hint in _replay_hints(reason, rerecord_command)]
    return CassetteError("\n".join(lines), cassette=cassette_path)


_HEADLINES: Final = {
    "no_match": "Request does not match the recording",
    "already_played": (
        "Request was already played back: the scenario now sends it more often than recorded"
    ),
    "nothing_similar": "Request is not in the recording: no recorded request is like it",
    "cassette_not_found": "No recording for this scenario",
}


def _replay_hints(reason: str, command: str) -> list[str]:
    if reason == "cassette_not_found":
        return [f"record the scenario: {command}"]
    intended = f"if the change is intended, re-record this scenario: {command}"
    if reason == "already_played":
        return [intended, "if not, a step now repeats a call it used to make once"]
    if reason == "nothing_similar":
        return [intended, "if not, a step now calls an endpoint the scenario never called"]
    return [
        intended,
        "if not, the step now sends different data: compare the fields above with the "
        "feature file and the step's code",
    ]


def check_all_played(cassette: Any, *, cassette_path: str, rerecord_command: str) -> None:
    """After a replay: every recorded interaction must have been used, or CassetteError."""
    if not cassette.write_protected:
        return  # recording: new interactions are never "played"
    unplayed = [
        (index, request)
        for index, (request, _response) in enumerate(cassette.data)
        if not cassette.play_counts[index]
    ]
    if not unplayed:
        return
    lines = [
        f"Recording not fully used: {len(unplayed)} of {len(cassette)} recorded interactions "
        "were not requested",
        "",
    ]
    for index, request in unplayed:
        lines.append(f"  {index + 1}. {request.method} {_path_and_query(request)}")
    lines += [
        "",
        f"Cassette: {cassette_path}",
        "",
        "How to fix:",
        f"  * if the scenario now makes fewer calls on purpose, re-record it: {rerecord_command}",
        "  * if not, a step stopped making a call it used to make",
    ]
    raise CassetteError("\n".join(lines), cassette=cassette_path)


# ---------------------------------------------------------------------------------------------
# Helpers


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _canonical(value: Any) -> str:
    if isinstance(value, bytes | _Missing):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _raw_body(request: Any) -> bytes:
    raw = read_body(request)
    if raw is None:
        return b""
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def _parsed_body(request: Any) -> Any:
    """None for no body, parsed JSON when it parses, the bytes otherwise."""
    data = _raw_body(request)
    if not data:
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data


def _short(value: Any) -> str:
    text = (
        repr(value)
        if isinstance(value, bytes | _Missing)
        else json.dumps(value, ensure_ascii=False)
    )
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "…"


def _describe_diffs(recorded: Any, sent: Any) -> list[str]:
    if recorded is None or sent is None or isinstance(recorded, bytes) or isinstance(sent, bytes):
        label = {True: "no body"}
        return [
            f"body: recorded {label.get(recorded is None, _short(recorded))} → "
            f"sent {label.get(sent is None, _short(sent))}"
        ]
    diffs = json_diff(recorded, sent)
    lines = [f"{pointer}: {_short(old)} → {_short(new)}" for pointer, old, new in diffs]
    if len(lines) > _MAX_DIFFS:
        lines = [*lines[:_MAX_DIFFS], f"… and {len(lines) - _MAX_DIFFS} more fields"]
    return lines


def _request_diffs(recorded: Any, sent: Any) -> list[str]:
    lines = []
    if recorded.method != sent.method:
        lines.append(f"method: {recorded.method} → {sent.method}")
    if recorded.path != sent.path:
        lines.append(f"path: {recorded.path} → {sent.path}")
    if recorded.query != sent.query:
        lines.append(f"query: {_query(recorded) or '(none)'} → {_query(sent) or '(none)'}")
    old, new = _parsed_body(recorded), _parsed_body(sent)
    if _canonical(old) != _canonical(new):
        lines += _describe_diffs(old, new)
    return lines or ["(none in method, path, query or body)"]


def _filtered(cassette: Any, request: Any) -> Any:
    filtered = cassette.filter_request(request) if request is not None else None
    return filtered if filtered is not None else request


def _query(request: Any) -> str:
    return "&".join(f"{key}={value}" for key, value in request.query)


def _path_and_query(request: Any) -> str:
    query = _query(request)
    return f"{request.path}?{query}" if query else request.path


def _describe_request(request: Any, *, body: bool = True) -> list[str]:
    if request is None:
        return ["(no request)"]
    lines = [f"{request.method} {_path_and_query(request)}"]
    if body:
        parsed = _parsed_body(request)
        if parsed is not None:
            text = _short_body(parsed)
            lines.append(f"body: {text}")
    return lines


def _short_body(parsed: Any) -> str:
    text = repr(parsed) if isinstance(parsed, bytes) else json.dumps(parsed, ensure_ascii=False)
    return text if len(text) <= _MAX_BODY else f"{text[:_MAX_BODY]}… ({len(text)} characters)"


def _interaction_number(cassette: Any, request: Any) -> int | str:
    for index, (stored, _response) in enumerate(cassette.data):
        if stored is request:
            return index + 1
    return "?"
