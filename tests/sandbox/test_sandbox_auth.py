"""AuthProvider endpoints and every token refusal."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import AUTH, DEVICE, GUEST, REGISTERED, Api, assert_error, auth_body

PROVIDERS = "/api/content/users-auth-providers"
STORAGES = "/api/content/orders-storage"


def _payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_auth_returns_the_auth_entity_with_a_jwt(api: Api) -> None:
    tokens = api.login(*GUEST)
    assert set(tokens) == {
        "userIdentifier",
        "authProviderIdentifier",
        "accessToken",
        "refreshToken",
    }
    assert tokens["userIdentifier"] == "guest@onnentry.cloud"
    assert tokens["authProviderIdentifier"] == "email"
    header = json.loads(base64.urlsafe_b64decode(tokens["accessToken"].split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    payload = _payload(tokens["accessToken"])
    assert set(payload) == {"id", "authProviderIdentifier", "userIdentifier", "iat", "exp"}
    assert payload["id"] == 16
    assert payload["exp"] == payload["iat"] + 36000  # type: ignore[operator]
    millis, _, uuid = tokens["refreshToken"].partition("-")
    assert millis.isdigit()
    assert len(millis) == 13
    assert len(uuid) == 36


def test_wrong_password_is_refused(api: Api) -> None:
    response = api.post(AUTH + "/auth", auth_body(GUEST[0], "nope"))
    assert_error(response, 401, "Invalid login or password")


def test_missing_auth_marker_is_named(api: Api) -> None:
    response = api.post(AUTH + "/auth", {"authData": [{"marker": "email_reg", "value": "x@y.z"}]})
    assert_error(response, 400, "authData's marker 'password_reg' value is missing or incorrect")


def test_bare_auth_array_is_refused(api: Api) -> None:
    body = auth_body(*GUEST)["authData"]
    assert_error(
        api.post(AUTH + "/auth", body), 400, "authData must be an array of {marker, value}"
    )


def test_refresh_rotates_and_a_spent_token_is_refused(api: Api) -> None:
    first = api.login(*REGISTERED)
    second = api.post(AUTH + "/refresh", {"refreshToken": first["refreshToken"]})
    assert second.status_code == 200
    assert second.json()["refreshToken"] != first["refreshToken"]
    assert set(second.json()) == set(first)
    again = api.post(AUTH + "/refresh", {"refreshToken": first["refreshToken"]})
    assert_error(again, 400, "Refresh token is invalid or expired")
    third = api.post(AUTH + "/refresh", {"refreshToken": second.json()["refreshToken"]})
    assert third.status_code == 200


def test_refresh_needs_the_login_device(sb: SandboxServer, api: Api) -> None:
    tokens = api.login(*REGISTERED)
    other = Api(sb.base_url, sb.app_token, device=DEVICE.replace("UQ_sandboxtests", "UQ_other"))
    response = other.post(AUTH + "/refresh", {"refreshToken": tokens["refreshToken"]})
    other.close()
    assert_error(response, 400, "Refresh token was issued to another device")


def test_post_without_device_metadata_is_refused(sb: SandboxServer) -> None:
    response = httpx.post(
        sb.base_url + AUTH + "/auth",
        json=auth_body(*GUEST),
        headers={"x-app-token": sb.app_token},
    )
    assert_error(response, 400, "Missing x-device-metadata header")


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_app_token_missing_or_wrong_is_403(sb: SandboxServer, token: str | None) -> None:
    headers = {"x-device-metadata": DEVICE} | ({"x-app-token": token} if token else {})
    for method, path in [("GET", "/api/content/forms"), ("POST", AUTH + "/auth")]:
        response = httpx.request(method, sb.base_url + path, headers=headers, json={})
        assert_error(response, 403, "Resource is closed")


def test_missing_bearer_is_401(api: Api) -> None:
    assert_error(api.get(STORAGES), 401, "Unauthorized")


def test_malformed_bearer_is_401(api: Api) -> None:
    assert_error(api.get(STORAGES, token="not.a.jwt"), 401, "Access token is invalid")


def test_tampered_bearer_is_401(api: Api) -> None:
    token = api.login(*REGISTERED)["accessToken"]
    header, payload, sig = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["id"] = 16
    raw = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    assert_error(api.get(STORAGES, token=f"{header}.{raw}.{sig}"), 401, "Access token is invalid")


def test_expired_bearer_is_401(sb: SandboxServer, user: Api) -> None:
    assert user.get(STORAGES).status_code == 200
    httpx.post(sb.base_url + "/__sandbox/clock", json={"advance_sec": 36001}).raise_for_status()
    assert_error(user.get(STORAGES), 401, "Access token has expired")


def test_logout_revokes_the_access_and_refresh_tokens(user: Api) -> None:
    tokens = user.login(*REGISTERED)
    response = user.post(AUTH + "/logout", {"refreshToken": tokens["refreshToken"]})
    assert response.status_code == 200
    assert response.json() is True
    assert_error(user.get(STORAGES), 401, "Access token has been revoked")
    refused = user.post(AUTH + "/refresh", {"refreshToken": tokens["refreshToken"]})
    assert_error(refused, 400, "Refresh token is invalid or expired")


def test_logout_needs_a_bearer(api: Api) -> None:
    tokens = api.login(*REGISTERED)
    assert_error(
        api.post(AUTH + "/logout", {"refreshToken": tokens["refreshToken"]}, token=""),
        401,
        "Unauthorized",
    )


def test_logout_all_revokes_every_login_of_the_user(sb: SandboxServer, api: Api) -> None:
    first = api.login(*REGISTERED)
    second = api.login(*REGISTERED)
    guest = Api(sb.base_url, sb.app_token)
    guest.login(*GUEST)
    response = api.post(AUTH + "/logout-all")
    assert response.json() is True
    assert_error(
        api.get(STORAGES, token=first["accessToken"]), 401, "Access token has been revoked"
    )
    assert_error(
        api.get(STORAGES, token=second["accessToken"]), 401, "Access token has been revoked"
    )
    assert guest.get(STORAGES).status_code == 200
    guest.close()


def test_sign_up_creates_a_user_who_can_log_in(api: Api) -> None:
    body = {
        "formIdentifier": "reg",
        "langCode": "en_US",
        "authData": [
            {"marker": "email_reg", "value": "new@example.com"},
            {"marker": "password_reg", "value": "s3cret"},
        ],
        "formData": {"en_US": [{"marker": "last_name", "type": "string", "value": "Name"}]},
        "notificationData": {"email": "new@example.com", "phonePush": [], "phoneSMS": "+1999"},
    }
    response = api.post(AUTH + "/sign-up", body)
    assert response.status_code == 200, response.text
    entity = response.json()
    assert entity["id"] == 17
    assert entity["identifier"] == "new@example.com"
    assert entity["isActive"] is True
    assert entity["version"] == 0
    assert entity["formData"] == [{"marker": "last_name", "type": "string", "value": "Name"}]
    assert entity["notificationData"] == {
        "email": "new@example.com",
        "phonePush": [],
        "phoneSMS": "+1999",
    }
    assert isinstance(entity["updatedDate"], str)
    assert api.login("new@example.com", "s3cret")["userIdentifier"] == "new@example.com"
    again = api.post(AUTH + "/sign-up", body)
    assert_error(again, 400, "User 'new@example.com' already exists")


def test_sign_up_refuses_an_empty_phone_sms(api: Api) -> None:
    body = {
        "formIdentifier": "reg",
        "langCode": "en_US",
        "authData": auth_body("x@example.com", "pw")["authData"],
        "formData": {"en_US": []},
        "notificationData": {"email": "x@example.com", "phonePush": [], "phoneSMS": ""},
    }
    response = api.post(AUTH + "/sign-up", body)
    assert_error(response, 400, "notificationData.phoneSMS must not be empty")


def test_provider_by_marker_and_list(api: Api) -> None:
    provider = api.get(PROVIDERS + "/marker/email", params={"langCode": "en_US"}).json()
    assert provider == {
        "id": 1,
        "localizeInfos": {"title": "email"},
        "config": {
            "accessTokenTtlSec": "36000",
            "refreshTokenTtlMc": "604800000",
            "deleteNoneActiveUsersAfterDays": "2",
            "systemCodeTlsSec": "120",
            "systemCodeLength": "6",
            "systemCodeOnlyNumbers": None,
            "oauthAuthUrl": None,
        },
        "version": 0,
        "identifier": "email",
        "type": "email",
        "formIdentifier": "reg",
        "userGroupIdentifier": "guest",
        "isActive": True,
        "isCheckCode": False,
    }
    assert api.get(PROVIDERS, params={"offset": 0, "limit": 30}).json() == [provider]
    assert_error(api.get(PROVIDERS + "/marker/nope"), 404, "Auth provider 'nope' not found")


def test_unknown_route_answers_the_error_body(api: Api) -> None:
    assert_error(api.get("/api/content/nothing"), 404, "Cannot GET /api/content/nothing")
