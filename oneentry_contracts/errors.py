"""The harness's exceptions: one tree, context in attributes.

    HarnessError                  anything the harness reports to a person
    ├── ConfigError               bad config file, missing environment variable, bad CLI usage
    ├── ContractViolation         the API broke its contract
    │   ├── SchemaViolation       a body does not match its JSON Schema
    │   └── UnexpectedStatus      a status code other than the one the step expects
    ├── CassetteError             a cassette is missing, malformed, stale or not fully used
    ├── TransportError            the project could not be reached, timed out, or answered non-JSON
    └── FormConfigMismatch        the admin's form configuration differs from what scenarios send

Every message says what failed, where, and how to fix it. Callers that print errors to a person
(the CLI, the pytest plugin) show `str(error)` and never a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CassetteError",
    "ConfigError",
    "ContractViolation",
    "FormConfigMismatch",
    "HarnessError",
    "SchemaViolation",
    "TransportError",
    "UnexpectedStatus",
]


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""


class ConfigError(HarnessError):
    """A configuration problem: a file, a key, an environment variable, a CLI option."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.key = key


class ContractViolation(HarnessError):
    """The API answered in a way its contract does not allow."""

    def __init__(
        self, message: str, *, endpoint: str | None = None, origin: str | None = None
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.origin = origin


class SchemaViolation(ContractViolation):
    """A JSON body failed validation; `errors` holds every violation, the first is the headline."""

    def __init__(
        self,
        message: str,
        *,
        schema: str,
        keyword: str,
        pointer: str,
        value: Any,
        endpoint: str | None = None,
        origin: str | None = None,
        errors: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, endpoint=endpoint, origin=origin)
        self.schema = schema
        self.keyword = keyword
        self.pointer = pointer
        self.value = value
        self.errors = errors


class UnexpectedStatus(ContractViolation):
    """The status code differs from the one the scenario expects."""

    def __init__(
        self,
        message: str,
        *,
        expected: int,
        actual: int,
        body: Any = None,
        endpoint: str | None = None,
        origin: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, origin=origin)
        self.expected = expected
        self.actual = actual
        self.body = body


class CassetteError(HarnessError):
    """A recording problem: missing, malformed or stale cassette, unplayed interactions."""

    def __init__(self, message: str, *, cassette: str | None = None) -> None:
        super().__init__(message)
        self.cassette = cassette


class TransportError(HarnessError):
    """The request did not produce a usable JSON answer: unreachable, timeout, non-JSON body."""

    def __init__(
        self, message: str, *, endpoint: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.url = url


class FormConfigMismatch(HarnessError):
    """The project's forms, storages or accounts no longer fit what the scenarios send."""
