"""The sandbox's exceptions.

SandboxError
 ├── ConfigError   a project file (or CLI option) is malformed; names file, key and problem
 └── ApiError      an HTTP refusal; rendered as the OneEntry error body
"""

from __future__ import annotations

__all__ = ["ApiError", "ConfigError", "SandboxError"]


class SandboxError(Exception):
    """Base of every error the sandbox raises on purpose."""


class ConfigError(SandboxError):
    """A project configuration problem, located by file and key path."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        super().__init__(f"{file}: {key}: {problem}")


class ApiError(SandboxError):
    """An HTTP error answer: `{"statusCode", "message", "pageData": null, "timestamp"}`."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status} {message}")
