"""The sandbox under load: N concurrent clients creating orders and payment sessions.

Loopback only, bounded in time (`duration_s`) and in count (`max_per_client` creations per
client). Every client signs up its own user, then loops: create an order, open a payment
session for it. Afterwards each client reads back every order and session it created and
its order list. The result holds every created id, every one that could not be read back,
the request rate and the latency percentiles of the creations.

    uv run python -m bench.load --seconds 20 --clients 8
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

__all__ = ["ClientRun", "LoadResult", "main", "run_load"]

AUTH: Final = "/api/content/users-auth-providers/marker/email/users"
ORDERS: Final = "/api/content/orders-storage/marker/orders/orders"
SESSIONS: Final = "/api/content/payments/sessions"
DEVICE: Final = (
    '{"fingerprint":"UQ_loadtest","deviceInfo":{"os":"Node.js","browser":"Node.js/loadtest",'
    '"location":"en-US"}}'
)
MAX_PER_CLIENT: Final = 20_000


@dataclass(slots=True)
class ClientRun:
    """What one client did: ids created, latencies (s), failures, ids it could not read back."""

    login: str
    orders: list[int] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    listed_total: int = -1
    deadline: float = 0.0


@dataclass(frozen=True, slots=True)
class LoadResult:
    clients: tuple[ClientRun, ...]
    seconds: float

    @property
    def orders(self) -> list[int]:
        return [i for c in self.clients for i in c.orders]

    @property
    def sessions(self) -> list[int]:
        return [i for c in self.clients for i in c.sessions]

    @property
    def requests(self) -> int:
        return sum(len(c.latencies) for c in self.clients)

    @property
    def errors(self) -> list[str]:
        return [e for c in self.clients for e in c.errors]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, p: int) -> float:
        latencies = [x for c in self.clients for x in c.latencies]
        if len(latencies) < 2:
            return 1000 * (latencies[0] if latencies else 0.0)
        return 1000 * statistics.quantiles(latencies, n=100, method="inclusive")[p - 1]

    def line(self) -> str:
        return (
            f"{len(self.clients)} clients, {self.seconds:.1f} s: {self.requests} creations "
            f"({len(self.orders)} orders, {len(self.sessions)} sessions), "
            f"{self.rps:.0f} requests/s, p50 {self.percentile_ms(50):.1f} ms, "
            f"p99 {self.percentile_ms(99):.1f} ms, {len(self.errors)} errors"
        )


def _client(base_url: str, app_token: str) -> httpx.Client:
    headers = {"x-app-token": app_token, "x-device-metadata": DEVICE}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30.0)


def _sign_up_and_in(http: httpx.Client, login: str) -> None:
    auth = [{"marker": "email_reg", "value": login}, {"marker": "password_reg", "value": "pw"}]
    body = {
        "formIdentifier": "reg",
        "langCode": "en_US",
        "authData": auth,
        "formData": {"en_US": []},
        "notificationData": {"email": login, "phonePush": []},
    }
    http.post(AUTH + "/sign-up", json=body).raise_for_status()
    answer = http.post(AUTH + "/auth", json={"authData": auth})
    answer.raise_for_status()
    http.headers["Authorization"] = f"Bearer {answer.json()['accessToken']}"


def _order_body(number: int) -> dict[str, Any]:
    return {
        "formIdentifier": "order",
        "paymentAccountIdentifier": "cash",
        "formData": {"en_US": [{"marker": "name", "type": "string", "value": f"n{number}"}]},
        "products": [{"productId": 14, "quantity": 1 + number % 3}],
    }


def _create(http: httpx.Client, run: ClientRun, path: str, body: Any) -> int | None:
    started = time.perf_counter()
    try:
        answer = http.post(path, json=body)
    except httpx.HTTPError as exc:
        run.errors.append(f"POST {path}: {type(exc).__name__}: {exc}")
        return None
    run.latencies.append(time.perf_counter() - started)
    if answer.status_code not in (200, 201):
        run.errors.append(f"POST {path}: {answer.status_code} {answer.text[:200]}")
        return None
    created: int = answer.json()["id"]
    return created


def _drive(
    base_url: str, app_token: str, run: ClientRun, start: threading.Barrier, limit: int
) -> None:
    """Sign up and in, wait for every client to be ready, then create until the deadline."""
    with _client(base_url, app_token) as http:
        try:
            _sign_up_and_in(http, run.login)
        except BaseException:
            start.abort()  # the others stop waiting; this error is the run's
            raise
        start.wait()
        deadline = run.deadline
        number = 0
        while time.monotonic() < deadline and number < limit:
            number += 1
            order_id = _create(http, run, ORDERS, _order_body(number))
            if order_id is None:
                continue
            run.orders.append(order_id)
            session = {"orderId": order_id, "type": "session", "automaticTaxEnabled": False}
            session_id = _create(http, run, SESSIONS, session)
            if session_id is not None:
                run.sessions.append(session_id)


def _verify(base_url: str, app_token: str, run: ClientRun) -> None:
    """Read back every order and session this client created, and its order list's total."""
    with _client(base_url, app_token) as http:
        auth = [
            {"marker": "email_reg", "value": run.login},
            {"marker": "password_reg", "value": "pw"},
        ]
        token = http.post(AUTH + "/auth", json={"authData": auth}).json()["accessToken"]
        http.headers["Authorization"] = f"Bearer {token}"
        for order_id in run.orders:
            answer = http.get(f"{ORDERS}/{order_id}")
            if answer.status_code != 200 or answer.json().get("id") != order_id:
                run.unreadable.append(f"order {order_id}: {answer.status_code}")
        for session_id in run.sessions:
            answer = http.get(f"{SESSIONS}/{session_id}")
            if answer.status_code != 200 or answer.json().get("id") != session_id:
                run.unreadable.append(f"session {session_id}: {answer.status_code}")
        listing = http.get(ORDERS, params={"limit": len(run.orders) + 10})
        run.listed_total = int(listing.json()["total"]) if listing.status_code == 200 else -1


def run_load(
    base_url: str,
    app_token: str,
    *,
    clients: int = 8,
    seconds: float = 20.0,
    max_per_client: int = MAX_PER_CLIENT,
    prefix: str = "load",
) -> LoadResult:
    """Drive a running sandbox at `base_url` (loopback) with `clients` concurrent clients."""
    runs = tuple(ClientRun(f"{prefix}{i}@example.test") for i in range(clients))

    def set_deadline() -> None:  # run by one thread as the barrier opens, before any starts
        now = time.monotonic()
        for run in runs:
            run.deadline = now + seconds
        began[0] = now

    began = [0.0]
    start = threading.Barrier(clients + 1, action=set_deadline, timeout=60)
    with ThreadPoolExecutor(clients) as pool:
        futures = [
            pool.submit(_drive, base_url, app_token, run, start, max_per_client) for run in runs
        ]
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait()  # broken: a client could not sign in; its future raises why, below
        for future in futures:
            future.result()
        elapsed = time.monotonic() - began[0]
        for future in [pool.submit(_verify, base_url, app_token, run) for run in runs]:
            future.result()
    return LoadResult(runs, elapsed)


def main(argv: Sequence[str] | None = None) -> int:
    from oneentry_sandbox import SandboxServer

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    with SandboxServer(app_token="load-app-token") as sandbox:
        result = run_load(
            sandbox.base_url, sandbox.app_token, clients=args.clients, seconds=args.seconds
        )
        state = sandbox.state.summary()
    print(result.line())
    print(f"sandbox state: {state['orders']} orders, {state['sessions']} sessions")
    lost = len(result.orders) != state["orders"] or len(result.sessions) != state["sessions"]
    return 1 if lost or result.errors or any(c.unreadable for c in result.clients) else 0


if __name__ == "__main__":
    sys.exit(main())
