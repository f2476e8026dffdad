"""Generating the benchmark's suites: N examples of the guest purchase, in scratch projects.

`harness_project` copies what `oneentry-contracts run` needs (steps, schemas, config, the root
conftest) into a scratch folder and writes one feature whose Examples table has N rows; every
example makes the seven exchanges of `features/guest_purchase.feature` (sign in, read a product,
create the order, open the payment session, the provider completes it through the sandbox's
control API, find the session, read the order back).

`floor_project` is a harness project whose answers come from memory (`floor_conftest.py`).
`baseline_project` writes the same N purchases as plain pytest tests (no Gherkin, no harness
plugin): httpx under vcrpy, bodies checked with the harness's compiled `SchemaStore`.
`noop_project` is the same feature with every step a no-op, run by pytest-bdd alone.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from oneentry_contracts.recording.naming import slug

__all__ = [
    "BASELINE_ROWS",
    "PRODUCTS",
    "ROOT",
    "Row",
    "baseline_project",
    "cassette_name",
    "feature_text",
    "floor_project",
    "harness_project",
    "noop_project",
    "rows",
]

ROOT: Final = Path(__file__).resolve().parent.parent
HERE: Final = Path(__file__).resolve().parent
# The sandbox's catalogue (oneentry_sandbox/default_project.yaml), as oneentry-contracts.toml
# maps the feature's product names to ids.
PRODUCTS: Final = (
    ("Classic T-shirt", 1),
    ("Cosmo", 2957),
    ("Gift card", 10),
    ("Box", 2954),
    ("Desk lamp", 14),
)
ACCOUNTS: Final = ("cash", "stripe")
BASELINE_ROWS: Final = "rows.json"
_COPIED: Final = ("steps", "schemas", "conftest.py", "pyproject.toml", "oneentry-contracts.toml")

FEATURE: Final = """\
@guest @purchase
Feature: Bench purchase
  The guest purchase of features/guest_purchase.feature, once per row of the Examples table.

  Background:
    Given the shop is signed in as the guest user

  @sandbox
  Scenario Outline: Purchase <n>: a guest buys <quantity> × <product> and pays by <account>
    Given the shopper fills in the order form "guest_order" with:
      | marker      | type   |
      | guest_name  | string |
      | guest_phone | string |
      | guest_email | string |
    And the cart holds:
      | product   | quantity   |
      | <product> | <quantity> |
    When the shopper places the order in storage "guest_orders" paying by "<account>"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the payment provider completes the payment session
    And the shop looks up the payment session by the order
    Then it finds the same payment session with status "completed"
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is paid, with status "paid_for"

    Examples:
      | n | account | product | quantity |
"""


@dataclass(frozen=True, slots=True)
class Row:
    """One example: purchase number `n` of `quantity` x `product` paid by `account`."""

    n: int
    account: str
    product: str
    product_id: int
    quantity: int

    @property
    def title(self) -> str:
        return (
            f"Purchase {self.n}: a guest buys {self.quantity} × {self.product} "
            f"and pays by {self.account}"
        )


def rows(count: int) -> list[Row]:
    """The first `count` examples; a suite of N is a prefix of any larger one."""
    return [
        Row(
            n,
            ACCOUNTS[n % len(ACCOUNTS)],
            PRODUCTS[n % len(PRODUCTS)][0],
            PRODUCTS[n % len(PRODUCTS)][1],
            1 + n % 4,
        )
        for n in range(1, count + 1)
    ]


def cassette_name(row: Row) -> str:
    """The harness's cassette file name of an example (its rendered title, slugged)."""
    return slug(row.title) + ".yaml"


def feature_text(count: int) -> str:
    lines = [f"      | {r.n} | {r.account} | {r.product} | {r.quantity} |" for r in rows(count)]
    return FEATURE + "\n".join(lines) + "\n"


def harness_project(target: Path, count: int, cassettes_from: Path | None = None) -> Path:
    """A scratch project with the N-example feature; cassettes copied from a larger suite."""
    target.mkdir(parents=True)
    for part in _COPIED:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    features = target / "features"
    features.mkdir()
    shutil.copy2(ROOT / "features" / "test_features.py", features / "test_features.py")
    (features / "bench_purchase.feature").write_text(feature_text(count), encoding="utf-8")
    cassettes = target / "cassettes" / "bench_purchase"
    cassettes.mkdir(parents=True)
    if cassettes_from is not None:
        for row in rows(count):
            shutil.copy2(cassettes_from / cassette_name(row), cassettes / cassette_name(row))
    return target


def floor_project(target: Path, count: int, cassettes_from: Path) -> Path:
    """The harness project with its answers served from memory (bench/floor_conftest.py)."""
    harness_project(target, count, cassettes_from)
    shutil.copy2(HERE / "floor_conftest.py", target / "features" / "conftest.py")
    return target


NOOP_STEPS: Final = """\
\"\"\"Every step of the bench feature matched by a no-op (bench/suites.py, `noop_project`).\"\"\"

from pytest_bdd import given, parsers, scenarios, then, when

scenarios("bench_purchase.feature")

ANY = parsers.re(r".*")


@given(ANY, target_fixture="given")
def _given() -> None:
    return None


@when(ANY, target_fixture="done")
def _when() -> None:
    return None


@then(ANY)
def _then() -> None:
    return None
"""


def noop_project(target: Path, count: int) -> Path:
    """The same N-example feature with every step a no-op, for pytest-bdd alone (no harness
    plugin, no pytest-recording): what running its 13 steps costs before any of them does
    anything, a bound below which no pytest-bdd harness of these scenarios can go."""
    features = target / "features"
    features.mkdir(parents=True)
    (features / "bench_purchase.feature").write_text(feature_text(count), encoding="utf-8")
    (features / "test_noop.py").write_text(NOOP_STEPS, encoding="utf-8")
    (target / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nfilterwarnings = error\n"
        "markers =\n    guest\n    purchase\n    sandbox\n",  # the feature's tags
        encoding="utf-8",
    )
    return target


def baseline_project(target: Path, count: int, cassettes_from: Path | None = None) -> Path:
    """The same purchases as plain pytest tests; cassettes copied from a larger suite."""
    target.mkdir(parents=True)
    shutil.copy2(HERE / "baseline_conftest.py", target / "conftest.py")
    shutil.copy2(HERE / "baseline_tests.py", target / "test_baseline.py")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    data = [
        {"n": r.n, "account": r.account, "product_id": r.product_id, "quantity": r.quantity}
        for r in rows(count)
    ]
    (target / BASELINE_ROWS).write_text(json.dumps(data), encoding="utf-8")
    (target / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nfilterwarnings = error\n", encoding="utf-8"
    )
    cassettes = target / "cassettes"
    cassettes.mkdir()
    if cassettes_from is not None:
        for row in rows(count):
            name = f"purchase_{row.n}.yaml"
            shutil.copy2(cassettes_from / name, cassettes / name)
    return target
