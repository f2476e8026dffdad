"""A local, stateful emulator of the part of the OneEntry API the harness uses.

Public surface: `SandboxServer` (run in a background thread), `load_project` /
`default_project` / `parse_project` (project files), `ProjectConfig`, `SandboxState`,
`build_app` (the ASGI app), and the errors `SandboxError`, `ConfigError`, `ApiError`.
The control API (`/__sandbox/...`) is described in `oneentry_sandbox.control`, and its payment
provider actions (pay, fail, expire a session) in `oneentry_sandbox.provider`. What the sandbox
answers, and the evidence that live projects answer so, is in `FIDELITY.md` next to this file.
"""

from __future__ import annotations

from oneentry_sandbox.app import build_app
from oneentry_sandbox.config import ProjectConfig
from oneentry_sandbox.errors import ApiError, ConfigError, SandboxError
from oneentry_sandbox.loader import default_project, load_project, parse_project
from oneentry_sandbox.server import SandboxServer
from oneentry_sandbox.state import SandboxState

__all__ = [
    "ApiError",
    "ConfigError",
    "ProjectConfig",
    "SandboxError",
    "SandboxServer",
    "SandboxState",
    "build_app",
    "default_project",
    "load_project",
    "parse_project",
]
