"""The baseline's fixtures (copied into the scratch project as conftest.py by bench.suites).

Plain pytest: one httpx client, the harness's compiled schemas, and one vcrpy cassette per
test. With BENCH_RECORD=1 the cassettes are recorded against a deterministic sandbox on a free
loopback port, reset before each test; otherwise they are replayed and nothing is sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import vcr  # type: ignore[import-untyped]

from oneentry_contracts.schemas.store import SchemaStore

HERE = Path(__file__).resolve().parent
RECORD = os.environ.get("BENCH_RECORD") == "1"
REPLAY_URL = "http://127.0.0.1:9"  # never contacted: vcrpy answers, matching on path and body
CASSETTES = vcr.VCR(
    record_mode="all" if RECORD else "none",
    match_on=("method", "path", "query", "body"),
    decode_compressed_response=True,
)


@pytest.fixture(scope="session")
def schemas() -> SchemaStore:
    return SchemaStore.for_project(HERE)


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    if not RECORD:
        yield None
        return
    from oneentry_sandbox import SandboxServer  # recording only

    with SandboxServer(app_token="sandbox-app-token", deterministic=True) as server:
        yield server


@pytest.fixture
def base_url(sandbox: object, http: httpx.Client) -> str:
    if sandbox is None:
        return REPLAY_URL
    url = str(getattr(sandbox, "base_url"))  # noqa: B009
    http.post(f"{url}/__sandbox/reset").raise_for_status()
    return url


@pytest.fixture
def cassette(request: pytest.FixtureRequest, base_url: str) -> Iterator[object]:
    number = request.node.callspec.params["row"]["n"]
    with CASSETTES.use_cassette(str(HERE / "cassettes" / f"purchase_{number}.yaml")) as tape:
        yield tape
    if not RECORD:
        assert tape.all_played, f"cassette purchase_{number}.yaml was not fully used"
