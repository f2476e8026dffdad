"""`oneentry-contracts init`: the files it scaffolds, what it refuses, and `--project`.

That the scaffold records, replays and passes `pytest` from the installed wheel is
`tests/product/test_adoption.py`; here the files' contents and the options are checked in
process, and `--project` reads a sandbox served in this process as if it were the project.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from oneentry_contracts.cli.main import main
from oneentry_contracts.config.settings import CONFIG_FILE, resolve
from oneentry_contracts.config.starter import render_starter
from oneentry_contracts.formcheck.formspec import read_spec
from oneentry_sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    CONFIG_FILE,
    "features/guest_purchase.feature",
    "features/registered_purchase.feature",
    "features/form_configuration.feature",
    "features/test_features.py",
    "pytest.ini",
    ".gitignore",
    ".github/workflows/contracts.yml",
    ".pre-commit-config.yaml",
}


def _written(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_init_scaffolds_every_file_for_the_bundled_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--root", str(tmp_path)]) == 0
    assert _written(tmp_path) == FILES
    out = capsys.readouterr().out
    assert "run --record" in out
    assert "note:" not in out  # every marker is the bundled sandbox's
    settings = resolve(tmp_path, env={})
    assert settings.config.catalog == {"Classic T-shirt": 1, "Gift card": 10, "Desk lamp": 14}
    assert all(s in ("default", CONFIG_FILE) for s in settings.sources.values())
    # what the features send is what the bundled sandbox's forms and storages take
    spec = read_spec(tmp_path / "features", settings.config)
    assert set(spec.forms) == {"guest_order", "order"}
    assert {(o.form, o.storage, o.account) for o in spec.orders} == {
        (form, storage, account)
        for form, storage in (("guest_order", "guest_orders"), ("order", "orders"))
        for account in ("cash", "stripe")
    }
    assert set(spec.forms["guest_order"]) == {"guest_name", "guest_phone", "guest_email"}
    assert set(spec.forms["order"]) == {"name"}
    guest = (tmp_path / "features/guest_purchase.feature").read_text("utf-8")
    assert "marks the payment session" not in guest  # not a content-API call
    assert "@sandbox" not in guest
    assert (tmp_path / "pytest.ini").read_text("utf-8").count("--strict-markers") == 1


def test_the_ci_workflow_and_pre_commit_name_no_address(tmp_path: Path) -> None:
    assert main(["init", "--root", str(tmp_path)]) == 0
    workflow = (tmp_path / ".github/workflows/contracts.yml").read_text("utf-8")
    for command in ("oneentry-contracts run\n", "oneentry-contracts audit-cassettes\n"):
        assert f"- run: {command}" in workflow
    assert "- run: oneentry-contracts run --record" not in workflow  # CI only replays
    for name in FILES - {CONFIG_FILE}:  # the starter names the .test placeholder host
        text = (tmp_path / name).read_text("utf-8")
        assert "://" not in text, name
        assert "index-url" not in text, name
    ours = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    for hook, theirs in zip(repo["hooks"], ours, strict=True):
        for key in ("id", "entry", "files", "types_or"):
            assert hook[key] == theirs[key], key


def test_init_refuses_existing_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / ".gitignore"
    mine.write_text("node_modules/\n", encoding="utf-8")
    assert main(["init", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert ".gitignore already exists" in err
    assert "--force" in err
    assert "--skip-existing" in err
    assert "Traceback" not in err
    assert _written(tmp_path) == {".gitignore"}
    assert main(["init", "--root", str(tmp_path), "--skip-existing"]) == 0
    assert mine.read_text("utf-8") == "node_modules/\n"
    assert ".gitignore (exists, kept)" in capsys.readouterr().out
    assert _written(tmp_path) == FILES
    assert main(["init", "--root", str(tmp_path), "--force"]) == 0
    assert "*.failed.yaml" in mine.read_text("utf-8")
    assert _written(tmp_path) == FILES  # no temporary file left


def test_init_with_the_shops_markers_and_no_guest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["init", "--root", str(tmp_path), "--no-guest", "--storage", "web", "--form", "cart"]
    args += ["--field", "full_name", "--field", "size:list=m", "--account", "card"]
    args += ["--product", "Mug=501"]
    assert main(args) == 0
    assert "guest_purchase.feature" not in " ".join(_written(tmp_path))
    out = capsys.readouterr().out
    assert "the bundled sandbox has no form 'cart', storage 'web', payment account 'card'" in out
    settings = resolve(tmp_path, env={})
    assert settings.config.users["guest"].sandbox_login == ""  # no guest user in the sandbox
    assert settings.config.catalog == {"Mug": 501}
    feature = (tmp_path / "features/registered_purchase.feature").read_text("utf-8")
    assert '"cart" with:' in feature
    assert "| size      | list   | m     |" in feature
    assert 'in storage "web" paying by "<account>"' in feature
    assert "| card    | Mug     | 1        |" in feature


def test_a_form_unknown_to_the_sandbox_needs_its_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--root", str(tmp_path), "--guest-form", "quick"]) == 2
    err = capsys.readouterr().err
    assert "form 'quick' is not in the bundled sandbox" in err
    assert "--guest-field MARKER:TYPE" in err
    assert "--project" in err
    assert not any(tmp_path.iterdir())
    assert main(["init", "--root", str(tmp_path), "--product", "x"]) == 2
    assert "--product 'x': expected a product id or NAME=ID" in capsys.readouterr().err


def test_a_pytest_section_in_pyproject_is_not_shadowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.pytest.ini_options]\naddopts = ["-q"]\n', encoding="utf-8")
    assert main(["init", "--root", str(tmp_path)]) == 0
    assert not (tmp_path / "pytest.ini").exists()
    assert 'testpaths = ["features"]' in capsys.readouterr().out


def test_config_only_and_print_keep_the_starter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--root", str(tmp_path), "--config-only"]) == 0
    assert _written(tmp_path) == {CONFIG_FILE}
    assert (tmp_path / CONFIG_FILE).read_text("utf-8") == render_starter()
    capsys.readouterr()
    assert main(["init", "--root", str(tmp_path), "--print"]) == 0
    assert capsys.readouterr().out == render_starter()


def test_init_project_reads_the_live_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, running: SandboxServer
) -> None:
    """The sandbox in this process stands in for the project: what init reads is its forms,
    storages and accounts, through the harness client, after one sign-in."""
    running.state.reset()
    for name, value in {
        "ONEENTRY_PROJECT_URL": running.base_url,
        "ONEENTRY_APP_TOKEN": running.app_token,
        "ONEENTRY_USER_EMAIL": "your-user@email.com",
        "ONEENTRY_USER_PASSWORD": "123456",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("ONEENTRY_GUEST_EMAIL", "ONEENTRY_GUEST_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert main(["init", "--root", str(tmp_path), "--project"]) == 2  # no product named
    assert main(["init", "--root", str(tmp_path), "--project", "--product", "2957"]) == 0
    feature = (tmp_path / "features/registered_purchase.feature").read_text("utf-8")
    assert 'the order form "order" with:' in feature
    assert "| name   | string |" in feature
    assert 'in storage "orders" paying by "<account>"' in feature
    assert "| cash    | Cosmo   | 1        |" in feature
    assert not (tmp_path / "features/guest_purchase.feature").exists()  # no guest variables
    assert resolve(tmp_path, env={}).config.catalog == {"Cosmo": 2957}
    assert tomllib.loads((tmp_path / CONFIG_FILE).read_text("utf-8"))["catalog"] == {"Cosmo": 2957}
