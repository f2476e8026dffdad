"""Contract-checked calls: every answer is validated against its schema before a step sees it.

`ContractApi` wraps one scenario's `OneEntryClient`. A 2xx body is validated against the
endpoint's schema, any other body against the error schema, so no response goes unchecked.
Violations name the schema, keyword, pointer, endpoint and the cassette or live URL (`origin`).
An empty body that its schema rejects is a `TransportError` (the body went missing, the contract
did not change); `expect_status` raises the `AuthenticationError` of a 401 whose refresh failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from oneentry_contracts.api.bodies import empty_body_error
from oneentry_contracts.api.client import NOTHING, ApiResponse, OneEntryClient, dump_json
from oneentry_contracts.api.endpoints import ERROR_SCHEMA
from oneentry_contracts.errors import SchemaViolation, UnexpectedStatus
from oneentry_contracts.recording.vcr import explain_replay_failure
from oneentry_contracts.schemas.store import SchemaStore

__all__ = ["ContractApi", "expect_status"]


def _vcr_refusal() -> type[Exception] | tuple[()]:
    """vcrpy's "can't play back" error, if vcrpy is in use (a replay serves cassettes without
    it, recording/replay.py, and then there is nothing to catch)."""
    errors = sys.modules.get("vcr.errors")
    if errors is None:
        return ()
    refusal: type[Exception] = errors.CannotOverwriteExistingCassetteException
    return refusal


_BODY_LINES = 20
_FORBIDDEN = (
    "\nHow to fix: a 403 on every call means the app token is wrong: check ONEENTRY_APP_TOKEN "
    "(the project's app token, from the admin panel's settings) when running --project. On "
    "one call only, the entity is closed or the user lacks a permission in the admin panel."
)


@dataclass(frozen=True, slots=True)
class ContractApi:
    """One scenario's view of the API: calls by endpoint name, each answer schema-checked."""

    client: OneEntryClient
    schemas: SchemaStore = field(repr=False)  # every schema: pages of text in a traceback
    origin: str
    strict: bool = False
    rerecord_command: str = "oneentry-contracts run --record"

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Any = NOTHING,
    ) -> ApiResponse:
        """Make the call, then validate its body; replay mismatches become a readable error."""
        try:
            response = self.client.call(name, path=path, params=params, json=json)
        except _vcr_refusal() as exc:
            raise explain_replay_failure(
                exc, cassette_path=self.origin, rerecord_command=self.rerecord_command
            ) from None
        return self._checked(response)

    def login(self, provider: str, auth_data: Sequence[Mapping[str, str]]) -> ApiResponse:
        """Sign in through an auth provider; the client keeps the tokens for later calls."""
        try:
            response = self.client.login(provider, auth_data)
        except _vcr_refusal() as exc:
            raise explain_replay_failure(
                exc, cassette_path=self.origin, rerecord_command=self.rerecord_command
            ) from None
        return self._checked(response)

    def control(self, method: str, path: str, body: Any, schema: str) -> Any:
        """A call outside the OneEntry API on the same host (a sandbox's control API), recorded
        and replayed like the others; a 200 answer is checked against `schema` and returned.
        `body` is sent as JSON; None sends no body."""
        endpoint = f"{method} {path}"
        try:
            raw = self.client.http.request(
                method,
                self.client.base_url + path,
                content=None if body is None else dump_json(body),
                headers={} if body is None else {"Content-Type": "application/json"},
            )
        except _vcr_refusal() as exc:
            raise explain_replay_failure(
                exc, cassette_path=self.origin, rerecord_command=self.rerecord_command
            ) from None
        try:
            answer = raw.json()
        except ValueError:
            answer = raw.text[:200]
        if raw.status_code != 200:
            raise UnexpectedStatus(
                f"{endpoint} answered {raw.status_code}, expected 200: {answer!r}",
                expected=200,
                actual=raw.status_code,
                body=answer,
                endpoint=endpoint,
            )
        self.schemas.validate(schema, answer, endpoint=endpoint, origin=self.origin)
        return answer

    def _checked(self, response: ApiResponse) -> ApiResponse:
        schema = response.endpoint.schema if response.ok else ERROR_SCHEMA
        try:
            self.schemas.validate(
                schema,
                response.body,
                endpoint=str(response.endpoint),
                origin=self.origin,
                strict=self.strict,
            )
        except SchemaViolation:
            if not response.empty:
                raise
            raise empty_body_error(
                response.endpoint, response.status, response.content_type, schema, self.origin
            ) from None
        return response


def expect_status(response: ApiResponse, expected: int | None = None) -> Any:
    """The body, if the status is the expected one (the endpoint's success status by default)."""
    want = response.endpoint.success_status if expected is None else expected
    if response.status != want and response.refresh_refused is not None:
        raise response.refresh_refused
    if response.status != want:
        shown = json.dumps(response.body, indent=2, ensure_ascii=False).splitlines()
        if len(shown) > _BODY_LINES:
            shown = [*shown[:_BODY_LINES], "  ..."]
        body = "\n".join("    " + line for line in shown)
        hint = _FORBIDDEN if response.status == 403 else ""
        raise UnexpectedStatus(
            f"{response.endpoint} answered {response.status}, expected {want}.\n  body:\n{body}"
            + hint,
            expected=want,
            actual=response.status,
            body=response.body,
            endpoint=str(response.endpoint),
        )
    return response.body
