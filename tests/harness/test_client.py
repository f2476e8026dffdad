"""OneEntryClient against httpx.MockTransport: headers, bodies, refresh-and-retry, errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from oneentry_contracts.api.client import (
    DEFAULT_DEVICE_METADATA,
    NOTHING,
    OneEntryClient,
    dump_json,
    make_http_client,
)
from oneentry_contracts.api.retry import RetryPolicy
from oneentry_contracts.errors import (
    ConfigError,
    ContractViolation,
    OutcomeUnknown,
    RetriesExhausted,
    TransportError,
)

BASE = "https://project.oneentry.test"
APP_TOKEN = "app-token-SECRET-1234567890"
AUTH_PATH = "/api/content/users-auth-providers/marker/email/users/auth"
REFRESH_PATH = "/api/content/users-auth-providers/marker/email/users/refresh"
ORDERS_PATH = "/api/content/orders-storage/marker/guest_orders/orders"

Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Records every request and answers with the handler."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


MakeClient = Callable[[Handler], tuple[OneEntryClient, Server]]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    opened: list[httpx.Client] = []

    def make(handler: Handler) -> tuple[OneEntryClient, Server]:
        server = Server(handler)
        http = httpx.Client(transport=httpx.MockTransport(server))
        opened.append(http)
        policy = RetryPolicy(sleep=lambda seconds: None)  # test_retries.py covers retrying
        return OneEntryClient(BASE + "/", APP_TOKEN, http=http, retry=policy), server

    yield make
    for http in opened:
        http.close()


def auth_body(n: int) -> dict[str, str]:
    return {
        "userIdentifier": "user@example.test",
        "authProviderIdentifier": "email",
        "accessToken": f"access-{n}",
        "refreshToken": f"refresh-{n}",
    }


def test_device_metadata_is_the_sdk_node_format() -> None:
    meta = json.loads(DEFAULT_DEVICE_METADATA)
    assert meta == {
        "fingerprint": "UQ_oneentrycontracts",
        "deviceInfo": {"os": "Node.js", "browser": "Node.js/oneentryco", "location": "en-US"},
    }
    assert dump_json(meta).decode() == DEFAULT_DEVICE_METADATA


def test_get_headers_and_query(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(200, json={"id": 1}))
    response = client.call("form", path={"marker": "order"}, params={"langCode": "en_US"})
    (request,) = server.requests
    assert request.method == "GET"
    assert str(request.url) == BASE + "/api/content/forms/marker/order?langCode=en_US"
    assert request.headers["x-app-token"] == APP_TOKEN
    assert request.headers["content-type"] == "application/json"
    assert "x-device-metadata" not in request.headers
    assert "authorization" not in request.headers
    assert request.content == b""
    assert response.status == 200
    assert response.body == {"id": 1}
    assert response.ok
    assert response.endpoint.name == "form"
    assert response.request_json is NOTHING
    assert client.base_url == BASE


def test_a_guest_id_is_sent_without_a_bearer_and_dropped_on_sign_in(
    make_client: MakeClient,
) -> None:
    """As the SDK (1.0.150+) does for a signed-out shopper: `x-guest-id`, no Authorization."""
    guest = "0e6a9c1d-3e7c-4b1a-9f2b-7c3a8d1e0f4a"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json=auth_body(1))
        return httpx.Response(200, json={"id": 1})

    client, server = make_client(answer)
    client.guest_id = guest
    client.call("orders", path={"marker": "guest_orders"})
    client.login("email", [{"marker": "email_reg", "value": "u@example.test"}])
    client.call("orders", path={"marker": "guest_orders"})
    first, sign_in, signed_in = server.requests
    assert first.headers["x-guest-id"] == guest
    assert "authorization" not in first.headers
    assert sign_in.headers["x-guest-id"] == guest  # still a guest while signing in
    assert signed_in.headers["authorization"] == "Bearer access-1"
    assert "x-guest-id" not in signed_in.headers
    assert client.guest_id is None


def test_post_body_is_compact_ordered_utf8_with_device_metadata(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(201, json={"id": 7}))
    body = {"z": 1, "a": "Кристина", "n": None}
    client.call("create_order", path={"marker": "guest_orders"}, json=body)
    (request,) = server.requests
    assert request.content == '{"z":1,"a":"Кристина","n":null}'.encode()
    assert request.headers["x-device-metadata"] == DEFAULT_DEVICE_METADATA
    assert request.url.path == ORDERS_PATH


def test_json_none_sends_null_and_nothing_sends_no_body(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(200, json=True))
    client.call("create_order", path={"marker": "m"}, json=None)
    client.call("create_order", path={"marker": "m"})
    assert [r.content for r in server.requests] == [b"null", b""]


def test_empty_2xx_body_becomes_empty_object(make_client: MakeClient) -> None:
    client, _ = make_client(lambda r: httpx.Response(204))
    assert client.call("cancel_refund", path={"id": 3}).body == {}


def test_login_stores_tokens_and_sends_bearer_afterwards(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json=auth_body(1))
        return httpx.Response(200, json=[])

    client, server = make_client(handler)
    client.call("storages")
    login = client.login("email", [{"marker": "email_reg", "value": "u@example.test"}])
    client.call("storages")
    client.call("forms")  # not 🔐, still carries the token, like the SDK

    assert login.status == 200
    assert client.tokens is not None
    assert client.tokens.access_token == "access-1"
    assert "access-1" not in repr(client.tokens)
    auth_request = server.requests[1]
    assert json.loads(auth_request.content) == {
        "authData": [{"marker": "email_reg", "value": "u@example.test"}]
    }
    assert "authorization" not in auth_request.headers
    assert "authorization" not in server.requests[0].headers
    assert server.requests[2].headers["authorization"] == "Bearer access-1"
    assert server.requests[3].headers["authorization"] == "Bearer access-1"


def test_failed_login_keeps_no_tokens(make_client: MakeClient) -> None:
    client, _ = make_client(lambda r: httpx.Response(401, json={"statusCode": 401}))
    response = client.login("email", [{"marker": "l", "value": "v"}])
    assert response.status == 401
    assert client.tokens is None


def test_login_without_tokens_is_a_contract_violation(make_client: MakeClient) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, json={"userIdentifier": "x"}))
    with pytest.raises(ContractViolation, match="without string accessToken"):
        client.login("email", [])


def test_authorized_false_sends_no_token_and_authorized_true_needs_one(
    make_client: MakeClient,
) -> None:
    client, server = make_client(lambda r: httpx.Response(200, json=auth_body(1)))
    with pytest.raises(ConfigError, match="no user is logged in"):
        client.call("storages", authorized=True)
    client.login("email", [])
    client.call("storages", authorized=False)
    assert "authorization" not in server.requests[-1].headers


def test_logout_posts_refresh_token_with_bearer_and_clears(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(200, json=auth_body(1)))
    client.login("email", [])
    server.handler = lambda r: httpx.Response(200, json=True)
    response = client.logout()
    request = server.requests[-1]
    assert request.url.path.endswith("/marker/email/users/logout")
    assert json.loads(request.content) == {"refreshToken": "refresh-1"}
    assert request.headers["authorization"] == "Bearer access-1"
    assert request.headers["x-device-metadata"] == DEFAULT_DEVICE_METADATA
    assert response.body is True
    assert client.tokens is None


def test_401_refreshes_once_and_retries_once(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json=auth_body(1))
        if request.url.path == REFRESH_PATH:
            return httpx.Response(200, json=auth_body(2))
        if request.headers.get("authorization") == "Bearer access-2":
            return httpx.Response(200, json={"id": 5})
        return httpx.Response(401, json={"statusCode": 401, "message": "Unauthorized"})

    client, server = make_client(handler)
    client.login("email", [])
    response = client.call("create_order", path={"marker": "guest_orders"}, json={"a": 1})

    assert server.paths == [AUTH_PATH, ORDERS_PATH, REFRESH_PATH, ORDERS_PATH]
    refresh = server.requests[2]
    assert json.loads(refresh.content) == {"refreshToken": "refresh-1"}
    assert "authorization" not in refresh.headers
    assert refresh.headers["x-app-token"] == APP_TOKEN
    assert refresh.headers["x-device-metadata"] == DEFAULT_DEVICE_METADATA
    retry = server.requests[3]
    assert retry.headers["authorization"] == "Bearer access-2"
    assert retry.content == server.requests[1].content == b'{"a":1}'
    assert response.status == 200
    assert response.refreshed
    assert client.tokens is not None
    assert client.tokens.refresh_token == "refresh-2"
    assert client.last_refresh is not None
    assert client.last_refresh_error is None


def test_retry_answer_is_returned_even_if_it_is_401_again(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path in (AUTH_PATH, REFRESH_PATH):
            return httpx.Response(200, json=auth_body(len(server.requests)))
        return httpx.Response(401, json={"statusCode": 401})

    client, server = make_client(handler)
    client.login("email", [])
    response = client.call("storages")
    assert server.paths.count(REFRESH_PATH) == 1
    assert len(server.requests) == 4
    assert response.status == 401
    assert response.refreshed


def test_failed_refresh_returns_the_original_401(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json=auth_body(1))
        if request.url.path == REFRESH_PATH:
            return httpx.Response(400, json={"statusCode": 400, "message": "Invalid token"})
        return httpx.Response(401, json={"statusCode": 401, "message": "Unauthorized"})

    client, server = make_client(handler)
    client.login("email", [])
    response = client.call("storages")
    assert server.paths[1:] == ["/api/content/orders-storage", REFRESH_PATH]
    assert response.status == 401
    assert response.body["message"] == "Unauthorized"
    assert not response.refreshed
    assert client.last_refresh_error is not None
    assert client.last_refresh_error.status == 400
    # the next call starts afresh
    server.handler = lambda r: httpx.Response(200, json=[])
    client.call("storages")
    assert client.last_refresh_error is None


def test_no_refresh_without_tokens_or_for_auth_itself(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(401, json={"statusCode": 401}))
    client.call("storages")
    client.login("email", [])
    assert REFRESH_PATH not in server.paths
    assert len(server.requests) == 2


def test_refresh_uses_the_login_provider(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/auth") or request.url.path.endswith("/refresh"):
            return httpx.Response(200, json=auth_body(1))
        return httpx.Response(401, json={})

    client, server = make_client(handler)
    client.login("phone", [])
    client.call("storages")
    assert "/api/content/users-auth-providers/marker/phone/users/refresh" in server.paths


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        (
            httpx.Response(
                502,
                text="<html><body>Bad gateway</body></html>",
                headers={"content-type": "text/html"},
            ),
            "<html><body>Bad gateway",
        ),
        (httpx.Response(500), "an empty body where a JSON error body was expected"),
        (
            httpx.Response(
                200, text='{"id": 1, "formDa', headers={"content-type": "application/json"}
            ),
            '{"id": 1, "formDa',
        ),
    ],
    ids=["html", "empty-error", "truncated"],
)
def test_non_json_answers_are_transport_errors(
    make_client: MakeClient, response: httpx.Response, fragment: str
) -> None:
    client, server = make_client(lambda r: response)
    with pytest.raises(TransportError) as caught:
        client.call("create_order", path={"marker": "guest_orders"}, json={})
    text = str(caught.value)
    assert fragment in text
    assert f"create_order (POST {ORDERS_PATH}) answered {response.status_code}" in text
    assert "content-type:" in text
    assert "How to fix:" in text
    assert APP_TOKEN not in text
    assert "project.oneentry.test" not in text
    assert caught.value.endpoint == "create_order"
    assert len(server.requests) == 1  # a createOrder is never repeated


def test_long_non_json_body_is_cut_to_about_200_characters(make_client: MakeClient) -> None:
    client, _ = make_client(lambda r: httpx.Response(500, text="x" * 5000))
    with pytest.raises(TransportError) as caught:
        client.call("forms")
    assert "x" * 200 in str(caught.value)
    assert "x" * 201 not in str(caught.value)


def test_tokens_are_redacted_from_error_excerpts(make_client: MakeClient) -> None:
    client, server = make_client(lambda r: httpx.Response(200, json=auth_body(1)))
    client.login("email", [])
    server.handler = lambda r: httpx.Response(500, text=f"oops {APP_TOKEN} access-1 refresh-1")
    with pytest.raises(TransportError) as caught:
        client.call("forms")
    text = str(caught.value)
    assert APP_TOKEN not in text
    assert "access-1" not in text
    assert "refresh-1" not in text


@pytest.mark.parametrize(
    ("error", "kind", "headline", "sent"),
    [
        (
            httpx.ReadTimeout(f"read timed out {BASE}"),
            OutcomeUnknown,
            f"create_order (POST {ORDERS_PATH}) was sent, but its answer was lost",
            1,
        ),
        (
            httpx.ConnectError(f"connection refused to {BASE}"),
            RetriesExhausted,
            f"create_order (POST {ORDERS_PATH}) failed; gave up after 4 attempt(s)",
            4,
        ),
    ],
    ids=["timeout", "refused"],
)
def test_timeouts_and_connection_errors_name_endpoint_and_path(
    make_client: MakeClient,
    error: httpx.TransportError,
    kind: type[TransportError],
    headline: str,
    sent: int,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    client, server = make_client(handler)
    with pytest.raises(kind) as caught:
        client.call("create_order", path={"marker": "guest_orders"}, json={})
    text = str(caught.value)
    assert text.startswith(headline)
    assert "How to fix:" in text
    assert caught.value.url == f"POST {ORDERS_PATH}"
    assert APP_TOKEN not in text
    assert "project.oneentry.test" not in text
    assert len(server.requests) == sent


def test_make_http_client_sets_every_timeout_and_no_redirects() -> None:
    with make_http_client() as http:
        timeout = http.timeout
        assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)
        assert http.follow_redirects is False
    with make_http_client(3.0) as http:
        assert http.timeout.read == 3.0


def test_bad_configuration_is_rejected() -> None:
    with httpx.Client() as http:
        with pytest.raises(ConfigError, match="must start with"):
            OneEntryClient("project.oneentry.cloud", APP_TOKEN, http=http)
        with pytest.raises(ConfigError, match="app token is empty"):
            OneEntryClient(BASE, "", http=http)
