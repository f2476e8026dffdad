"""Fidelity of oneentry_sandbox to the official `oneentry` JS SDK (pinned in package.json).

The SDK runs with strict zod response validation (``validation.strictMode``), so any sandbox
response that breaks the SDK's schema comes back as the SDK's synthetic 422 and fails the
check. Node.js (>= 18) and npm are required: without them the tests fail, they do not skip.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from oneentry_sandbox import SandboxServer

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SDK_CACHE = REPO / ".cache" / "sdk-node"
SCRIPT = HERE / "sdk_check.mjs"
APP_TOKEN = "fidelity-token"
MIN_NODE_MAJOR = 18  # below 18 the SDK switches from fetch to the https module

EXPECTED_METHODS = frozenset(
    {
        # SEED000, guest purchase
        "guest:AuthProvider.auth",
        "guest:Orders.createOrder",
        "guest:Payments.createSession",
        "guest:Payments.getSessionByOrderId",
        "guest:fetch.updateSessionById",  # answers 404: no such route live (FIDELITY P5)
        "guest:provider.pay",  # the control API plays the payment gateway
        "guest:Payments.getSessionByOrderId(paid)",
        # SEED003, registered purchase
        "registered:AuthProvider.auth",
        "registered:Orders.createOrder",
        "registered:Payments.createSession",
        "registered:Payments.getSessionByOrderId",
        "registered:provider.pay",  # refunds need a paid order (FIDELITY R1)
        # the rest of the harness scope
        "Forms.getAllForms",
        "Forms.getFormByMarker(guest_order)",
        "Forms.getFormByMarker(order)",
        "AuthProvider.getAuthProviderByMarker",
        "AuthProvider.getAuthProviders",
        "Orders.getAllOrdersStorage",
        "Orders.getOrdersStorageByMarker",
        "Orders.getAllOrdersByMarker",
        "Orders.getOrderByMarkerAndId",
        "Orders.updateOrderByMarkerAndId",
        "Orders.previewOrder",
        "Orders.getAllStatusesByStorageMarker",
        "Orders.createRefundRequest",
        "Orders.getRefunds",
        "Orders.cancelRefundRequest",
        "Payments.getSessions",
        "Payments.getSessionById",
        "Payments.getAccounts",
        "Payments.getAccountById",
        "Products.getProductById",
        "AuthProvider.refresh",
        "auto-refresh-other-module:Orders.getOrderByMarkerAndId",
        "AuthProvider.signUp",
        "AuthProvider.logout",
        "auto-refresh:AuthProvider.logoutAll",
    }
)


# ------------------------------------------------------------------ node / SDK install


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not on PATH. The SDK fidelity test needs Node.js >= {MIN_NODE_MAJOR} "
            "and npm; install them (CI images have them) instead of skipping this test.",
            pytrace=False,
        )
    return path


def _installed_version(package_dir: Path) -> str | None:
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        return None
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    return version if isinstance(version, str) else None


def _wanted_versions(manifest: dict[str, Any]) -> dict[str, str]:
    """Exact versions package.json pins: the SDK itself and the overridden dependencies."""
    wanted: dict[str, str] = dict(manifest["dependencies"])
    wanted.update(manifest.get("overrides", {}))
    return wanted


def _install_is_current(cache: Path, manifest_text: str) -> bool:
    stamp = cache / ".installed-from-package.json"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != manifest_text:
        return False
    wanted = _wanted_versions(json.loads(manifest_text))
    return all(
        _installed_version(cache / "node_modules" / name) == version
        for name, version in wanted.items()
    )


@pytest.fixture(scope="session")
def node() -> str:
    node = _tool("node")
    out = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    major = int(out.lstrip("v").split(".")[0])
    if major < MIN_NODE_MAJOR:
        pytest.fail(f"Node.js {out} is too old; need >= {MIN_NODE_MAJOR}", pytrace=False)
    return node


@pytest.fixture(scope="session")
def sdk_dir(node: str) -> Path:
    """Install the pinned SDK once into SDK_CACHE (outside git) and reuse it afterwards."""
    npm = _tool("npm")
    manifest_text = (HERE / "package.json").read_text(encoding="utf-8")
    SDK_CACHE.mkdir(parents=True, exist_ok=True)
    with (SDK_CACHE / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers share the cache
        if not _install_is_current(SDK_CACHE, manifest_text):
            shutil.rmtree(SDK_CACHE / "node_modules", ignore_errors=True)
            (SDK_CACHE / "package.json").write_text(manifest_text, encoding="utf-8")
            started = time.monotonic()
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--no-package-lock"],
                cwd=SDK_CACHE,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(
                    f"npm install failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                    pytrace=False,
                )
            (SDK_CACHE / ".installed-from-package.json").write_text(manifest_text, encoding="utf-8")
            if not _install_is_current(SDK_CACHE, manifest_text):
                pytest.fail(
                    "npm install did not produce the pinned versions "
                    f"{_wanted_versions(json.loads(manifest_text))}",
                    pytrace=False,
                )
            print(f"installed the SDK into {SDK_CACHE} in {time.monotonic() - started:.1f}s")
    return SDK_CACHE


# ------------------------------------------------------------------ running the check


@dataclass(frozen=True)
class CheckRun:
    returncode: int
    calls: dict[str, dict[str, Any]]
    duplicates: list[str]
    summary: dict[str, Any] | None
    stdout: str
    stderr: str

    def failures(self) -> dict[str, Any]:
        return {name: call["detail"] for name, call in self.calls.items() if not call["ok"]}

    def report(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_check(node: str, sdk_dir: Path, base_url: str) -> CheckRun:
    env = {
        **os.environ,
        "SANDBOX_URL": base_url,
        "APP_TOKEN": APP_TOKEN,
        "ONEENTRY_SDK_DIR": str(sdk_dir),
    }
    done = subprocess.run(
        [node, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    calls: dict[str, dict[str, Any]] = {}
    duplicates: list[str] = []
    summary: dict[str, Any] | None = None
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "method" in record:
            if record["method"] in calls:
                duplicates.append(record["method"])
            calls[record["method"]] = record
        elif "summary" in record:
            summary = record["summary"]
    return CheckRun(done.returncode, calls, duplicates, summary, done.stdout, done.stderr)


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with SandboxServer(app_token=APP_TOKEN, deterministic=False) as sandbox:
        yield sandbox.base_url


def test_sdk_accepts_every_sandbox_response(node: str, sdk_dir: Path, sandbox_url: str) -> None:
    run = run_check(node, sdk_dir, sandbox_url)

    assert run.returncode == 0, f"SDK calls failed: {run.failures()}\n{run.report()}"
    assert not run.duplicates, run.report()
    assert set(run.calls) == EXPECTED_METHODS, (
        f"missing: {sorted(EXPECTED_METHODS - set(run.calls))}, "
        f"unexpected: {sorted(set(run.calls) - EXPECTED_METHODS)}\n{run.report()}"
    )
    assert run.failures() == {}, run.report()
    assert run.summary is not None, run.report()
    assert run.summary["sdkVersion"] == "1.0.149"
    assert run.summary["failed"] == []


# ------------------------------------------------------------------ the check can fail

Mutation = Callable[[Any], Any]


def _drop_key(key: str) -> Mutation:
    def mutate(body: Any) -> Any:
        items = body if isinstance(body, list) else [body]
        for item in items:
            item.pop(key, None)
        return body

    return mutate


@contextmanager
def mutating_proxy(upstream: str, method: str, path: str, mutate: Mutation) -> Iterator[str]:
    """Forward everything to `upstream`; rewrite the JSON answer of one method + path."""
    target = urlsplit(upstream)
    assert target.hostname is not None
    host, port = target.hostname, target.port or 80
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in {"host", "content-length", "connection"}
            }
            conn = http.client.HTTPConnection(host, port, timeout=30)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                payload = answer.read()
                status, answer_headers = answer.status, answer.getheaders()
            finally:
                conn.close()
            if self.command == method and urlsplit(self.path).path == path and status < 300:
                payload = json.dumps(mutate(json.loads(payload))).encode()
                hits.append(self.path)
            self.send_response(status)
            for name, value in answer_headers:
                if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert hits, f"the proxy never saw {method} {path}"


@pytest.mark.parametrize(
    ("http_method", "path", "field", "broken_method", "checked_by"),
    [
        # validated by the SDK itself: strict mode turns the answer into a synthetic 422
        ("GET", "/api/content/payments/accounts", "updatedDate", "Payments.getAccounts", "sdk"),
        (
            "POST",
            "/api/content/orders-storage/marker/orders/orders",
            "totalSum",
            "registered:Orders.createOrder",
            "sdk",
        ),
        # not validated by the SDK; the script parses the wire JSON with the SDK's own schema
        (
            "GET",
            "/api/content/payments/accounts/1",
            "updatedDate",
            "Payments.getAccountById",
            "wire",
        ),
    ],
)
def test_a_response_breaking_the_sdk_schema_is_reported(
    node: str,
    sdk_dir: Path,
    sandbox_url: str,
    http_method: str,
    path: str,
    field: str,
    broken_method: str,
    checked_by: str,
) -> None:
    """Drop a field the SDK schema requires from one sandbox answer: that call is reported."""
    with mutating_proxy(sandbox_url, http_method, path, _drop_key(field)) as url:
        run = run_check(node, sdk_dir, url)

    assert run.returncode == 1, run.report()
    assert set(run.calls) == EXPECTED_METHODS, run.report()
    failures = run.failures()
    # the broken call is the first failure; later calls fail only if they needed its result
    assert next(iter(failures)) == broken_method, run.report()
    assert all("notRun" in detail for detail in list(failures.values())[1:]), run.report()
    detail = failures[broken_method]
    if checked_by == "sdk":
        assert detail["statusCode"] == 422, run.report()
        assert detail["message"] == "Response validation failed", run.report()
        issues = detail["validationErrors"]
    else:
        assert detail["problem"]["check"].startswith("wire:"), run.report()
        issues = detail["problem"]["issues"]
    assert any(field in issue["path"] for issue in issues), run.report()
