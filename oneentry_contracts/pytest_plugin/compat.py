"""The one place that touches other libraries' internals: pytest-bdd's registries and step
lookup, pytest's fixture manager, vcrpy's cassette, persister and error details.

Each access goes through a check: an internal a release renamed or removed is an
`IncompatibleLibrary` error that names the library, its installed version and the supported
range (`SUPPORTED`, the same ranges as pyproject.toml's dependencies), never a silent fallback.
Nothing here imports pytest-bdd or vcrpy at the top: `check-forms` and `audit-cassettes` run
in `oneentry-contracts`' own process, where vcrpy imported before pytest starts breaks
pytest-recording's assertion rewriting.

    pytest-bdd  scenario_reports, report_contexts, report_context, step_contexts,
                scenario_template, example_values, render_string, step_lookup_module
    pytest      fixtures_by_node, cucumber_json_path
    httpx       wrap_connection_pool
    faker       faker_email_domains
    vcrpy       check_vcrpy, check_persister_option, replay_failure, interactions, play_counts,
                cassette_not_found, serialize, deserialize, yaml_deserialize, read_body, PROBED
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import pytest

from oneentry_contracts.errors import HarnessError

if TYPE_CHECKING:
    from pytest_bdd.parser import ScenarioTemplate
    from pytest_bdd.steps import StepFunctionContext

__all__ = [
    "PROBED",
    "SUPPORTED",
    "IncompatibleLibrary",
    "cassette_not_found",
    "check_persister_option",
    "check_pytest_bdd",
    "check_vcrpy",
    "cucumber_json_path",
    "deserialize",
    "example_values",
    "faker_email_domains",
    "fixtures_by_node",
    "interactions",
    "play_counts",
    "read_body",
    "render_string",
    "replay_failure",
    "report_context",
    "report_contexts",
    "scenario_reports",
    "scenario_template",
    "serialize",
    "step_contexts",
    "step_lookup_module",
    "wrap_connection_pool",
    "yaml_deserialize",
]

SUPPORTED: Final = {
    "pytest-bdd": ">=9.0.1,<10",
    "pytest": ">=9.2,<10",
    "vcrpy": ">=9.1,<10",
    "faker": ">=30",
    "httpx": ">=0.28,<1",
}
"""The versions whose internals this module was written and tested against."""

# The top-level packages vcrpy 9's vcr/patch.py tries to import, per cassette, to find the
# HTTP libraries it can patch (pytest_plugin/vcrprobes.py makes the absent ones fail at once).
PROBED: Final = (
    "aiohttp",
    "botocore",
    "httplib2",
    "httpx",
    "httpx2",
    "httpx_curl_cffi",
    "pyreqwest",
    "requests",
    "tornado",
    "urllib3",
)

_BDD, _PYTEST, _VCR, _FAKER = "pytest-bdd", "pytest", "vcrpy", "faker"
_EXAMPLE_PARAM: Final = "_pytest_bdd_example"  # the scenario wrapper's parametrised argument


class IncompatibleLibrary(HarnessError):
    """An installed library lacks an internal the harness relies on."""


def installed(distribution: str) -> str:
    """The installed version of `distribution`, or "(not installed)"."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def incompatible(distribution: str, what: str) -> IncompatibleLibrary:
    """The error for a missing internal: which library, which version, what is supported."""
    supported = SUPPORTED[distribution]
    return IncompatibleLibrary(
        f"oneentry-contracts needs {distribution}'s {what} ({distribution} "
        f"{installed(distribution)} has none); supported: {distribution} {supported}.\n"
        f"How to fix: install a supported version, e.g. uv add '{distribution}{supported}'."
    )


def _module(name: str, distribution: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise incompatible(distribution, f"module {name}") from None


def _attribute(owner: object, name: str, distribution: str, what: str) -> Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        raise incompatible(distribution, what) from None


def _bdd(module: str, name: str) -> Any:
    return _attribute(_module(module, _BDD), name, _BDD, f"{module}.{name}")


def _vcr(module: str, name: str) -> Any:
    return _attribute(_module(module, _VCR), name, _VCR, f"{module}.{name}")


# ---------------------------------------------------------------------------------------------
# pytest-bdd


def scenario_reports() -> MutableMapping[Any, Any]:
    """pytest-bdd's scenario report of every test item, kept until the session ends."""
    registry: MutableMapping[Any, Any] = _bdd("pytest_bdd.reporting", "scenario_reports_registry")
    return registry


def report_contexts() -> MutableMapping[Any, Any]:
    """pytest-bdd's report → scenario context map that its Cucumber JSON output reads."""
    registry: MutableMapping[Any, Any] = _bdd(
        "pytest_bdd.reporting", "test_report_context_registry"
    )
    return registry


def report_context(scenario: Any, name: str) -> Any:
    """A pytest-bdd `ReportContext` (what `report_contexts()` holds)."""
    return _bdd("pytest_bdd.reporting", "ReportContext")(scenario=scenario, name=name)


def step_contexts() -> Iterable[StepFunctionContext]:
    """Every step definition pytest-bdd knows of (its decorators register each one)."""
    registry: Mapping[Any, StepFunctionContext] = _bdd(
        "pytest_bdd.steps", "step_function_context_registry"
    )
    return tuple(registry.values())


def scenario_template(function: Callable[..., Any]) -> ScenarioTemplate | None:
    """The scenario behind a pytest-bdd test function, or None for an ordinary test."""
    registry: Mapping[Any, ScenarioTemplate] = _bdd(
        "pytest_bdd.scenario", "scenario_wrapper_template_registry"
    )
    return registry.get(function)


def example_values(item: pytest.Item, template: ScenarioTemplate) -> Mapping[str, str]:
    """The `Examples` row an outline's test item runs, `{}` for a plain scenario."""
    callspec = getattr(item, "callspec", None)  # pytest sets it on parametrised items only
    params: Mapping[str, Any] = callspec.params if callspec is not None else {}
    if _EXAMPLE_PARAM in params:
        values: Mapping[str, str] = params[_EXAMPLE_PARAM]
        return values
    outline = any(getattr(examples, "examples", None) for examples in template.examples)
    if outline:
        raise incompatible(_BDD, f"the {_EXAMPLE_PARAM} parameter of a Scenario Outline's test")
    return {}


def render_string(text: str, values: Mapping[str, str]) -> str:
    """`text` with an example's `<placeholders>` filled in, as pytest-bdd renders titles."""
    render: Callable[[str, Mapping[str, str]], str] = _bdd("pytest_bdd.parser", "render_string")
    return render(text, values)


_STEP_LOOKUP: Final = ("find_fixturedefs_for_step", "signature", "get_required_args")


def step_lookup_module() -> ModuleType:
    """`pytest_bdd.scenario`, checked to have the per-step lookups steplookup.py remembers."""
    module = _module("pytest_bdd.scenario", _BDD)
    for name in _STEP_LOOKUP:
        _attribute(module, name, _BDD, f"pytest_bdd.scenario.{name}")
    return module


def check_pytest_bdd() -> None:
    """Every pytest-bdd internal above is there (the plugin checks before collection)."""
    scenario_reports()
    report_contexts()
    step_contexts()
    scenario_template(check_pytest_bdd)
    _bdd("pytest_bdd.reporting", "ReportContext")
    _bdd("pytest_bdd.parser", "render_string")
    step_lookup_module()


# ---------------------------------------------------------------------------------------------
# pytest


def fixtures_by_node(session: pytest.Session) -> Mapping[str, MutableMapping[Any, Any]]:
    """pytest's fixture definitions by name, then by the node that registered them (where
    pytest-bdd's `target_fixture` values go)."""
    manager = _attribute(session, "_fixturemanager", _PYTEST, "Session._fixturemanager")
    registered: Mapping[str, MutableMapping[Any, Any]] = _attribute(
        manager, "_arg2node2fixturedefs", _PYTEST, "FixtureManager._arg2node2fixturedefs"
    )
    return registered


def fixture_defs_of(item: pytest.Item) -> MutableMapping[str, Any] | None:
    """The fixture definitions the item's request has resolved, by name
    (`FixtureRequest._fixture_defs`, one dict shared by all of the item's sub-requests); None
    for an item without a request (not a test function, or after pytest let go of it)."""
    request = getattr(item, "_request", None)
    if not request:  # pytest sets it to False once the item's protocol is over
        return None
    defs: MutableMapping[str, Any] = _attribute(
        request, "_fixture_defs", _PYTEST, "FixtureRequest._fixture_defs"
    )
    return defs


def cucumber_json_path(config: pytest.Config) -> str | None:
    """pytest-bdd's `--cucumberjson` option (None when not given)."""
    try:
        value: str | None = config.getoption("cucumber_json_path")
    except ValueError:
        raise incompatible(_BDD, "--cucumberjson option (cucumber_json_path)") from None
    return value


# ---------------------------------------------------------------------------------------------
# vcrpy


def check_persister_option(vcr: Any) -> None:
    """vcrpy must take a cassette's `persister` from `use_cassette`'s options (vcrpy >= 9.1);
    an older one silently uses its default and the atomic, pass-gated save is off."""
    probe = object()
    merged = _attribute(vcr, "get_merged_config", _VCR, "VCR.get_merged_config")
    if merged(persister=probe).get("persister") is not probe:
        raise incompatible(_VCR, "per-cassette persister option of use_cassette")


def check_vcrpy() -> None:
    """The installed vcrpy takes a per-cassette persister (the plugin checks before collection)."""
    check_persister_option(_vcr("vcr", "VCR")())


def replay_failure(error: Any) -> tuple[str, list[Any]]:
    """Why vcrpy could not play a request back, and the recorded requests closest to it."""
    what = "CannotOverwriteExistingCassetteException"
    reason: str = _attribute(error, "reason", _VCR, f"{what}.reason")
    similar = _attribute(error, "similar_requests", _VCR, f"{what}.similar_requests")
    return reason, list(similar or [])


def interactions(cassette: Any) -> Sequence[tuple[Any, Any]]:
    """A cassette's recorded (request, response) pairs, in order."""
    data: Sequence[tuple[Any, Any]] = _attribute(cassette, "data", _VCR, "Cassette.data")
    return data


def play_counts(cassette: Any) -> Mapping[int, int]:
    """How often each recorded interaction (by index) was played back."""
    counts: Mapping[int, int] = _attribute(cassette, "play_counts", _VCR, "Cassette.play_counts")
    return counts


def cassette_not_found() -> type[Exception]:
    """The exception a persister raises for "no cassette yet, record one"."""
    found: type[Exception] = _vcr("vcr.persisters.filesystem", "CassetteNotFoundError")
    return found


def serialize(cassette_dict: dict[str, Any], serializer: Any) -> str:
    """vcrpy's cassette dict as text, through `serializer` (vcr.serialize.serialize)."""
    text: str = _vcr("vcr.serialize", "serialize")(cassette_dict, serializer)
    return text


def deserialize(cassette_string: str, serializer: Any) -> Any:
    """vcrpy's requests and responses from a cassette (vcr.serialize.deserialize)."""
    return _vcr("vcr.serialize", "deserialize")(cassette_string, serializer)


def yaml_deserialize(cassette_string: str) -> Any:
    """vcrpy's own YAML reading of a cassette (vcr.serializers.yamlserializer)."""
    return _vcr("vcr.serializers.yamlserializer", "deserialize")(cassette_string)


def read_body(request: Any) -> Any:
    """A vcrpy request's body as vcrpy reads it (vcr.util.read_body)."""
    return _vcr("vcr.util", "read_body")(request)


# ---------------------------------------------------------------------------------------------
# faker

_EMAIL_LISTS: Final = ("free_email_domains", "safe_domain_names")


def faker_email_domains() -> frozenset[str]:
    """Every `free_email_domains` and `safe_domain_names` entry of faker's internet providers
    (the base provider must have both; a locale's provider may add to them)."""
    base = _module("faker.providers.internet", _FAKER)
    provider = _attribute(base, "Provider", _FAKER, "faker.providers.internet.Provider")
    for attribute in _EMAIL_LISTS:
        _attribute(provider, attribute, _FAKER, f"internet Provider.{attribute}")
    domains: set[str] = set()
    names = [base.__name__]
    names += [f"{base.__name__}.{m.name}" for m in pkgutil.iter_modules(base.__path__)]
    for name in names:
        locale = vars(_module(name, _FAKER)).get("Provider")
        for attribute in _EMAIL_LISTS:
            values = vars(locale).get(attribute, ()) if locale is not None else ()
            domains.update(v.lower() for v in values if isinstance(v, str))
    return frozenset(domains)


# ---------------------------------------------------------------------------------------------
# httpx


def wrap_connection_pool(transport: Any, wrap: Callable[[Any], Any]) -> None:
    """Put `wrap(pool)` in place of an `httpx.HTTPTransport`'s httpcore connection pool (its
    `_pool`, httpx 0.28), below vcrpy's patch, so that recording goes through it too."""
    pool = _attribute(transport, "_pool", "httpx", "HTTPTransport._pool (its connection pool)")
    transport._pool = wrap(pool)
