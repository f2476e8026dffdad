"""Sign-in, sign-up and token rules the live API shows (FIDELITY.md rows A1-A8, O3, O5)."""

from __future__ import annotations

import httpx

from oneentry_sandbox import SandboxServer
from tests.sandbox.sandbox_kit import (
    AUTH,
    DEVICE,
    REGISTERED,
    STORAGE,
    Api,
    assert_error,
    auth_body,
    order_body,
)


def test_app_token_as_a_bearer_is_resource_is_closed(sb: SandboxServer) -> None:
    """A1: the app token must be in x-app-token; as a Bearer it is not seen at all."""
    headers = {"Authorization": f"Bearer {sb.app_token}", "x-device-metadata": DEVICE}
    response = httpx.get(sb.base_url + "/api/content/forms", headers=headers)
    assert_error(response, 403, "Resource is closed")


def test_sign_in_refuses_the_sign_up_fields(api: Api) -> None:
    for extra in ("formIdentifier", "langCode"):
        body = auth_body(*REGISTERED) | {extra: "reg" if extra == "formIdentifier" else "en_US"}
        assert_error(api.post(AUTH + "/auth", body), 400, f"property {extra} should not exist")


def _sign_up_body(email: str) -> dict[str, object]:
    return {
        "langCode": "en_US",
        "authData": [
            {"marker": "email_reg", "value": email},
            {"marker": "password_reg", "value": "s3cret"},
        ],
    }


def test_sign_up_needs_lang_code_but_not_form_identifier(api: Api) -> None:
    body = _sign_up_body("minimal@example.com")
    created = api.post(AUTH + "/sign-up", body)
    assert created.status_code == 200, created.text  # no formIdentifier: the provider's form
    assert created.json()["identifier"] == "minimal@example.com"
    no_lang = {k: v for k, v in _sign_up_body("nolang@example.com").items() if k != "langCode"}
    assert_error(api.post(AUTH + "/sign-up", no_lang), 400, "langCode must be a string")


def test_sign_up_needs_no_device_metadata_but_sign_in_does(sb: SandboxServer) -> None:
    headers = {"x-app-token": sb.app_token}
    body = _sign_up_body("nodevice@example.com")
    response = httpx.post(sb.base_url + AUTH + "/sign-up", json=body, headers=headers)
    assert response.status_code == 200, response.text
    login = auth_body("nodevice@example.com", "s3cret")
    refused = httpx.post(sb.base_url + AUTH + "/auth", json=login, headers=headers)
    assert_error(refused, 400, "Missing x-device-metadata header")


def test_order_storages_need_a_user_token(api: Api, user: Api) -> None:
    """O3: getAllOrdersStorage with the app token alone is 401 (observed live)."""
    assert_error(api.get(STORAGE), 401, "Unauthorized")
    assert user.get(STORAGE).status_code == 200


def test_double_wrapped_form_data_names_an_undefined_marker(user: Api) -> None:
    body = order_body()
    body["formData"] = {"en_US": [body["formData"]]}  # pre-wrapped, then wrapped by the SDK
    response = user.post(f"{STORAGE}/marker/orders/orders", body)
    assert_error(response, 400, "formData's marker 'undefined' marker is required")
