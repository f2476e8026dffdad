"""compat.py: an internal a library release takes away is a clear error naming the library,
its installed version and the supported range, never a silent fallback."""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import vcr  # type: ignore[import-untyped]

from oneentry_contracts.pytest_plugin import compat
from oneentry_contracts.pytest_plugin.compat import IncompatibleLibrary

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

# (library, module, attribute, a call that needs it)
BDD_INTERNALS = [
    ("pytest_bdd.reporting", "scenario_reports_registry", compat.scenario_reports),
    ("pytest_bdd.reporting", "test_report_context_registry", compat.report_contexts),
    ("pytest_bdd.reporting", "ReportContext", lambda: compat.report_context(None, "n")),
    ("pytest_bdd.steps", "step_function_context_registry", compat.step_contexts),
    (
        "pytest_bdd.scenario",
        "scenario_wrapper_template_registry",
        lambda: compat.scenario_template(len),
    ),
    ("pytest_bdd.parser", "render_string", lambda: compat.render_string("<a>", {"a": "1"})),
    ("pytest_bdd.scenario", "find_fixturedefs_for_step", compat.step_lookup_module),
    ("pytest_bdd.scenario", "signature", compat.step_lookup_module),
    ("pytest_bdd.scenario", "get_required_args", compat.step_lookup_module),
]
VCR_INTERNALS = [
    ("vcr.persisters.filesystem", "CassetteNotFoundError", compat.cassette_not_found),
    ("vcr.serialize", "serialize", lambda: compat.serialize({}, None)),
    ("vcr.serialize", "deserialize", lambda: compat.deserialize("", None)),
    ("vcr.serializers.yamlserializer", "deserialize", lambda: compat.yaml_deserialize("")),
    ("vcr.util", "read_body", lambda: compat.read_body(None)),
]


def _ids(value: object) -> str:
    """`module` and `name` as they read; the call that needs them (a function) unnamed."""
    return value if isinstance(value, str) else "use"


def _take_away(monkeypatch: pytest.MonkeyPatch, module: str, name: str) -> None:
    """compat sees `module` as a release without `name` would ship it (the real module stays
    whole: the running pytest-bdd and vcrpy use it too)."""
    real = compat._module

    def without(found: str, distribution: str) -> object:
        loaded = real(found, distribution)
        if found != module:
            return loaded
        return SimpleNamespace(**{k: v for k, v in vars(loaded).items() if k != name})

    monkeypatch.setattr(compat, "_module", without)


def _message(distribution: str, what: str) -> str:
    version = importlib.metadata.version(distribution)
    return (
        f"oneentry-contracts needs {distribution}'s {what} ({distribution} {version} has none); "
        f"supported: {distribution} {compat.SUPPORTED[distribution]}"
    )


@pytest.mark.parametrize(("module", "name", "use"), BDD_INTERNALS, ids=_ids)
def test_a_missing_pytest_bdd_internal_names_the_library_and_version(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, use: object
) -> None:
    _take_away(monkeypatch, module, name)
    with pytest.raises(IncompatibleLibrary) as raised:
        use()  # type: ignore[operator]
    assert str(raised.value).startswith(_message("pytest-bdd", f"{module}.{name}"))
    assert "How to fix: install a supported version" in str(raised.value)


@pytest.mark.parametrize(("module", "name", "use"), VCR_INTERNALS, ids=_ids)
def test_a_missing_vcrpy_internal_names_the_library_and_version(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, use: object
) -> None:
    _take_away(monkeypatch, module, name)
    with pytest.raises(IncompatibleLibrary, match=re.escape(_message("vcrpy", f"{module}.{name}"))):
        use()  # type: ignore[operator]


def test_the_plugin_checks_every_pytest_bdd_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    compat.check_pytest_bdd()  # the installed pytest-bdd has them all
    for module, name, _use in BDD_INTERNALS:
        with monkeypatch.context() as patch:
            _take_away(patch, module, name)
            with pytest.raises(IncompatibleLibrary, match=re.escape(f"{module}.{name}")):
                compat.check_pytest_bdd()


def test_a_fixture_manager_without_per_node_fixtures_is_named(
    request: pytest.FixtureRequest,
) -> None:
    assert compat.fixtures_by_node(request.session) is not None
    old_pytest = SimpleNamespace(_fixturemanager=SimpleNamespace(_arg2fixturedefs={}))
    with pytest.raises(IncompatibleLibrary) as raised:
        compat.fixtures_by_node(old_pytest)  # type: ignore[arg-type]
    assert str(raised.value).startswith(_message("pytest", "FixtureManager._arg2node2fixturedefs"))


def test_a_request_without_its_fixture_definitions_is_named(
    request: pytest.FixtureRequest,
) -> None:
    defs = compat.fixture_defs_of(request.node)
    assert defs is not None
    assert compat.fixture_defs_of(SimpleNamespace(_request=False)) is None  # type: ignore[arg-type]
    other_pytest = SimpleNamespace(_request=SimpleNamespace(_fixture_cache={}))
    with pytest.raises(IncompatibleLibrary) as raised:
        compat.fixture_defs_of(other_pytest)  # type: ignore[arg-type]
    assert str(raised.value).startswith(_message("pytest", "FixtureRequest._fixture_defs"))


def test_a_vcrpy_ignoring_the_persister_option_is_refused() -> None:
    compat.check_persister_option(vcr.VCR())  # vcrpy >= 9.1 takes use_cassette(persister=...)

    class OldVcr:  # vcrpy 9.0: the registered persister, whatever use_cassette is given
        def get_merged_config(self, **kwargs: object) -> dict[str, object]:
            return {"persister": object()}

    with pytest.raises(IncompatibleLibrary) as raised:
        compat.check_persister_option(OldVcr())
    assert str(raised.value).startswith(
        _message("vcrpy", "per-cassette persister option of use_cassette")
    )


def test_a_replay_error_without_its_reason_is_named() -> None:
    error = SimpleNamespace(reason="already_played", similar_requests=None)
    assert compat.replay_failure(error) == ("already_played", [])
    with pytest.raises(
        IncompatibleLibrary, match=r"CannotOverwriteExistingCassetteException\.reason"
    ):
        compat.replay_failure(SimpleNamespace(similar_requests=[]))
    with pytest.raises(IncompatibleLibrary, match=r"Cassette\.play_counts"):
        compat.play_counts(SimpleNamespace(data=[]))
    with pytest.raises(IncompatibleLibrary, match=r"Cassette\.data"):
        compat.interactions(SimpleNamespace(play_counts={}))


def test_an_outline_without_its_example_parameter_is_named() -> None:
    outline = SimpleNamespace(examples=[SimpleNamespace(examples=[["1"]])])
    plain = SimpleNamespace(examples=[])
    item = SimpleNamespace(callspec=SimpleNamespace(params={"other": 1}))
    assert compat.example_values(item, plain) == {}  # type: ignore[arg-type]
    with pytest.raises(IncompatibleLibrary, match="_pytest_bdd_example"):
        compat.example_values(item, outline)  # type: ignore[arg-type]


def test_the_supported_ranges_are_the_declared_dependencies() -> None:
    """compat.SUPPORTED and pyproject.toml say the same, so an error names the real range."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    ranges = {
        re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]: spec for spec in declared["dependencies"]
    }
    for distribution, supported in compat.SUPPORTED.items():
        assert ranges[distribution] == f"{distribution}{supported}", (
            f"pyproject.toml declares {ranges[distribution]!r}, compat.py supports {supported!r}"
        )


OLD_VCRPY = """\
import vcr

_merged = vcr.VCR.get_merged_config


def _as_vcrpy_9_0(self, **kwargs):
    merged = _merged(self, **kwargs)
    merged["persister"] = self.persister  # vcrpy 9.0: use_cassette(persister=...) is ignored
    return merged


vcr.VCR.get_merged_config = _as_vcrpy_9_0
"""


def test_the_plugin_stops_before_collection_on_an_unsupported_vcrpy(
    pytester: pytest.Pytester,
) -> None:
    """Recording and live runs use vcrpy; a replay does not (recording/replay.py), nor checks it."""
    pytester.makeconftest(OLD_VCRPY)
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("--oneentry-mode=record")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = "\n".join(result.errlines)
    assert _message("vcrpy", "per-cassette persister option of use_cassette") in errors
    assert "Traceback" not in errors
    assert "test_nothing" not in "\n".join(result.outlines)


def test_a_faker_without_its_email_domain_lists_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    domains = compat.faker_email_domains()
    assert {"gmail.com", "example.org"} <= domains  # a free-mail and a safe domain
    _take_away(monkeypatch, "faker.providers.internet", "Provider")
    with pytest.raises(IncompatibleLibrary) as raised:
        compat.faker_email_domains()
    assert str(raised.value).startswith(_message("faker", "faker.providers.internet.Provider"))


def test_a_transport_without_its_connection_pool_names_httpx_and_its_version() -> None:
    class Transport:  # an httpx.HTTPTransport of a release that renamed `_pool`
        pass

    with pytest.raises(IncompatibleLibrary) as raised:
        compat.wrap_connection_pool(Transport(), lambda pool: pool)
    assert str(raised.value).startswith(
        _message("httpx", "HTTPTransport._pool (its connection pool)")
    )


def test_the_connection_pool_is_wrapped_in_place() -> None:
    transport = httpx.HTTPTransport()
    original = transport._pool
    compat.wrap_connection_pool(transport, lambda pool: ("wrapped", pool))
    assert transport._pool == ("wrapped", original)  # type: ignore[comparison-overlap]
