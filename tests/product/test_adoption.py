"""A shop adopts the installed package (issue 14's "done when").

The wheel of this checkout goes into a fresh virtual environment outside the repository, and
everything runs there with that environment's commands, never this repository's code:

1. the first shop installs the package alone: `init` scaffolds its project, and recording says
   how to get the sandbox; with `[sandbox]` it records, and without the extra again (starlette
   and uvicorn uninstalled) it replays with `run`, `run -n 2`, a `run --splits` shard, plain
   `pytest` and `check-forms` from the cassettes; `check-forms --url` asks a started
   `oneentry-sandbox`;
2. a second shop has its own sandbox project file (another form, storage, account, products,
   currency; no guest) and a feature written only from the standard steps' sentences (each
   matches a sentence of `oneentry-contracts steps`): it
   records against its own sandbox, replays offline and checks its forms.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import parse  # type: ignore[import-untyped]
import pytest

from tests.product.conftest import Venv

APP_TOKEN = "shop-sandbox-token"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, constraints: Path, wheel: Path) -> Venv:
    """One environment for the module, with the package alone (no extra)."""
    env = Venv(tmp_path_factory.mktemp("venv") / "venv", constraints)
    env.install(str(wheel))
    return env


def _ok(done: subprocess.CompletedProcess[str], what: str) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{what} exited {done.returncode}:\n{output[-6000:]}"
    assert "Traceback" not in output, output[-6000:]
    return output


def _not_in_catalogue(feature: str, catalogue: str) -> list[str]:
    """The feature's step lines that no sentence of `oneentry-contracts steps` matches."""
    domains = json.loads(catalogue)["domains"]
    sentences = [parse.compile(s["sentence"]) for steps in domains.values() for s in steps]
    steps, inside = [], False  # step lines follow a Background: or Scenario line
    for line in (text.strip() for text in feature.splitlines()):
        inside = inside or line.startswith(("Background:", "Scenario"))
        word, _, rest = line.partition(" ")
        if inside and word in ("Given", "When", "Then", "And", "But"):
            steps.append(rest)
    return [step for step in steps if not any(s.parse(step) for s in sentences)]


@contextmanager
def _sandbox(venv: Venv, cwd: Path, project: str | None = None) -> Iterator[str]:
    """`oneentry-sandbox` from the venv on a free loopback port; its URL."""
    command = [str(venv.bin / "oneentry-sandbox"), "--port", "0", "--app-token", APP_TOKEN]
    command += ["--config", project] if project else []
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=venv.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None

    def read() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            line = ""
        assert line.startswith("oneentry-sandbox serving "), f"no sandbox started: {line!r}"
        yield line.removeprefix("oneentry-sandbox serving ").strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        stdout.close()


def test_a_shop_adopts_the_package_with_init(venv: Venv, wheel: Path, tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    assert not venv.python_can_import("starlette")
    written = _ok(venv.run("oneentry-contracts", "init", cwd=shop), "init")
    assert "features/guest_purchase.feature" in written
    catalogue = _ok(venv.run("oneentry-contracts", "steps", "--format", "json", cwd=shop), "steps")
    for feature in shop.glob("features/*.feature"):  # standard steps only, no @sandbox ones
        assert _not_in_catalogue(feature.read_text("utf-8"), catalogue) == [], feature.name
    refused = venv.run("oneentry-contracts", "run", "--record", cwd=shop)
    assert refused.returncode == 2
    assert "pip install 'oneentry-contracts[sandbox]'" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert not (shop / "cassettes").exists()

    venv.install(f"{wheel}[sandbox]")
    recorded = _ok(venv.run("oneentry-contracts", "run", "--record", cwd=shop), "run --record")
    assert "re-recorded 9 cassette(s) (9 new)" in recorded
    cassettes = sorted(p.relative_to(shop).as_posix() for p in shop.glob("cassettes/*/*.yaml"))
    assert len(cassettes) == 9
    assert "cassettes/guest_purchase/a_guest_buys_1_classic_t_shirt_and_pays_by_cash.yaml" in (
        cassettes
    )

    venv.uninstall("starlette", "uvicorn")  # replay needs none of the sandbox extra
    assert not venv.python_can_import("uvicorn")
    replayed = _ok(venv.run("oneentry-contracts", "run", cwd=shop), "run")
    assert re.search(r"│ total +│ +9 │ +0 │", replayed), replayed[-3000:]  # 9 passed, 0 failed
    _ok(venv.run("oneentry-contracts", "run", "-n", "2", cwd=shop), "run -n 2")
    _ok(venv.run("oneentry-contracts", "run", "--store-durations", cwd=shop), "--store-durations")
    half = _ok(venv.run("oneentry-contracts", "run", "--splits", "2", "--group", "1", cwd=shop), "")
    shard = re.search(r"│ total +│ +(\d+) │ +0 │", half)
    assert shard, half[-3000:]
    assert 0 < int(shard[1]) < 9  # a shard of the nine scenarios
    tests = _ok(venv.run("pytest", "-q", cwd=shop), "pytest")
    assert "9 passed" in tests.strip().splitlines()[-1]
    _ok(venv.run("oneentry-contracts", "audit-cassettes", cwd=shop), "audit-cassettes")
    offline = _ok(venv.run("oneentry-contracts", "check-forms", cwd=shop), "check-forms")
    assert "0 error(s)" in offline

    venv.install(f"{wheel}[sandbox]")
    with _sandbox(venv, shop) as url:
        asked = venv.run(
            "oneentry-contracts",
            *("check-forms", "--url", url, "--app-token", APP_TOKEN),
            *("--login", "your-user@email.com", "--password", "123456"),
            cwd=shop,
        )
    assert "0 error(s)" in _ok(asked, "check-forms --url")


SHOP_PROJECT = """\
# The poster shop's sandbox: one customer, a checkout form, one storage, card payments, euros.
name: poster-shop
currency: EUR
secret: poster-shop-local-signing-key
auth_providers:
  - {id: 1, identifier: email, type: email, form: sign_in, user_group: customers, title: E-mail}
users:
  - {id: 3, provider: email, login: anna@poster-shop.test, password: "poster-pass-1",
     form_data: []}
forms:
  - id: 1
    identifier: sign_in
    type: sing_in_up
    title: Sign in
    attributes:
      - {marker: email_reg, type: string, title: E-mail, position: 1, required: true,
         email: true, is_login: true}
      - {marker: password_reg, type: string, title: Password, position: 2, required: true,
         is_password: true}
  - id: 2
    identifier: checkout
    type: order
    title: Checkout
    attributes:
      - {marker: full_name, type: string, title: Full name, position: 1, required: true}
      - {marker: phone, type: string, title: Phone, position: 2, required: true}
      - {marker: gift_note, type: string, title: Gift note, position: 3}
storages:
  - id: 7
    identifier: web_orders
    title: Web orders
    form: checkout
    payment_accounts: [card]
    statuses:
      - {id: 1, identifier: new, title: New, position: 1, is_default: true}
      - {id: 2, identifier: shipped, title: Shipped, position: 2, is_completed: true}
payment_accounts:
  - {id: 4, identifier: card, type: stripe, title: Card}
products:
  - {id: 501, title: Mug, price: 12, categories: [shop]}
  - {id: 502, title: Poster, price: 30, categories: [shop]}
"""

SHOP_CONFIG = """\
# The poster shop: its own sandbox project, a registered customer, no guest checkout.
[sandbox]
project = "shop.yaml"

[users.guest]
sandbox_login = ""

[users.registered]
sandbox_login = "anna@poster-shop.test"

[catalog]
"Mug" = 501
"Poster" = 502
"""

# Only sentences of the standard steps (oneentry_contracts/steps/*.py).
SHOP_FEATURE = """\
@registered @purchase
Feature: Checkout at the poster shop

  Background:
    Given the shop is signed in as the registered user

  Scenario: A customer buys two mugs and a poster by card
    Given the shopper fills in the order form "checkout" with:
      | marker    | type   |
      | full_name | string |
      | phone     | string |
    And the cart holds:
      | product | quantity |
      | Mug     | 2        |
      | Poster  | 1        |
    When the shopper places the order in storage "web_orders" paying by "card"
    Then the order is created with the cart at catalogue prices
    When the shopper previews the cart
    Then the preview's total is the order's total
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the shopper reads the order back
    Then the order read back matches the order created

  Scenario: The storage takes the checkout form and card payments
    When the shop looks up the storage "web_orders"
    Then the storage "web_orders" takes the form "checkout" and the payment accounts "card"

  @forms
  Scenario: The forms fit what the checkout sends
    When the shop reads the configuration of every form the scenarios send
    Then every field the scenarios send is in its form with the same type
    And every required field of the forms is sent
    And every storage takes its scenarios' form and payment accounts
    And the sign-in form has the login and password fields the shop sends
"""


def test_a_second_shop_with_its_own_sandbox(venv: Venv, wheel: Path, tmp_path: Path) -> None:
    venv.install(f"{wheel}[sandbox]")
    shop = tmp_path / "poster-shop"
    (shop / "features").mkdir(parents=True)
    (shop / "shop.yaml").write_text(SHOP_PROJECT, encoding="utf-8")
    (shop / "oneentry-contracts.toml").write_text(SHOP_CONFIG, encoding="utf-8")
    (shop / "features" / "checkout.feature").write_text(SHOP_FEATURE, encoding="utf-8")
    binding = 'from pytest_bdd import scenarios\n\nscenarios(".")\n'
    (shop / "features" / "test_checkout.py").write_text(binding, encoding="utf-8")

    catalogue = _ok(venv.run("oneentry-contracts", "steps", "--format", "json", cwd=shop), "steps")
    assert _not_in_catalogue(SHOP_FEATURE, catalogue) == []
    assert _not_in_catalogue("Scenario: x\nWhen the shop marks the order as gone", catalogue)
    recorded = _ok(venv.run("oneentry-contracts", "run", "--record", cwd=shop), "run --record")
    assert "re-recorded 3 cassette(s) (3 new)" in recorded
    purchase = shop / "cassettes/checkout/a_customer_buys_two_mugs_and_a_poster_by_card.yaml"
    text = purchase.read_text("utf-8")
    assert '"currency":"EUR"' in text  # the shop's own sandbox answered, not the bundled one
    assert "anna@poster-shop.test" not in text  # the login is scrubbed

    replayed = _ok(venv.run("oneentry-contracts", "run", cwd=shop), "run")
    assert re.search(r"│ total +│ +3 │ +0 │", replayed), replayed[-3000:]
    assert purchase.read_text("utf-8") == text  # replay rewrote nothing
    _ok(venv.run("oneentry-contracts", "audit-cassettes", cwd=shop), "audit-cassettes")
    offline = _ok(venv.run("oneentry-contracts", "check-forms", cwd=shop), "check-forms")
    assert "0 error(s)" in offline
    with _sandbox(venv, shop, "shop.yaml") as url:
        asked = venv.run(
            "oneentry-contracts",
            *("check-forms", "--url", url, "--app-token", APP_TOKEN),
            *("--login", "anna@poster-shop.test", "--password", "poster-pass-1"),
            cwd=shop,
        )
    assert "0 error(s)" in _ok(asked, "check-forms --url")
