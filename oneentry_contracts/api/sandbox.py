"""The sandbox as a recording and live target: started as its own process, never imported.

`oneentry-contracts[sandbox]` installs the emulator (`oneentry_sandbox`). Recording and
`--live` without `--project` start it as `python -m oneentry_sandbox --port 0 --deterministic`
on a free loopback port, with the project file of `[sandbox] project` (the bundled one when
that is empty), wait for its "serving URL" line, and stop it when the run ends. The library
talks to it over HTTP as it talks to a real project, so it never imports it.

The users the scenarios sign in as are the project file's `users` whose logins
`[users.<role>] sandbox_login` names; a role whose login the file lacks has no user, unless
the login was set on purpose (then it is a `ConfigError` naming the key).
"""

from __future__ import annotations

import importlib.util
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final

import httpx
import yaml

from oneentry_contracts.api.children import die_with_parent
from oneentry_contracts.api.target import Logins, Target
from oneentry_contracts.config.settings import Config, Credentials, Settings, UserRole
from oneentry_contracts.errors import ConfigError

__all__ = ["SANDBOX_MODULE", "bundled_project", "sandbox_logins", "started_sandbox"]

SANDBOX_MODULE: Final = "oneentry_sandbox"
_READY: Final = "oneentry-sandbox serving "
_START_SECONDS: Final = 30.0
_STOP_SECONDS: Final = 10.0
_EXTRA: Final = "pip install 'oneentry-contracts[sandbox]'"


def _installed() -> Path:
    """The installed sandbox package's folder, or a ConfigError saying how to install it."""
    spec = importlib.util.find_spec(SANDBOX_MODULE)
    missing = [name for name in ("starlette", "uvicorn") if importlib.util.find_spec(name) is None]
    if spec is None or not spec.submodule_search_locations or missing:
        raise ConfigError(
            "recording or running --live against the sandbox needs the sandbox, which is not "
            f"installed{' (missing: ' + ', '.join(missing) + ')' if missing else ''}.\n"
            f"How to fix: {_EXTRA}; or record against your project with --project.",
            key="sandbox",
        )
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_project() -> Path:
    """The sandbox's own default project file."""
    return _installed() / "default_project.yaml"


def project_file(config: Config, root: Path) -> Path:
    """The project file the sandbox serves: `[sandbox] project`, or the bundled one."""
    if not config.sandbox_project:
        return bundled_project()
    path = (root / config.sandbox_project).resolve()
    if not path.is_file():
        raise ConfigError(
            f"[sandbox] project = {config.sandbox_project!r} in {config.source}: no such file "
            f"({path}).\nHow to fix: give the path of your sandbox project file, relative to "
            f"{root}; or remove the key to use the bundled project.",
            source=config.source,
            key="sandbox.project",
        )
    return path


def _users(path: Path) -> Mapping[str, str]:
    """login -> password of the project file's users (the sandbox checks the file itself)."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"{path}: not a readable sandbox project file ({type(exc).__name__}: {exc}).\n"
            "How to fix: correct the YAML there, or point [sandbox] project at another file.",
            source=str(path),
            key="sandbox.project",
        ) from None
    users = data.get("users") if isinstance(data, dict) else None
    found: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict) and "login" in user and "password" in user:
            found[str(user["login"])] = str(user["password"])
    return found


def sandbox_logins(settings: Settings, root: Path) -> Logins:
    """The users of each role in the sandbox's project file (see the module's docstring)."""
    config = settings.config
    path = project_file(config, root)
    passwords = _users(path)
    by_role: dict[UserRole, Credentials] = {}
    for role, user in config.users.items():
        key = f"users.{role}.sandbox_login"
        login = user.sandbox_login
        if login in passwords:
            by_role[role] = Credentials(login, passwords[login])
        elif login and settings.sources.get(key, "default") != "default":
            known = ", ".join(sorted(passwords)) or "none"
            raise ConfigError(
                f"{key} = {login!r} ({settings.sources[key]}): the sandbox project {path.name} "
                f"has no user with that login (it has: {known}).\nHow to fix: name one of its "
                f"users, add the user to {path.name}, or set {key} = '' for no {role} user.",
                source=settings.sources[key],
                key=key,
            )
    shown = path.name if config.sandbox_project else "the bundled sandbox project"
    return Logins(
        by_role,
        missing=f"add a user to {shown} and name its login in [users.<role>] sandbox_login",
    )


def _lines(stream: IO[str], out: queue.Queue[str]) -> None:
    for line in stream:
        out.put(line)


@contextmanager
def started_sandbox(settings: Settings, root: Path) -> Iterator[Target]:
    """A deterministic sandbox process on a free loopback port, reset before every scenario
    (`Target.reset`) so that each cassette is the same whatever order scenarios run in."""
    config = settings.config
    logins = sandbox_logins(settings, root)
    command = [sys.executable, "-m", SANDBOX_MODULE, "--host", "127.0.0.1", "--port", "0"]
    command += ["--app-token", config.sandbox_app_token, "--deterministic"]
    command += ["--config", str(project_file(config, root))]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        preexec_fn=die_with_parent(),  # a pytest killed outright takes its sandbox along
    )
    try:
        base_url = _wait_ready(process)

        def reset() -> None:
            httpx.post(f"{base_url}/__sandbox/reset", timeout=5.0).raise_for_status()

        yield Target(base_url, config.sandbox_app_token, logins, reset)
    finally:
        process.terminate()
        try:
            process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _wait_ready(process: subprocess.Popen[str]) -> str:
    """The sandbox's URL from its first line; its own error if it stopped instead."""
    assert process.stdout is not None
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + _START_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=min(left, 0.05))
        except queue.Empty:
            if process.poll() is not None and lines.empty():
                break
            continue
        if line.startswith(_READY):
            return line.removeprefix(_READY).strip()
    process.kill()
    said = process.stderr.read().strip() if process.wait() is not None else ""
    raise ConfigError(
        "the sandbox did not start"
        + (f": {said.splitlines()[-1]}" if said else f" within {_START_SECONDS:.0f} s")
        + "\nHow to fix: check [sandbox] project in oneentry-contracts.toml (run "
        "`oneentry-sandbox --config FILE --app-token x` to see the sandbox's own message).",
        key="sandbox.project",
    )
