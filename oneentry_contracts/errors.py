"""The harness's exceptions: one tree, context in attributes.

    HarnessError                  anything the harness reports to a person
    ├── ConfigError               bad config file, missing environment variable, bad CLI usage
    ├── ContractViolation         the API broke its contract
    │   ├── SchemaViolation       a body does not match its JSON Schema
    │   └── UnexpectedStatus      a status code other than the one the step expects
    ├── CassetteError             a cassette is missing, malformed, stale or not fully used
    │   └── UnreadableCassette    a cassette file cannot be parsed (not YAML, not a cassette)
    ├── TransportError            the project could not be reached, timed out, or answered non-JSON
    │   ├── RetriesExhausted      every attempt of a retried request failed
    │   └── OutcomeUnknown        a non-idempotent request was sent, but its answer was lost
    ├── AuthenticationError       the access token expired and the refresh was refused
    └── FormConfigMismatch        the admin's form configuration differs from what scenarios send

Every message says what failed, where, and how to fix it. Callers that print errors to a person
(the CLI, the pytest plugin) show `str(error)` and never a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "CassetteError",
    "ConfigError",
    "ContractViolation",
    "FormConfigMismatch",
    "HarnessError",
    "OutcomeUnknown",
    "RetriesExhausted",
    "SchemaViolation",
    "TransportError",
    "UnexpectedStatus",
    "UnreadableCassette",
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


class UnreadableCassette(CassetteError):
    """A cassette file that cannot be parsed: broken YAML, an old format, a missing field."""


class TransportError(HarnessError):
    """The request did not produce a usable JSON answer: unreachable, timeout, non-JSON body."""

    def __init__(
        self, message: str, *, endpoint: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.url = url


class _Attempted(TransportError):
    """A transport failure after one or more attempts; `attempts` describes each, in order."""

    def __init__(
        self,
        message: str,
        *,
        attempts: tuple[str, ...],
        endpoint: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, url=url)
        self.attempts = attempts


class RetriesExhausted(_Attempted):
    """A retried request failed on every attempt; `attempts` describes each one, in order."""


class OutcomeUnknown(_Attempted):
    """A request that must not be repeated (createOrder, ...) may have reached the server, but
    no answer arrived; it was not retried. `attempts` describes each attempt, in order."""


class AuthenticationError(HarnessError):
    """A step expected success, but the access token expired and the refresh was refused."""

    def __init__(self, message: str, *, endpoint: str | None = None, status: int = 0) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.status = status


class FormConfigMismatch(HarnessError):
    """The project's forms, storages or accounts no longer fit what the scenarios send."""
