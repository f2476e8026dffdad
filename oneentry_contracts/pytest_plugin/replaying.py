"""The replay's fixtures: the session's transport and each scenario's cassette (a plugin module
that `plugin.py` registers).

A replay does not go through vcrpy: the session's `httpx.Client` (`oneentry_http`) is built on
`oneentry_replay_transport`, and `oneentry_api` puts the scenario's `oneentry_tape` in it for
the length of the scenario (`recording/replay.py`). The benchmark's floor overrides
`oneentry_tape` with answers kept in memory (`bench/floor_conftest.py`).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from oneentry_contracts.config.settings import Config
from oneentry_contracts.errors import CassetteError
from oneentry_contracts.pytest_plugin.plugin import Mode, rerecord_command
from oneentry_contracts.recording.replay import ReplayTransport, Tape
from oneentry_contracts.recording.scrub import Scrubber

__all__ = ["oneentry_replay_transport", "oneentry_tape"]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Take everything alive after collection out of the garbage collector's sight.

    The modules, plugins, steps, schemas and collected items of a run live until it ends, yet
    every full collection walked them all again: several per run, three more at its end
    (pytest's unraisable-exception check), in every xdist worker, about a third of a
    replay's time. Frozen (`gc.freeze`), they are never collected, and they were never going
    to be; whatever the scenarios create is collected as before.
    """
    gc.freeze()


@pytest.fixture(scope="session")
def oneentry_replay_transport(oneentry_mode: Mode) -> ReplayTransport | None:
    """In a replay, the transport that answers from each scenario's cassette (`oneentry_tape`)."""
    return ReplayTransport() if oneentry_mode == "replay" else None


def _scrubs_what_is_sent(config: Config) -> bool:
    """A [scrub] list may scrub what the scenarios send (form data): a replay must then scrub
    the request too, to match its recording. Otherwise the cassettes hold placeholders, and so
    do the requests, and scrubbing again would change nothing."""
    return bool(
        config.scrub_values or config.scrub_env or config.scrub_patterns or config.scrub_keys
    )


@pytest.fixture
def oneentry_tape(
    request: pytest.FixtureRequest,
    oneentry_mode: Mode,
    oneentry_config: Config,
    vcr_cassette_dir: str,
    default_cassette_name: str,
    oneentry_scrubber: Scrubber,
) -> Tape | None:
    """In a replay, the scenario's cassette, parsed (a missing one is a CassetteError)."""
    if oneentry_mode != "replay":
        return None
    cassette_path = Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml"
    shown = str(cassette_path.relative_to(request.config.rootpath))
    command = rerecord_command(request.node)
    if not cassette_path.is_file():
        raise CassetteError(
            f"No cassette for this scenario: {shown}\n"
            f"How to fix:\n  - record it against the sandbox: {command}",
            cassette=shown,
        )
    scrubber = oneentry_scrubber if _scrubs_what_is_sent(oneentry_config) else None
    return Tape.load(
        cassette_path,
        shown=shown,
        rerecord_command=command,
        root=request.config.rootpath,
        scrubber=scrubber,
    )
