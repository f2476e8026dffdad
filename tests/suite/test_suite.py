"""The scenario suite end to end: replay, record, drift detection and scrubbing, run as a user
runs it (`oneentry-contracts run`) in a scratch copy of the project."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.suite.conftest import SCENARIOS, SuiteCopy

GUEST = "guest_purchase/a_guest_buys_2_cosmo_and_pays_by_stripe.yaml"
GUEST_NODE = (
    "features/test_features.py::test_a_guest_buys_quantity__product_and_pays_by_account"
    "[stripe-Cosmo-2]"
)


def _edit_interaction(path: Path, method: str, path_part: str, edit: object) -> None:
    """Apply `edit(dict) -> None` to the JSON of the first matching interaction's response
    (or request, when edit has `request=True`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        request = interaction["request"]
        if request["method"] == method and path_part in request["uri"]:
            edit(interaction)  # type: ignore[operator]
            break
    else:
        raise AssertionError(f"no {method} {path_part} in {path}")
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")


def test_committed_cassettes_replay_offline(suite: SuiteCopy) -> None:
    run = suite.run()
    assert run.code == 0, run.output
    assert f"{SCENARIOS} passed" in run.output


def test_rerecording_twice_gives_identical_bytes(suite: SuiteCopy) -> None:
    committed = suite.cassettes()
    first = suite.run("--record")
    assert first.code == 0, first.output
    recorded = suite.cassettes()
    second = suite.run("--record")
    assert second.code == 0, second.output
    assert suite.cassettes() == recorded
    assert recorded == committed, "the committed cassettes are not what the sandbox records now"


def test_changed_request_fails_replay_with_a_field_diff(suite: SuiteCopy) -> None:
    def older_cart(interaction: dict[str, object]) -> None:
        request = interaction["request"]
        assert isinstance(request, dict)
        body = json.loads(request["body"])
        body["products"][0]["quantity"] = 5
        request["body"] = json.dumps(body, separators=(",", ":"))

    cassette = suite.root / "cassettes" / GUEST
    _edit_interaction(cassette, "POST", "/orders-storage/marker/guest_orders/orders", older_cart)
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "/products/0/quantity" in run.output
    assert re.search(r"5\D+2", run.output), run.output  # recorded 5, sent 2
    assert "oneentry-contracts run --record --only" in run.output


def test_schema_violation_names_the_pointer(suite: SuiteCopy) -> None:
    def string_total(interaction: dict[str, object]) -> None:
        response = interaction["response"]
        assert isinstance(response, dict)
        body = json.loads(response["body"]["string"])
        body["totalSum"] = str(body["totalSum"])
        response["body"]["string"] = json.dumps(body, separators=(",", ":"))

    cassette = suite.root / "cassettes" / GUEST
    _edit_interaction(cassette, "POST", "/orders-storage/marker/guest_orders/orders", string_total)
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "Response violates schema 'created_order'" in run.output
    assert "At:       /totalSum" in run.output
    assert "keyword 'type'" in run.output
    assert GUEST in run.output


def test_unknown_field_fails_only_in_strict_mode(suite: SuiteCopy) -> None:
    def new_field(interaction: dict[str, object]) -> None:
        response = interaction["response"]
        assert isinstance(response, dict)
        body = json.loads(response["body"]["string"])
        body["loyaltyPoints"] = 12
        response["body"]["string"] = json.dumps(body, separators=(",", ":"))

    cassette = suite.root / "cassettes" / GUEST
    _edit_interaction(cassette, "POST", "/payments/sessions", new_field)
    assert suite.run("--only", GUEST_NODE).code == 0
    strict = suite.run("--only", GUEST_NODE, "--strict")
    assert strict.code == 1, strict.output
    assert "/loyaltyPoints" in strict.output


def test_missing_cassette_says_how_to_record_it(suite: SuiteCopy) -> None:
    (suite.root / "cassettes" / GUEST).unlink()
    run = suite.run("--only", GUEST_NODE)
    assert run.code == 1, run.output
    assert "No cassette for this scenario: cassettes/" + GUEST in run.output
    assert "oneentry-contracts run --record --only" in run.output


PLANTED = {
    "app token": "PLANTED-app-token-7f3a9c",
    "guest login": "planted.guest.e41d@leak-canary.example",
    # A quote, a backslash and Cyrillic: escaped on the way (JSON `\u041f`, `\"`, repr `\\`).
    "guest password": 'PLANTED-guest-"pw\\-Пароль-93b1',
    "user login": "planted.user.c0de@leak-canary.example",
    "user password": 'PLANTED-user-\\pw"-Секрет-55e2',
    "signing key": "PLANTED-signing-secret-1b7d",
}


def plant_secrets(suite: SuiteCopy) -> dict[str, str]:
    """A sandbox project with the PLANTED secrets, and the variables a recording needs to use it."""
    from oneentry_sandbox import loader

    default = yaml.safe_load(
        (Path(loader.__file__).parent / "default_project.yaml").read_text(encoding="utf-8")
    )
    default["secret"] = PLANTED["signing key"]
    guest, user = default["users"][0], default["users"][1]
    guest["login"], guest["password"] = PLANTED["guest login"], PLANTED["guest password"]
    user["login"], user["password"] = PLANTED["user login"], PLANTED["user password"]
    project = suite.root / "planted.yaml"
    project.write_text(yaml.safe_dump(default), encoding="utf-8")
    return {  # the [sandbox] and [users.<role>] sandbox_login settings, from the environment
        "ONEENTRY_CONTRACTS_SANDBOX_PROJECT": str(project),
        "ONEENTRY_CONTRACTS_SANDBOX_APP_TOKEN": PLANTED["app token"],
        "ONEENTRY_CONTRACTS_USERS_GUEST_SANDBOX_LOGIN": PLANTED["guest login"],
        "ONEENTRY_CONTRACTS_USERS_REGISTERED_SANDBOX_LOGIN": PLANTED["user login"],
    }


def test_no_planted_secret_reaches_a_cassette_or_the_output(suite: SuiteCopy) -> None:
    env = plant_secrets(suite)
    run = suite.run("--record", env=env)
    assert run.code == 0, run.output
    written = {name: body.decode() for name, body in suite.cassettes().items()}
    written["<command output>"] = run.output
    jwt = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
    refresh = re.compile(r"\b\d{13}-[0-9a-f]{8}-[0-9a-f]{4}-")
    loopback = re.compile(r"127\.0\.0\.1|localhost")
    for name, text in written.items():
        for what, value in PLANTED.items():
            assert value not in text, f"{what} leaked into {name}"
        assert not jwt.search(text), f"a JWT leaked into {name}"
        assert not refresh.search(text), f"a refresh token leaked into {name}"
        assert not loopback.search(text), f"the sandbox host leaked into {name}"
    # The planted run is scrubbed to the same placeholders: the cassettes equal the committed ones
    # except for faker data, which depends only on the scenario.
    assert (
        "registered-user@example.test"
        in written["registered_purchase/" + ("a_customer_buys_1_desk_lamp_and_pays_by_cash.yaml")]
    )
    # Nor in any spelling: escaped, encoded, folded by the YAML writer, in another case.
    audit = suite.command("audit-cassettes", "--root", str(suite.root), env=planted_env())
    assert audit.code == 0, audit.output


def planted_env() -> dict[str, str]:
    """The variables that tell the audit which values are the planted secrets."""
    return {
        "ONEENTRY_APP_TOKEN": PLANTED["app token"],
        "ONEENTRY_GUEST_EMAIL": PLANTED["guest login"],
        "ONEENTRY_GUEST_PASSWORD": PLANTED["guest password"],
        "ONEENTRY_USER_EMAIL": PLANTED["user login"],
        "ONEENTRY_USER_PASSWORD": PLANTED["user password"],
    }


def test_a_replay_never_imports_the_sandbox(suite: SuiteCopy) -> None:
    """Only recording and live runs start the sandbox; a replaying process (each xdist worker
    too) does not pay for importing it."""
    code = (
        "import sys, pytest\n"
        "code = pytest.main(['features', '-q', '-p', 'no:cacheprovider', '-k', 'guest_buys',\n"
        "    '--oneentry-mode=replay', '--record-mode=none', '--block-network'])\n"
        "print('sandbox imported:', 'oneentry_sandbox' in sys.modules)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=suite.root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert "sandbox imported: False" in done.stdout
