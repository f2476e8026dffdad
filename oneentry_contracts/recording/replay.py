"""Replay without patching: an httpx transport that answers from a vcrpy cassette.

vcrpy replays by patching httpx for the length of a cassette; entering and leaving the patches,
converting every loaded interaction into its own objects and running its matchers on every
recorded request cost about half of a replayed scenario. `ReplayTransport` is httpx's own way
to answer without a network: the session's `httpx.Client` is built on it, and each scenario
puts its cassette (a `Tape`, parsed once with libyaml by `load_cassette_check`) in it.

The cassettes stay vcrpy cassettes, byte for byte (recording still goes through vcrpy), and the
replay matches as the vcrpy settings of `recording.vcr` do: method, path, query and the JSON
body (`json_body`: the same bytes, or equal once parsed), each recorded interaction played at
most once, in recorded order. A request that matches nothing is the `CassetteError` of
`explain_replay_failure` (the closest recording and a field diff); `check_all_played` fails a
scenario that left interactions unused. The tape offers those two functions what they read of
a vcrpy cassette (`data`, `play_counts`, `write_protected`), so the messages are the same.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlparse

import httpx

from oneentry_contracts.errors import CassetteError
from oneentry_contracts.recording.cassettes import load_cassette_check
from oneentry_contracts.recording.scrub import Scrubber
from oneentry_contracts.recording.vcr import (
    MATCH_ON,
    check_all_played,
    explain_replay_failure,
    json_body,
    same_json_body,
)

__all__ = ["RecordedRequest", "ReplayTransport", "Tape"]

_MATCHERS: Final = len(MATCH_ON)


class RecordedRequest:
    """A request as the replay compares it: what vcrpy's `Request` offers its matchers."""

    __slots__ = ("body", "method", "path", "query", "uri")

    def __init__(self, method: str, uri: str, body: bytes | None) -> None:
        parsed = urlparse(uri)
        self.method = method
        self.uri = uri
        self.path = parsed.path or "/"
        self.query = sorted(parse_qsl(parsed.query))
        self.body = body or b""

    def __repr__(self) -> str:
        return f"<RecordedRequest {self.method} {self.uri}>"


def _body_bytes(value: Any) -> bytes | None:
    if value is None:
        return None
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


class _Miss:
    """What `explain_replay_failure` reads of vcrpy's CannotOverwriteExistingCassetteException."""

    def __init__(self, tape: Tape, request: RecordedRequest) -> None:
        self.cassette = tape
        self.failed_request = request
        self.similar_requests = tape.most_similar(request)
        if tape.empty_file:
            self.reason = "cassette_not_found"
        elif self.similar_requests and not self.similar_requests[0][2]:
            self.reason = "already_played"
        elif self.similar_requests:
            self.reason = "no_match"
        else:
            self.reason = "nothing_similar"


class Tape:
    """One scenario's cassette, parsed once, its interactions played at most once each."""

    write_protected: Final = True  # check_all_played: a replay, not a recording

    def __init__(
        self,
        interactions: list[dict[str, Any]],
        *,
        shown: str,
        rerecord_command: str,
        scrubber: Scrubber | None = None,
        empty_file: bool = False,
    ) -> None:
        self.data: list[tuple[RecordedRequest, dict[str, Any]]] = []
        self._by_endpoint: dict[tuple[str, str, str], list[int]] = {}
        for index, interaction in enumerate(interactions):
            stored = interaction["request"]
            request = RecordedRequest(stored["method"], stored["uri"], _body_bytes(stored["body"]))
            self.data.append((request, interaction["response"]))
            self._by_endpoint.setdefault(_key(request), []).append(index)
        self.play_counts: Counter[int] = Counter()
        self.shown = shown
        self.rerecord_command = rerecord_command
        self.scrubber = scrubber
        self.empty_file = empty_file

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        shown: str,
        rerecord_command: str,
        root: Path | None = None,
        scrubber: Scrubber | None = None,
    ) -> Tape:
        """The cassette at `path`; an unreadable one is `load_cassette_check`'s CassetteError."""
        if not path.read_bytes().strip():  # vcrpy takes an empty file for no cassette at all
            return cls([], shown=shown, rerecord_command=rerecord_command, empty_file=True)
        data = load_cassette_check(path, root=root, rerecord_command=rerecord_command)
        return cls(
            data["interactions"], shown=shown, rerecord_command=rerecord_command, scrubber=scrubber
        )

    def __len__(self) -> int:
        return len(self.data)

    def filter_request(self, request: RecordedRequest) -> RecordedRequest:
        return request  # already what the tape compares (scrubbed by `play` if need be)

    def play(self, request: httpx.Request) -> httpx.Response:
        """The recorded answer to `request`, or the CassetteError saying what differs."""
        sent = self._sent(request)
        for index in self._by_endpoint.get(_key(sent), ()):
            recorded, response = self.data[index]
            if self.play_counts[index] == 0 and same_json_body(sent, recorded):
                self.play_counts[index] += 1
                return self._response(response, request)
        raise explain_replay_failure(
            _Miss(self, sent), cassette_path=self.shown, rerecord_command=self.rerecord_command
        )

    def check_all_played(self) -> None:
        """After a passing scenario: every recorded interaction was requested, or CassetteError."""
        check_all_played(self, cassette_path=self.shown, rerecord_command=self.rerecord_command)

    def most_similar(
        self, sent: RecordedRequest
    ) -> list[tuple[RecordedRequest, list[str], list[tuple[str, str]]]]:
        """vcrpy's `find_requests_with_most_matches`: the recordings passing the most matchers."""
        scored = []
        for recorded, _response in self.data:
            passed, failed = _matchers(sent, recorded)
            scored.append((len(passed), recorded, passed, failed))
        scored.sort(key=lambda entry: entry[0], reverse=True)
        if not scored or scored[0][0] < 1:
            return []
        best = scored[0][0]
        return [(r, passed, failed) for n, r, passed, failed in scored if n == best]

    def _sent(self, request: httpx.Request) -> RecordedRequest:
        uri, body = str(request.url), request.read()
        if self.scrubber is not None:  # a [scrub] list may scrub what the scenario sends
            uri, body = self.scrubber.uri(uri), self.scrubber.body(body) or b""
        return RecordedRequest(request.method, uri, body)

    def _response(self, recorded: dict[str, Any], request: httpx.Request) -> httpx.Response:
        if self.scrubber is not None:
            recorded = self.scrubber.before_record_response(dict(recorded))
        status = recorded["status"]
        message = status.get("message")
        return httpx.Response(
            status["code"],
            headers=[
                (name, value)
                for name, values in (recorded.get("headers") or {}).items()
                for value in (values if isinstance(values, list) else [values])
            ],
            stream=httpx.ByteStream(_body_bytes(recorded["body"]["string"]) or b""),
            extensions={"reason_phrase": message.encode("ascii")} if message else {},
            request=request,
        )


def _key(request: RecordedRequest) -> tuple[str, str, str]:
    return request.method, request.path, repr(request.query)


def _matchers(
    sent: RecordedRequest, recorded: RecordedRequest
) -> tuple[list[str], list[tuple[str, str]]]:
    passed: list[str] = []
    failed: list[tuple[str, str]] = []
    checks = (
        ("method", sent.method == recorded.method),
        ("path", sent.path == recorded.path),
        ("query", sent.query == recorded.query),
    )
    for name, ok in checks:
        if ok:
            passed.append(name)
        else:
            failed.append((name, "differs"))
    try:
        json_body(sent, recorded)
        passed.append("json_body")
    except AssertionError as error:
        failed.append(("json_body", str(error)))
    return passed, failed


class ReplayTransport(httpx.BaseTransport):
    """The session's transport in replay: answers from the current scenario's `Tape`."""

    def __init__(self) -> None:
        self.tape: Tape | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        tape = self.tape
        if tape is None:
            raise CassetteError(
                f"A request outside any scenario in a replay: {request.method} {request.url}\n"
                "How to fix: make requests from the steps, with the oneentry_* fixtures, so "
                "that they are answered from the scenario's cassette.",
                cassette=None,
            )
        return tape.play(request)
