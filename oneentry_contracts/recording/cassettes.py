"""Cassette files: checked loading, deterministic atomic saving, and nothing lost on failure.

`AtomicPersister` is the vcrpy persister `recording.vcr_config` installs. It checks a cassette
before vcrpy reads it (`load_cassette_check`: a broken file is a `CassetteError` naming the file,
the line and the re-record command) and writes through a temporary file that is renamed over the
cassette (`write_atomically`), so a crash mid-write leaves the previous cassette intact (and a
`.<name>.yaml.<random>.tmp` file, which the next recording removes: `recording/lock.py`).

vcrpy saves a cassette when it is closed, in the scenario's teardown, whatever the scenario's
outcome. A `SaveGate` tells the persister whether the scenario passed: only then does the new
recording replace the cassette. A failed recording is dropped, or, with `keep_failed`, written
beside the cassette as `<name>.failed.yaml` (`failed_recording_path`) for inspection. Scenario
cassette names never contain a dot, so a `.failed.yaml` file is never replayed as a cassette.

vcrpy (9.4) saves before it takes its patches off the HTTP libraries, and does not take them
off if the save raises: every later request of the process, in any test, would still go
through that cassette. So a save that fails (a full disk, a read-only folder) is not raised
inside vcrpy: the persister keeps it as a `CassetteError`, and whoever closed the cassette
calls `raise_save_error()` once vcrpy has let go (the plugin does, in `vcr_config`'s teardown).

vcrpy is imported where it is used, not at the top: `check-forms` and `audit-cassettes` import
this module in `oneentry-contracts`' own process, where vcrpy imported before pytest starts
breaks pytest-recording's assertion rewriting.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from oneentry_contracts.errors import CassetteError, UnreadableCassette
from oneentry_contracts.pytest_plugin import compat
from oneentry_contracts.recording.atomic import write_atomically

__all__ = [
    "CASSETTE_VERSION",
    "FAILED_SUFFIX",
    "AtomicPersister",
    "SaveGate",
    "Scalar",
    "failed_recording_path",
    "load_cassette_check",
    "scalars",
    "write_atomically",
]

CASSETTE_VERSION: Final = 1
_BINARY: Final = "tag:yaml.org,2002:binary"
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAILED_SUFFIX: Final = ".failed.yaml"


@dataclass(frozen=True, slots=True)
class SaveGate:
    """Decides, when vcrpy saves, whether the recording may replace the cassette.

    `passed` is asked at save time (the scenario's teardown, after its outcome is known).
    `keep_failed` writes a failed recording to `failed_recording_path` instead of dropping it.
    `rerecord_command` and `root` make load errors name the command and a project-relative path.
    """

    passed: Callable[[], bool]
    keep_failed: bool = False
    rerecord_command: str | None = None
    root: Path | None = None


def failed_recording_path(cassette: Path) -> Path:
    """Where `--keep-failed` puts a failed recording: `<name>.failed.yaml` beside the cassette."""
    return cassette.with_name(cassette.name.removesuffix(".yaml") + FAILED_SUFFIX)


class _DeterministicYaml:
    """vcrpy serializer: sorted keys, readable UTF-8, the pure-Python emitter everywhere; read
    back with libyaml's safe loader."""

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
        """libyaml's safe loader where available: what `serialize` writes, and nothing that
        constructs Python objects (vcrpy's own loader allows a few; no cassette here has any)."""
        return yaml.load(cassette_string, Loader=_LOADER)  # noqa: S506  # a safe loader


class AtomicPersister:
    """A vcrpy persister that checks cassettes on load and replaces them atomically on save.

    With `rerecording`, an unreadable cassette counts as missing, so it can be recorded over;
    otherwise it is a `CassetteError` naming the file and line. With a `gate`, only a passing
    scenario's recording is saved; afterwards `withheld` says a recording was not saved and
    `failed_copy` where it was kept instead, if anywhere.

    pytest-recording deep-copies its configuration; the persister is shared, not copied, so the
    caller can read `withheld` and `failed_copy` after the cassette is closed, and must call
    `raise_save_error()` then.
    """

    def __init__(self, *, rerecording: bool = False, gate: SaveGate | None = None) -> None:
        self.rerecording = rerecording
        self.gate = gate
        self.withheld = False
        self.failed_copy: Path | None = None
        self.save_error: CassetteError | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> AtomicPersister:
        return self

    def load_cassette(self, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        not_found = compat.cassette_not_found()
        path = Path(cassette_path)
        if not path.is_file() or not path.read_bytes().strip():
            raise not_found()
        try:
            data = load_cassette_check(path, **self._context())
        except CassetteError:
            if self.rerecording:
                raise not_found() from None
            raise
        return compat.deserialize("", _Parsed(data))  # parsed once, by the check

    def save_cassette(
        self, cassette_path: str | os.PathLike[str], cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        path = Path(cassette_path)
        try:
            self._save(path, cassette_dict)
        except Exception as error:  # noqa: BLE001  # raised by raise_save_error, see the module
            self.save_error = self._save_failed(path, error)

    def raise_save_error(self) -> None:
        """Raise the failure of the last save, if it failed (after vcrpy closed the cassette)."""
        error, self.save_error = self.save_error, None
        if error is not None:
            raise error

    def _save(self, path: Path, cassette_dict: dict[str, Any]) -> None:
        data = compat.serialize(cassette_dict, _DeterministicYaml).encode("utf-8")
        if self.gate is None or self.gate.passed():
            write_atomically(path, data)
            return
        self.withheld = True
        if self.gate.keep_failed:
            self.failed_copy = failed_recording_path(path)
            write_atomically(self.failed_copy, data)

    def _save_failed(self, path: Path, error: Exception) -> CassetteError:
        shown = _shown(path, self.gate.root if self.gate else None)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        retry = self.gate.rerecord_command if self.gate and self.gate.rerecord_command else None
        failure = CassetteError(
            f"Could not write the cassette {shown}: {reason}.\n"
            "The new recording was not saved; the cassette on disk is as it was before.\n"
            "How to fix: make room on the disk or make the folder writable, then record again"
            + (f": {retry}" if retry else "."),
            cassette=shown,
        )
        failure.__cause__ = error
        return failure

    def _context(self) -> dict[str, Any]:
        if self.gate is None:
            return {}
        return {"root": self.gate.root, "rerecord_command": self.gate.rerecord_command}


class _Parsed:
    """A vcrpy serializer handing back a cassette that `load_cassette_check` already parsed."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def deserialize(self, cassette_string: str) -> dict[str, Any]:
        return self.data


def load_cassette_check(
    path: str | os.PathLike[str],
    *,
    root: Path | None = None,
    rerecord_command: str | None = None,
) -> dict[str, Any]:
    """Parse a cassette and check its shape; every problem is a CassetteError with file:line.

    With `root`, the file is named relative to it; with `rerecord_command`, the fix names it.
    """
    where = _shown(Path(path), root)

    def broken(at: str, problem: str, *, stale: bool = False) -> UnreadableCassette:
        return _broken(where, at, problem, stale=stale, command=rerecord_command)

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise broken("", "the file does not exist") from None
    except UnicodeDecodeError as exc:
        raise broken("", f"it is not UTF-8 text (byte {exc.start})") from None
    try:
        data = _DeterministicYaml.deserialize(text)  # libyaml's parser where available
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise broken(line, f"it is not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise broken("", f"it is not valid YAML: {exc}") from None
    if isinstance(data, list):
        raise broken("", "it is a list: a cassette from an old vcrpy version", stale=True)
    if not isinstance(data, dict) or "interactions" not in data:
        raise broken("", "it has no 'interactions': not a vcrpy cassette", stale=True)
    if data.get("version") != CASSETTE_VERSION:
        problem = f"its format version is {data.get('version')!r}, not {CASSETTE_VERSION}"
        raise broken("", problem, stale=True)
    interactions = data["interactions"]
    if not isinstance(interactions, list):
        raise broken("", "'interactions' is not a list", stale=True)
    for index, interaction in enumerate(interactions):
        missing = _interaction_problem(interaction)
        if missing:
            # Line numbers only for the message: the pure-Python composer is slow.
            lines = list(_interaction_lines(yaml.compose(text, Loader=yaml.SafeLoader)))
            line = f":{lines[index]}" if index < len(lines) else ""
            raise broken(line, f"interaction {index + 1} {missing}", stale=True)
    return data


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(root.resolve()).as_posix()
    return str(path)


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
    for key in ("method", "uri"):
        if not isinstance(request[key], str) or not request[key]:
            return f"has request.{key} {_value(request[key])}, where a string belongs"
    status = response.get("status")
    if not isinstance(status, dict) or not isinstance(status.get("code"), int):
        return "has no response.status.code"
    for where, part in (("request", request), ("response", response)):
        headers = part.get("headers", {})
        if not isinstance(headers, dict):
            return (
                f"has {where}.headers {_value(headers)}, where a mapping of names to values belongs"
            )
    if not isinstance(request.get("body"), str | bytes | None):
        return f"has request.body {_value(request['body'])}, where a string belongs"
    body = response.get("body")
    if not isinstance(body, dict) or "string" not in body:
        return "has no response.body.string"
    if not isinstance(body["string"], str | bytes):
        return f"has response.body.string {_value(body['string'])}, where a string belongs"
    return None


def _value(value: Any) -> str:
    """A wrong value as the message shows it: its YAML type and, when short, itself."""
    kinds = {type(None): "null", bool: "a boolean", int: "a number", float: "a number"}
    kind = kinds.get(type(value)) or ("a list" if isinstance(value, list) else "a mapping")
    if isinstance(value, str):
        kind = "a string"
    shown = repr(value)
    return kind if value is None or len(shown) > 40 else f"{kind} ({shown})"


def _interaction_lines(root: Any) -> Iterator[int]:
    if not isinstance(root, yaml.MappingNode):
        return
    for key, value in root.value:
        if key.value == "interactions" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                yield item.start_mark.line + 1


def _broken(
    where: str, at: str, problem: str, *, stale: bool, command: str | None
) -> UnreadableCassette:
    hint = (
        "re-record the scenario, which rewrites the cassette in the current format"
        if stale
        else "fix the file (a merge conflict?), or delete it and re-record the scenario"
    )
    fix = hint + (f": {command}" if command else ".")
    return UnreadableCassette(
        f"Cassette cannot be read\n\n  {where}{at}: {problem}\n\nHow to fix:\n  * {fix}",
        cassette=where,
    )


@dataclass(frozen=True, slots=True)
class Scalar:
    """One scalar of a YAML file as the reader sees it: escapes resolved, folded lines joined,
    `!!binary` decoded to bytes. `written` is whether the file spells it exactly as `value`
    (one line, no escapes), so a line-by-line reading of the file already sees it."""

    line: int  # 1-based, where it starts
    end_line: int
    column: int
    value: str | bytes
    written: bool


def scalars(text: str) -> Iterator[Scalar]:
    """Every scalar of a YAML document (keys too), in file order; none if it does not parse."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            yield _scalar(node, text)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack += [value, key]


def _scalar(node: yaml.ScalarNode, text: str) -> Scalar:
    start, end = node.start_mark, node.end_mark
    value: str | bytes = node.value
    if node.tag == _BINARY:
        with contextlib.suppress(binascii.Error, ValueError):
            value = base64.b64decode("".join(node.value.split()), validate=True)
    raw = text[start.index : end.index]
    quoted = raw[:1] in ("'", '"') and raw[1:-1] == value
    written = not isinstance(value, bytes) and (raw == value or quoted)
    return Scalar(start.line + 1, end.line + 1, start.column + 1, value, written)
