"""The sandbox under load: 8 concurrent clients creating orders and sessions for 5 s.

Loopback only, bounded in time and count (bench/load.py). Speed is printed, never asserted;
what is asserted is that nothing is lost or duplicated. Five seconds are some 3 000 creations
from eight threads at once, plenty for a lost or doubled id to show; the benchmark runs the
same load for 20 s (`python -m bench`), where the numbers are the point. (At 20 s here, this
test was a tenth of the suite's CPU time.)
"""

from __future__ import annotations

import pytest

from bench.load import run_load
from oneentry_sandbox import SandboxServer

CLIENTS, SECONDS = 8, 5.0


def test_eight_clients_for_five_seconds_lose_and_duplicate_nothing(
    sb: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_load(sb.base_url, sb.app_token, clients=CLIENTS, seconds=SECONDS)
    with capsys.disabled():
        print(f"\nsandbox load: {result.line()}")
    assert result.errors == []
    orders, sessions = result.orders, result.sessions
    assert orders, "no order was created"
    assert len(sessions) == len(orders), "every created order gets one session"
    assert len(set(orders)) == len(orders), "an order id was handed out twice"
    assert len(set(sessions)) == len(sessions), "a session id was handed out twice"
    with sb.state.lock:
        assert set(sb.state.orders) == set(orders)
        assert set(sb.state.sessions) == set(sessions)
        assert all(sb.state.sessions[s].order_id in sb.state.orders for s in sessions)
    for client in result.clients:
        assert client.unreadable == [], client.login
        assert client.listed_total == len(client.orders), client.login
