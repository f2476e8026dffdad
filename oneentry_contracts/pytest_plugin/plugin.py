"""The pytest plugin that turns feature files into contract-checked, recorded scenarios.

Registered through the package's `pytest11` entry point, so installing the package is enough.
It adds the `--oneentry-*` options and the markers of the standard features, registers the
standard steps (`oneentry_contracts.steps`), marks every scenario for pytest-recording (one
cassette per scenario example, under `cassettes/<feature>/`), scrubs secrets before anything is
written, checks after a replay that every recorded interaction was used, and provides the
fixtures the steps use, each named `oneentry_*`: `oneentry_api`, `oneentry_config`,
`oneentry_credentials`, `oneentry_form_faker`, `oneentry_target`, ...

The target (where requests go) is a `Target`. Replay needs none: it uses the placeholders the
cassettes hold. `--oneentry-target=project` reads the environment. The sandbox target is a
sandbox process the plugin starts (`api/sandbox.py`), so this library never imports it.

Cassette names come from `naming.py`; how outcomes and errors are reported is `outcomes.py`,
the run report and progress `observe.py`, and the replay's transport and cassettes
`replaying.py` (a replay goes through httpx's transport, not vcrpy, which only records):
plugin modules this one registers.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal

import httpx
import pytest
import pytest_recording  # noqa: F401  # before vcrpy: it registers vcr.matchers for rewriting

from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.api.contract import ContractApi
from oneentry_contracts.api.retry import RetryPolicy, no_wait
from oneentry_contracts.api.sandbox import started_sandbox
from oneentry_contracts.api.target import Logins, Target
from oneentry_contracts.config.settings import (
    Config,
    Credentials,
    LiveSettings,
    Settings,
    UserRole,
    resolve,
)
from oneentry_contracts.errors import ConfigError, HarnessError
from oneentry_contracts.pytest_plugin import bddrelease, compat, outcomes, steplookup, vcrprobes
from oneentry_contracts.pytest_plugin.featurecheck import check_features
from oneentry_contracts.pytest_plugin.outcomes import CALL_FAILED, RECORDING, SCRUBBER, Recording
from oneentry_contracts.recording import vcr as recording
from oneentry_contracts.recording.cassettes import SaveGate, failed_recording_path
from oneentry_contracts.recording.lock import RecordingLock, remove_stale_temporaries
from oneentry_contracts.recording.naming import cassette_name, scenario_template, slug
from oneentry_contracts.recording.placeholders import APP_TOKEN_HEADER_PLACEHOLDER
from oneentry_contracts.recording.replay import ReplayTransport, Tape
from oneentry_contracts.recording.scrub import REDACTED, REDACTED_KEYS, Scrubber, ScrubConfig
from oneentry_contracts.schemas.store import SchemaStore
from oneentry_contracts.shop.formdata import FormDataFaker, seed_for
from oneentry_contracts.steps import STEP_MODULES

__all__ = ["Mode", "Target"]

# The run report and the progress events live in their own plugin module; the standard step
# vocabulary is one plugin module per domain.
pytest_plugins = [
    "oneentry_contracts.pytest_plugin.observe",
    "oneentry_contracts.pytest_plugin.replaying",
    *(f"oneentry_contracts.steps.{domain}" for domain in STEP_MODULES),
]

Mode = Literal["replay", "record", "live"]

# The markers the standard features use (pytest-bdd turns a feature's tags into markers).
MARKERS: Final = {
    "guest": "the guest purchase: the shared guest account, or no sign-in at all",
    "registered": "the registered purchase: a customer's own account",
    "purchase": "a whole purchase, from sign-in to payment session",
    "forms": "the form-configuration check (forms, storages, accounts, sign-in form)",
    "lifecycle": "orders after the purchase: storages, pages, changes, previews, refunds",
    "errors": "what the API refuses, with its status code and error body",
    "sandbox": "needs the sandbox's control API; skipped against a real project",
}
_CONFIG = pytest.StashKey[Config]()
_SETTINGS = pytest.StashKey[Settings]()
_SCHEMAS = pytest.StashKey[SchemaStore]()
_LOCK = pytest.StashKey[RecordingLock]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oneentry", "oneentry-contracts")
    group.addoption(
        "--oneentry-mode",
        choices=("replay", "record", "live"),
        default="replay",
        help="replay cassettes (default), record them, or talk to the API without cassettes",
    )
    group.addoption(
        "--oneentry-target",
        choices=("sandbox", "project"),
        default="sandbox",
        help="with record/live: the bundled sandbox (default) or the project in ONEENTRY_*",
    )
    group.addoption(
        "--oneentry-strict",
        action="store_true",
        help="report response fields no schema declares (= --oneentry-set recording.strict=true)",
    )
    group.addoption(
        "--oneentry-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a key of oneentry-contracts.toml for this run, e.g. recording.timeout=30 "
        "(beats ONEENTRY_CONTRACTS_* variables and the file)",
    )
    group.addoption(
        "--oneentry-keep-failed",
        action="store_true",
        help="with record: keep a failed scenario's recording beside its cassette as "
        "<name>.failed.yaml (the cassette itself is never replaced by a failed recording)",
    )


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register the harness's request matchers and cassette persister with vcrpy."""
    try:
        recording.configure_vcr(vcr)
    except HarnessError as error:  # a vcrpy without what the harness needs (compat.py)
        raise pytest.UsageError(str(error)) from None


def pytest_configure(config: pytest.Config) -> None:
    """Load the config file and every schema once, before collection; errors stop the run."""
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    # outcomes.py's and bddrelease.py's hooks; registered here, not listed in pytest_plugins:
    # this module imports them
    config.pluginmanager.register(outcomes, "oneentry-outcomes")
    config.pluginmanager.register(bddrelease, "oneentry-bddrelease")
    vcrprobes.remember_absent()  # vcrpy's per-cassette imports of absent libraries: at once
    try:
        compat.check_pytest_bdd()  # a pytest-bdd without the internals used: say so, stop here
        if _mode(config) != "replay":  # a replay does not use vcrpy (recording/replay.py)
            compat.check_vcrpy()  # a vcrpy that would ignore the cassette persister: the same
        steplookup.install()  # pytest-bdd's step lookup, remembered (see steplookup.py)
        bddrelease.remember_report_contexts()
        settings = resolve(config.rootpath, cli_overrides(config))
        loaded = config.stash[_CONFIG] = settings.config
        config.stash[_SETTINGS] = settings
        config.stash[_SCHEMAS] = SchemaStore.for_project(config.rootpath)
        check_features(config.rootpath / "features", config.rootpath)  # before pytest-bdd
        if _mode(config) == "record" and not hasattr(config, "workerinput"):
            lock = config.stash[_LOCK] = RecordingLock(config.rootpath / "cassettes")
            lock.acquire()  # one recorder per checkout; then the leftovers of a killed one go
            remove_stale_temporaries(config.rootpath / "cassettes")
        if _mode(config) != "replay" and config.getoption("--oneentry-target") == "project":
            LiveSettings.from_env(loaded)  # a missing ONEENTRY_* variable stops the run here
    except HarnessError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    vcrprobes.forget()
    if lock := config.stash.get(_LOCK, None):
        lock.release()


def cli_overrides(config: pytest.Config) -> dict[str, str]:
    """The `--oneentry-set KEY=VALUE` options (and `--oneentry-strict`) as resolve() takes them."""
    overrides: dict[str, str] = {}
    for item in config.getoption("--oneentry-set"):
        key, equals, value = str(item).partition("=")
        if not equals or not key.strip():
            raise HarnessError(
                f"--oneentry-set {item!r}: expected KEY=VALUE, e.g. recording.timeout=30"
            )
        overrides[key.strip()] = value
    if config.getoption("--oneentry-strict"):
        overrides["recording.strict"] = "true"
    return overrides


def _mode(config: pytest.Config) -> Mode:
    mode: Mode = config.getoption("--oneentry-mode")
    return mode


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put every scenario in a cassette and make sure no two examples share one."""
    seen: dict[tuple[str, str], str] = {}
    for item in items:
        template = scenario_template(item)
        if template is None:
            continue
        feature = Path(template.feature.filename).stem
        name = cassette_name(item, template)
        other = seen.setdefault((feature, name), item.nodeid)
        if other != item.nodeid:
            raise pytest.UsageError(
                f"scenarios {other} and {item.nodeid} would share the cassette "
                f"cassettes/{feature}/{name}.yaml.\nHow to fix: give the scenario outline a "
                "title that uses every <placeholder> of its examples, so each example differs."
            )
        if _mode(config) == "replay":
            # answered by recording/replay.py's transport, not vcrpy; and never by any network
            item.add_marker(pytest.mark.block_network)
        else:
            item.add_marker(pytest.mark.vcr)
        item.user_properties.append(("feature", feature))


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def oneentry_config(pytestconfig: pytest.Config) -> Config:
    """The project's `oneentry-contracts.toml`, validated."""
    return pytestconfig.stash[_CONFIG]


@pytest.fixture(scope="session")
def oneentry_schemas(pytestconfig: pytest.Config) -> SchemaStore:
    """Every schema in `schemas/`, checked and compiled once."""
    return pytestconfig.stash[_SCHEMAS]


@pytest.fixture(scope="session")
def oneentry_mode(pytestconfig: pytest.Config) -> Mode:
    return _mode(pytestconfig)


@pytest.fixture(scope="session")
def oneentry_http(
    oneentry_config: Config, oneentry_replay_transport: ReplayTransport | None
) -> Iterator[httpx.Client]:
    """One HTTP client (and one SSL context) for the whole session; a replay's has no network."""
    with make_http_client(oneentry_config.timeout, oneentry_replay_transport) as client:
        yield client


@pytest.fixture(scope="session")
def oneentry_target(
    request: pytest.FixtureRequest, oneentry_mode: Mode, oneentry_config: Config
) -> Target:
    """Where requests go: placeholders in replay, the environment's project, or the sandbox."""
    if oneentry_mode == "replay":
        roles: tuple[UserRole, ...] = ("guest", "registered")
        return Target(
            oneentry_config.host_placeholder,
            APP_TOKEN_HEADER_PLACEHOLDER,
            Logins({role: oneentry_config.placeholder_credentials(role) for role in roles}),
        )
    if request.config.getoption("--oneentry-target") == "project":
        try:
            live = LiveSettings.from_env(oneentry_config)
        except HarnessError as error:
            pytest.exit(f"oneentry-contracts: {error}", returncode=2)
        return Target(live.project_url, live.app_token, Logins(live.credentials, _env_hint))
    target: Target = request.getfixturevalue("oneentry_sandbox")
    return target


_env_hint = (
    "export the role's e-mail and password variables ([users.<role>] email_env and "
    "password_env in oneentry-contracts.toml; `oneentry-contracts config` lists them)"
)


@pytest.fixture(scope="session")
def oneentry_sandbox(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The sandbox process recording and live runs talk to (`[sandbox]` settings)."""
    try:
        with started_sandbox(pytestconfig.stash[_SETTINGS], pytestconfig.rootpath) as target:
            yield target
    except ConfigError as error:
        pytest.exit(f"oneentry-contracts: {error}", returncode=2)


@pytest.fixture
def oneentry_credentials(oneentry_target: Target) -> Mapping[UserRole, Credentials]:
    """The users the scenario can sign in as, by role (a role may have none)."""
    return oneentry_target.credentials


@pytest.fixture
def oneentry_form_faker(request: pytest.FixtureRequest, oneentry_config: Config) -> FormDataFaker:
    """Faker seeded from the scenario's id: every run of a scenario sends the same bytes."""
    scenario = request.node.nodeid
    if oneentry_config.faker_seed is not None:
        scenario = f"{oneentry_config.faker_seed}:{scenario}"
    return FormDataFaker(seed_for(scenario), oneentry_config.lang_code)


def _scrub_config(config: Config, target: Target) -> ScrubConfig:
    secrets: dict[str, str] = {target.app_token: APP_TOKEN_HEADER_PLACEHOLDER}
    for role, login in target.credentials.items():
        placeholder = config.placeholder_credentials(role)
        secrets[login.email] = placeholder.email
        secrets[login.password] = placeholder.password
    extra = [*config.scrub_values, *(os.environ.get(name, "") for name in config.scrub_env)]
    secrets.update({value: REDACTED for value in extra if value.strip()})
    return ScrubConfig(
        host_placeholder=config.host_placeholder,
        real_base_urls=(target.base_url,),
        secrets=secrets,
        redacted_keys=REDACTED_KEYS | frozenset(config.scrub_keys),
        patterns=config.scrub_patterns,
    )


@pytest.fixture
def oneentry_scrubber(
    request: pytest.FixtureRequest, oneentry_config: Config, oneentry_target: Target
) -> Scrubber:
    """The scenario's scrubber: cassettes, and any failure report, pass through it."""
    scrubber = Scrubber(_scrub_config(oneentry_config, oneentry_target))
    request.node.stash[SCRUBBER] = scrubber
    return scrubber


@pytest.fixture
def oneentry_fresh_target(oneentry_target: Target) -> Target:
    """The target, reset to its initial state (the sandbox's) before the cassette opens, so the
    reset is not recorded and every cassette is the same whatever order scenarios run in."""
    if oneentry_target.reset is not None:
        oneentry_target.reset()
    return oneentry_target


@pytest.fixture
def vcr_config(
    request: pytest.FixtureRequest,
    oneentry_scrubber: Scrubber,
    oneentry_fresh_target: Target,
    record_mode: str,
    oneentry_mode: Mode,
    vcr_cassette_dir: str,
    default_cassette_name: str,
    oneentry_config: Config,
) -> Iterator[dict[str, Any]]:
    """pytest-recording's per-scenario VCR settings: our matchers, scrubbing and persister.

    The persister saves a recording over the cassette only if the scenario passed (the call
    report, made before the cassette is closed in teardown, says so); with
    `--oneentry-keep-failed` a failed recording goes to `<name>.failed.yaml` beside it. A save
    that failed is raised here, after pytest-recording's `vcr` (which needs these settings, so
    is torn down first) has closed the cassette and vcrpy has let go of httpx.
    """
    if oneentry_mode == "replay":
        yield {}  # a replay does not go through vcrpy; pytest-recording's block_network reads this
        return
    node = request.node
    recording_now = oneentry_mode == "record"
    gate = SaveGate(
        passed=lambda: not node.stash.get(CALL_FAILED, True),
        keep_failed=recording_now and bool(request.config.getoption("--oneentry-keep-failed")),
        rerecord_command=rerecord_command(node),
        root=request.config.rootpath,
    )
    settings = recording.vcr_config(oneentry_scrubber, record_mode=record_mode, gate=gate)
    if recording_now:
        cassette = Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml"
        failed_recording_path(cassette).unlink(missing_ok=True)  # an earlier attempt's, now stale
        node.stash[RECORDING] = Recording(cassette, settings["persister"])
    yield settings
    settings["persister"].raise_save_error()


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    template = scenario_template(request.node)
    feature = Path(template.feature.filename).stem if template else request.node.name
    return str(request.config.rootpath / "cassettes" / feature)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    template = scenario_template(request.node)
    return cassette_name(request.node, template) if template else slug(request.node.name)


def retry_policy(config: Config, mode: Mode) -> RetryPolicy:
    """The configured retries; a replay repeats recorded attempts without waiting."""
    policy = RetryPolicy(config.retry_attempts, config.retry_backoff, config.retry_max_delay)
    return dataclasses.replace(policy, sleep=no_wait) if mode == "replay" else policy


def rerecord_command(item: pytest.Item) -> str:
    return f"oneentry-contracts run --record --only {shlex.quote(item.nodeid)}"


@pytest.fixture
def oneentry_api(
    request: pytest.FixtureRequest,
    oneentry_config: Config,
    oneentry_schemas: SchemaStore,
    oneentry_http: httpx.Client,
    oneentry_target: Target,
    oneentry_mode: Mode,
    vcr_cassette_dir: str,
    default_cassette_name: str,
    oneentry_scrubber: Scrubber,
    oneentry_replay_transport: ReplayTransport | None,
) -> Iterator[ContractApi]:
    """The scenario's schema-checked API; in replay, the cassette must exist and be used up."""
    cassette_path = Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml"
    shown = str(cassette_path.relative_to(request.config.rootpath))
    command = rerecord_command(request.node)
    tape: Tape | None = request.getfixturevalue("oneentry_tape")
    if oneentry_replay_transport is None:
        request.getfixturevalue("oneentry_fresh_target")
        request.getfixturevalue("vcr")
    client = OneEntryClient(
        oneentry_target.base_url,
        oneentry_target.app_token,
        http=oneentry_http,
        lang_code=oneentry_config.lang_code,
        provider_marker=oneentry_config.auth_provider,
        retry=retry_policy(oneentry_config, oneentry_mode),
    )
    strict = oneentry_config.strict  # --oneentry-strict is a command-line override of it
    origin = shown if oneentry_mode != "live" else oneentry_config.host_placeholder
    if oneentry_replay_transport is None or tape is None:
        yield ContractApi(client, oneentry_schemas, origin, strict, command)
        return
    oneentry_replay_transport.tape = tape
    try:
        yield ContractApi(client, oneentry_schemas, origin, strict, command)
    finally:
        oneentry_replay_transport.tape = None
    if not request.node.stash.get(CALL_FAILED, True):  # passed: now every recording was used?
        tape.check_all_played()
