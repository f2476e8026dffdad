"""A thin OneEntry HTTP client that sends what the `oneentry` SDK 1.0.149 sends.

One `httpx.Client` is shared by the whole test session (`make_http_client`); each scenario
builds its own `OneEntryClient` on top of it, so tokens never leak between scenarios while
connections and the SSL context are reused. The client knows the wire rules of
`shared/reference/oneentry-api.md` §1: `x-app-token` and `Content-Type` on every request, the
Bearer token whenever one is held, `x-device-metadata` on POST only, and the SDK's single
refresh-and-retry after a 401. A shop that checks out guests without signing them in (SDK
1.0.150 and later, `setGuestId`) sets `guest_id`: it is sent as `x-guest-id` on every call
made without a Bearer, and dropped once a user signs in, as the SDK does. Every answer
must be JSON; anything else is a `TransportError`. Each request has the session client's
timeouts and is retried on transient failures as `retry.py` says; messages name the endpoint and
path, never the host or a token.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import httpx

from oneentry_contracts.api.bodies import parse_body
from oneentry_contracts.api.deadline import deadline_transport
from oneentry_contracts.api.endpoints import Endpoint, endpoint
from oneentry_contracts.api.retry import RetryPolicy, send_with_retries
from oneentry_contracts.errors import (
    AuthenticationError,
    ConfigError,
    ContractViolation,
)
from oneentry_contracts.recording.spellings import HOST_AFTER, HOST_BEFORE, host_spellings

__all__ = [
    "DEFAULT_DEVICE_METADATA",
    "DEFAULT_TIMEOUT",
    "NOTHING",
    "ApiResponse",
    "OneEntryClient",
    "Tokens",
    "dump_json",
    "make_http_client",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)

# The Node form of the SDK's `_getDeviceMetadata` (reference §1.3) with a fixed instance id, so
# the refresh token stays bound to one fingerprint and re-recordings are byte-identical.
_INSTANCE_ID = "oneentrycontracts"
DEFAULT_DEVICE_METADATA: Final = (
    '{"fingerprint":"UQ_' + _INSTANCE_ID + '","deviceInfo":{"os":"Node.js",'
    '"browser":"Node.js/' + _INSTANCE_ID[:10] + '","location":"en-US"}}'
)

_SDK_DEFAULT_PROVIDER = "email"  # the SDK refreshes through `email` when no provider is known
_NO_REFRESH = frozenset({"auth", "refresh"})


class _Nothing:
    """The type of `NOTHING`: "send no body", as opposed to `None`, which sends `null`."""

    _instance: _Nothing | None = None

    def __new__(cls) -> _Nothing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOTHING"

    def __bool__(self) -> bool:
        return False


NOTHING: Final = _Nothing()


def dump_json(value: Any) -> bytes:
    """Serialise a body the way every request does: compact, keys in the given order, UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def make_http_client(
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """The one `httpx.Client` of a test session: explicit timeouts, one SSL context, no redirects.

    A redirect from the API is a misconfigured project URL, so it reaches the caller as a
    response instead of being followed. With a `transport` (a replay's), nothing is sent, so no
    SSL context is made and no proxy is read from the environment.
    """
    if not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    headers = {"User-Agent": "oneentry-contracts"}
    if transport is not None:
        return httpx.Client(
            timeout=timeout,
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            headers=headers,
        )
    return httpx.Client(
        timeout=timeout,
        # the read timeout is also the deadline of a whole request (api/deadline.py)
        transport=deadline_transport(timeout.read, httpx.create_ssl_context()),
        follow_redirects=False,
        headers=headers,
    )


@dataclass(frozen=True, slots=True)
class Tokens:
    """A logged-in user's tokens, as returned by `auth` and `refresh`."""

    access_token: str
    refresh_token: str

    def __repr__(self) -> str:  # never show a token in a traceback or a log
        return "Tokens(access_token=<hidden>, refresh_token=<hidden>)"


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """One answered call. `body` is the parsed JSON; an empty 2xx body becomes `{}` as in the SDK.

    No timing is kept: everything here may be compared between a recording and a replay.
    """

    endpoint: Endpoint
    status: int
    body: Any
    url: str
    request_json: Any = NOTHING
    content_type: str = ""
    refreshed: bool = False
    empty: bool = False
    refresh_refused: AuthenticationError | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx, the SDK's idea of success."""
        return 200 <= self.status < 300


class OneEntryClient:
    """Calls catalogue endpoints by name for one scenario; holds that scenario's user tokens."""

    def __init__(
        self,
        base_url: str,
        app_token: str,
        *,
        http: httpx.Client,
        lang_code: str = "en_US",
        device_metadata: str = DEFAULT_DEVICE_METADATA,
        provider_marker: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(  # without the value: it is likely the project's host
                "the project URL must start with https:// or http://",
                key="base_url",
            )
        if not app_token:
            raise ConfigError("the app token is empty; the API rejects every request without it")
        self._base_url = base_url[:-1] if base_url.endswith("/") else base_url
        self._app_token = app_token
        self._http = http
        self.lang_code = lang_code
        self.device_metadata = device_metadata
        self.provider_marker = provider_marker
        self._tokens: Tokens | None = None
        self.guest_id: str | None = None
        self._retry = retry if retry is not None else RetryPolicy()
        self.last_refresh: ApiResponse | None = None

    def __repr__(self) -> str:
        state = "logged in" if self._tokens else "anonymous"
        return f"<OneEntryClient <project URL> {state}>"  # never the host: pytest prints it

    @property
    def base_url(self) -> str:
        """The project URL, without a trailing slash."""
        return self._base_url

    @property
    def http(self) -> httpx.Client:
        """The HTTP client every call goes through (recorded and replayed by the cassette)."""
        return self._http

    @property
    def retry_policy(self) -> RetryPolicy:
        """How transient failures are retried (`retry.py`)."""
        return self._retry

    @property
    def tokens(self) -> Tokens | None:
        """The tokens of the logged-in user, or None."""
        return self._tokens

    @property
    def last_refresh_error(self) -> ApiResponse | None:
        """The failed refresh of the most recent call, if a 401 led to one that failed."""
        refresh = self.last_refresh
        return refresh if refresh is not None and not refresh.ok else None

    # -----------------------------------------------------------------------------------------
    # Calls

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Any = NOTHING,
        authorized: bool | None = None,
    ) -> ApiResponse:
        """Call the catalogue endpoint `name` and return its parsed answer, whatever the status.

        `authorized`: None sends the Bearer token whenever one is held (the SDK's rule), True
        insists on one, False never sends it. A 401 is answered as the SDK does: one refresh,
        then one retry of this request; if the refresh fails the 401 is returned, the
        refresh's answer is kept in `last_refresh_error`, and the 401's `refresh_refused` holds
        the `AuthenticationError` that `expect_status` raises where success was expected.
        Transient failures are retried first, as `retry.py` describes.
        """
        ep = endpoint(name)
        if name != "refresh":
            self.last_refresh = None
        if authorized and self._tokens is None:
            raise ConfigError(
                f"{name} ({ep}) was asked to send the user's token, but no user is logged in.\n"
                "How to fix: log in (a login step) before this step."
            )
        url = self._base_url + ep.url_path(**(path or {}))
        send_token = authorized is not False
        bearer = self._tokens.access_token if send_token and self._tokens else None
        response = self._send(ep, url, params, json, bearer)
        if response.status != 401 or name in _NO_REFRESH or not send_token or self._tokens is None:
            return response
        if not self._refresh():
            return dataclasses.replace(response, refresh_refused=self._refresh_refused(ep, url))
        retry = self._send(ep, url, params, json, self._tokens.access_token)
        return dataclasses.replace(retry, refreshed=True)

    def login(self, provider: str, auth_data: Sequence[Mapping[str, str]]) -> ApiResponse:
        """Sign in with `authData` pairs; on 2xx keep the tokens and the provider marker."""
        body = {"authData": [dict(pair) for pair in auth_data]}
        response = self.call("auth", path={"marker": provider}, json=body, authorized=False)
        if response.ok:
            self._tokens = _tokens_from(response)
            self.provider_marker = provider
            self.guest_id = None  # the SDK stops sending it once the shopper has signed in
        return response

    def logout(self) -> ApiResponse:
        """Post the refresh token to `logout` with the Bearer token; on 2xx forget the tokens."""
        if self._tokens is None:
            raise ConfigError(
                "logout needs a logged-in user, but this client holds no tokens.\n"
                "How to fix: log in before logging out."
            )
        response = self.call(
            "logout",
            path={"marker": self.provider_marker or _SDK_DEFAULT_PROVIDER},
            json={"refreshToken": self._tokens.refresh_token},
            authorized=True,
        )
        if response.ok:
            self._tokens = None
        return response

    # -----------------------------------------------------------------------------------------
    # Internals

    def _refresh(self) -> bool:
        """The SDK's refresh: no Authorization, stored refresh token in the body. True on 2xx."""
        assert self._tokens is not None
        ep = endpoint("refresh")
        provider = self.provider_marker or _SDK_DEFAULT_PROVIDER
        url = self._base_url + ep.url_path(marker=provider)
        body = {"refreshToken": self._tokens.refresh_token}
        response = self._send(ep, url, None, body, None)
        self.last_refresh = response
        if not response.ok:
            return False
        self._tokens = _tokens_from(response)
        return True

    def _headers(self, ep: Endpoint, bearer: str | None) -> dict[str, str]:
        headers = {"x-app-token": self._app_token, "Content-Type": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        elif self.guest_id:
            headers["x-guest-id"] = self.guest_id
        if ep.method == "POST":
            headers["x-device-metadata"] = self.device_metadata
        return headers

    def _send(
        self,
        ep: Endpoint,
        url: str,
        params: Mapping[str, str | int] | None,
        body: Any,
        bearer: str | None,
    ) -> ApiResponse:
        content = None if body is NOTHING else dump_json(body)
        headers = self._headers(ep, bearer)
        query = dict(params) if params else None

        def attempt() -> httpx.Response:
            return self._http.request(
                ep.method, url, params=query, content=content, headers=headers
            )

        where = f"{ep.method} {url.removeprefix(self._base_url)}"
        raw = send_with_retries(
            self._retry, ep, where, attempt, timeout=self._http.timeout, redact=self._redact
        )
        return ApiResponse(
            endpoint=ep,
            status=raw.status_code,
            body=parse_body(ep, where, raw, self._redact),
            url=str(raw.request.url),
            request_json=body,
            content_type=raw.headers.get("content-type", ""),
            empty=not raw.content.strip(),
        )

    def _refresh_refused(self, ep: Endpoint, url: str) -> AuthenticationError:
        refused = self.last_refresh
        assert refused is not None
        body = refused.body
        message = body.get("message") if isinstance(body, dict) else None
        said = f" {json.dumps(message, ensure_ascii=False)}" if message else ""
        where = f"{ep.method} {url.removeprefix(self._base_url)}"
        provider = self.provider_marker or _SDK_DEFAULT_PROVIDER
        return AuthenticationError(
            self._redact(
                f"{ep.name} ({where}) answered 401: the access token expired and the refresh was "
                f"refused ({refused.status}{said}).\nHow to fix: sign in again (a login step "
                f"before this one); if a fresh sign-in is refused too, check the auth provider "
                f"'{provider}' in the admin panel (token lifetimes, refresh allowed)."
            ),
            endpoint=ep.name,
            status=refused.status,
        )

    def _redact(self, text: str) -> str:
        forms = host_spellings(self._base_url)  # as configured, as httpx sends it, any case
        for group, label in ((forms.urls, "<project URL>"), (forms.netlocs, "<project host>")):
            text = _caseless(group).sub(label, text)
        text = _caseless(forms.hosts, HOST_BEFORE, HOST_AFTER).sub("<project host>", text)
        secrets = {self._app_token: "<app token>"}
        if self._tokens is not None:
            secrets[self._tokens.access_token] = "<access token>"
            secrets[self._tokens.refresh_token] = "<refresh token>"
        for value, label in secrets.items():
            if value:
                text = text.replace(value, label)
        return text


def _tokens_from(response: ApiResponse) -> Tokens:
    body = response.body
    access = body.get("accessToken") if isinstance(body, dict) else None
    refresh = body.get("refreshToken") if isinstance(body, dict) else None
    if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
        keys = ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__
        raise ContractViolation(
            f"{response.endpoint.name} answered {response.status} without string accessToken "
            f"and refreshToken (got: {keys}).\n"
            "How to fix: check the auth provider's configuration in the admin panel.",
            endpoint=response.endpoint.name,
            origin=response.url,
        )
    return Tokens(access, refresh)


def _caseless(forms: tuple[str, ...], before: str = "", after: str = "") -> re.Pattern[str]:
    body = "|".join(re.escape(form) for form in forms) or "(?!)"
    return re.compile(f"{before}(?:{body}){after}", re.IGNORECASE)


class Caller(Protocol):
    """What reads the API by endpoint name: a `ContractApi` (checked against the schemas), or a
    stand-in that answers from the cassettes (check-forms offline)."""

    def call(
        self,
        name: str,
        *,
        path: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> ApiResponse: ...
