"""Recording: the vcrpy settings, request matching and readable replay errors.

`vcr_config` is what pytest-recording's `vcr_config` fixture returns. Requests match on method,
path, query and the parsed JSON body (`json_body`, registered by `configure_vcr`, which the
`pytest_recording_configure` hook below calls). Cassettes are saved by `cassettes.AtomicPersister`:
atomically and deterministically, so re-recording the same exchanges gives the same bytes, a
crash mid-write leaves the previous cassette intact, and (given a `SaveGate`) a scenario that
fails while recording leaves it untouched. `explain_replay_failure`, `check_all_played` and
`load_cassette_check` turn vcrpy's problems into `CassetteError`s that say what differs and
how to re-record.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from oneentry_contracts.errors import CassetteError
from oneentry_contracts.pytest_plugin import compat
from oneentry_contracts.recording.cassettes import (
    AtomicPersister,
    SaveGate,
    load_cassette_check,
    write_atomically,
)
from oneentry_contracts.recording.scrub import Scrubber

if TYPE_CHECKING:  # vcrpy itself is imported by whoever records: a replay does without it
    from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

__all__ = [
    "MATCH_ON",
    "AtomicPersister",
    "SaveGate",
    "check_all_played",
    "configure_vcr",
    "explain_replay_failure",
    "json_body",
    "json_diff",
    "load_cassette_check",
    "pytest_recording_configure",
    "same_json_body",
    "vcr_config",
    "write_atomically",
]

MATCH_ON: Final = ("method", "path", "query", "json_body")
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


def same_json_body(r1: Any, r2: Any) -> bool:
    """`json_body`'s verdict without its description: the same bytes, or equal parsed JSON."""
    raw1, raw2 = _raw_body(r1), _raw_body(r2)
    if raw1 == raw2:
        return True
    return _canonical(_parsed_body(r1)) == _canonical(_parsed_body(r2))


def configure_vcr(vcr: Any) -> None:
    """Register the `json_body` matcher on a `vcr.VCR`, as `vcr_config`'s `match_on` needs,
    after checking that it takes the per-cassette persister `vcr_config` sets."""
    compat.check_persister_option(vcr)
    vcr.register_matcher("json_body", json_body)


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    """pytest-recording's hook: list this module in `pytest_plugins` (or call `configure_vcr`)."""
    configure_vcr(vcr)


def vcr_config(
    scrubber: Scrubber, *, record_mode: str, gate: SaveGate | None = None
) -> dict[str, Any]:
    """pytest-recording's `vcr_config` for one cassette, scrubbing with `scrubber`.

    `rewrite` (pytest-recording deletes the file, then records) becomes vcrpy's `all` with
    unused interactions dropped: the same result, but the old cassette survives a failed run.
    With a `gate`, a recording replaces the cassette only if the scenario passed.
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
        "persister": AtomicPersister(rerecording=mode == "all", gate=gate),
    }


# ---------------------------------------------------------------------------------------------
# Replay errors


def explain_replay_failure(
    exc: CannotOverwriteExistingCassetteException, *, cassette_path: str, rerecord_command: str
) -> CassetteError:
    """vcrpy's "can't play back" as a CassetteError: the request, the closest recording, the fix.

    `exc` may also be what `replay.Tape` raises from: anything with vcrpy's `cassette`,
    `failed_request`, `reason` and `similar_requests`.
    """
    cassette = exc.cassette
    sent = _filtered(cassette, exc.failed_request)
    reason, similar = compat.replay_failure(exc)
    if reason == "no_match" and similar and not _same_endpoint(similar[0][0], sent):
        reason = "nothing_similar"  # only a body-less likeness: the endpoint was never recorded
    lines = [_HEADLINES.get(reason, _HEADLINES["no_match"]), ""]
    lines += [f"  {line}" for line in _describe_request(sent)]
    if reason == "nothing_similar":
        lines += ["", "The recording holds (played ones marked ✓):"]
        lines += [
            f"  {index + 1}. {'✓' if compat.play_counts(cassette)[index] else ' '} "
            f"{request.method} {_path_and_query(request)}"
            for index, (request, _response) in enumerate(compat.interactions(cassette))
        ]
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
    played = sum(1 for count in compat.play_counts(cassette).values() if count)
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
    "nothing_similar": (
        "Request is not in the recording: no recorded request has its method and path "
        "(a cassette from another version of the feature?)"
    ),
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
    counts = compat.play_counts(cassette)
    unplayed = [
        (index, request)
        for index, (request, _response) in enumerate(compat.interactions(cassette))
        if not counts[index]
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
    body = request.body
    # Bytes as they are (the replay's requests, most of vcrpy's); a file or an iterator the
    # way vcrpy reads it, which imports vcrpy: a replay never needs to.
    raw = body if body is None or isinstance(body, bytes | str) else compat.read_body(request)
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
    except (ValueError, UnicodeDecodeError, RecursionError):
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


def _same_endpoint(recorded: Any, sent: Any) -> bool:
    """Same method and path, ids aside (`/orders/90` and `/orders/91` are the same endpoint)."""

    def shape(path: str) -> str:
        return re.sub(r"/\d+(?=/|$)", "/{id}", path)

    return bool(recorded.method == sent.method and shape(recorded.path) == shape(sent.path))


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
    for index, (stored, _response) in enumerate(compat.interactions(cassette)):
        if stored is request:
            return index + 1
    return "?"
