"""The floor (copied into a scratch harness project as features/conftest.py by bench.suites).

The harness's replay with the cassettes taken out of the loop: every cassette of the suite is
parsed before the first test, and each scenario's answers are handed out in recorded order,
with no matching and no check that they were all used. Everything else is the harness's own:
the same pytest-bdd steps, fixtures, schema checks and plugin hooks. What the harness costs
beyond this is what replaying a cassette costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover: PyYAML without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

Answer = tuple[int, list[tuple[str, str]], bytes]
ANSWERS: dict[str, list[Answer]] = {}


def _answers(path: Path) -> list[Answer]:
    data = yaml.load(path.read_text("utf-8"), Loader=Loader)  # the safe loader
    answers = []
    for interaction in data["interactions"]:
        response: dict[str, Any] = interaction["response"]
        body = response["body"]["string"]
        headers = [(name, v) for name, values in response["headers"].items() for v in values]
        answers.append(
            (response["status"]["code"], headers, body.encode() if isinstance(body, str) else body)
        )
    return answers


def pytest_collection_finish(session: pytest.Session) -> None:
    for path in (session.config.rootpath / "cassettes").rglob("*.yaml"):
        ANSWERS[path.stem] = _answers(path)


class MemoryTape:
    """A scenario's answers, in recorded order, whatever is asked."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = iter(answers)

    def play(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = next(self.answers)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def check_all_played(self) -> None:
        pass


@pytest.fixture
def oneentry_tape(default_cassette_name: str) -> MemoryTape:
    return MemoryTape(ANSWERS[default_cassette_name])
