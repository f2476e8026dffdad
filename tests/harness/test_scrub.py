"""Scrubbing: planted secrets never survive, placeholders are stable and round-trip."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vcr.request import Request  # type: ignore[import-untyped]

from oneentry_contracts.errors import ConfigError
from oneentry_contracts.recording.scrub import HOST_PLACEHOLDER, REDACTED, Scrubber, ScrubConfig

REAL = "http://127.0.0.1:5555"
APP_TOKEN = "app-TOKEN-9f8e7d6c5b4a"
PASSWORD = "Sup3r-Secret-Pass"
EMAIL = "jane.doe+shop@realmail.example"
GUEST_EMAIL = "guest@onnentry.cloud"
JWT_1 = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6OCwidXNlcklkZW50aWZpZXIiOiJqYW5lIn0"
    ".c2lnbmF0dXJlLW9uZQ"
)
JWT_2 = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6OSwiZXhwIjoxfQ.c2lnbmF0dXJlLXR3bw"
REFRESH_1 = "1767759348848-7184d7ba-a66d-4f30-bb76-29a64696f96d"
REFRESH_2 = "1767759399999-0000d7ba-a66d-4f30-bb76-29a64696f96d"
PLANTED = (APP_TOKEN, PASSWORD, EMAIL, "127.0.0.1", "5555", JWT_1, JWT_2, REFRESH_1, REFRESH_2)


def config(**extra: Any) -> ScrubConfig:
    return ScrubConfig(
        real_base_urls=(REAL,),
        secrets={
            APP_TOKEN: "<APP_TOKEN>",
            PASSWORD: "registered-password-placeholder",
            EMAIL: "registered-user@example.test",
        },
        **extra,
    )


def request(
    method: str = "POST",
    path: str = "/api/content/users-auth-providers/marker/email/users/auth",
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: str = "",
) -> Request:
    raw = None if body is None else json.dumps(body).encode()
    uri = f"{REAL}{path}" + (f"?{query}" if query else "")
    base = {
        "host": "127.0.0.1:5555",
        "user-agent": "python-httpx/0.28.1",
        "accept-encoding": "gzip, deflate",
        "x-app-token": APP_TOKEN,
        "content-type": "application/json",
        "cookie": f"session={APP_TOKEN}",
    }
    return Request(method, uri, raw, {**base, **(headers or {})})


def response(body: Any, *, status: int = 200, raw: bytes | None = None) -> dict[str, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    return {
        "status": {"code": status, "message": "OK"},
        "headers": {
            "Content-Type": ["application/json; charset=utf-8"],
            "Content-Length": [str(len(data))],
            "Date": ["Mon, 23 Nov 2026 16:00:00 GMT"],
            "Server": ["uvicorn"],
            "Set-Cookie": [f"sid={JWT_1}"],
            "X-Request-Id": ["abc-123"],
            "Location": [f"{REAL}/api/content/orders-storage/marker/x/orders/1"],
        },
        "body": {"string": data},
    }


def dumped_request(r: Request) -> str:
    return json.dumps(
        {"uri": r.uri, "headers": dict(r.headers), "body": (r.body or b"").decode()},
        ensure_ascii=False,
    )


def dumped_response(r: dict[str, Any]) -> str:
    body = r["body"]["string"]
    return json.dumps({"headers": r["headers"], "body": body.decode("utf-8", "replace")})


def assert_clean(text: str) -> None:
    for secret in PLANTED:
        assert secret not in text, f"{secret!r} leaked into {text}"
    assert "eyJ" not in text


def test_login_request_and_response_are_scrubbed() -> None:
    scrubber = Scrubber(config())
    auth = {
        "authData": [
            {"marker": "email_reg", "value": EMAIL},
            {"marker": "password_reg", "value": PASSWORD},
        ]
    }
    scrubbed = scrubber.before_record_request(request(body=auth))
    text = dumped_request(scrubbed)
    assert_clean(text)
    assert scrubbed.uri == (
        HOST_PLACEHOLDER + "/api/content/users-auth-providers/marker/email/users/auth"
    )
    assert json.loads(scrubbed.body) == {
        "authData": [
            {"marker": "email_reg", "value": "registered-user@example.test"},
            {"marker": "password_reg", "value": "registered-password-placeholder"},
        ]
    }
    assert {k.lower() for k in scrubbed.headers} == {"x-app-token", "content-type"}
    assert scrubbed.headers["x-app-token"] == "<APP_TOKEN>"

    answer = response(
        {
            "userIdentifier": EMAIL,
            "authProviderIdentifier": "email",
            "accessToken": JWT_1,
            "refreshToken": REFRESH_1,
        }
    )
    out = scrubber.before_record_response(answer)
    assert_clean(dumped_response(out))
    body = json.loads(out["body"]["string"])
    assert body == {
        "userIdentifier": "registered-user@example.test",
        "authProviderIdentifier": "email",
        "accessToken": "<ACCESS_TOKEN_1>",
        "refreshToken": "<REFRESH_TOKEN_1>",
    }
    assert set(out["headers"]) == {"Content-Type", "Content-Length", "Location"}
    assert out["headers"]["Content-Length"] == [str(len(out["body"]["string"]))]
    assert out["headers"]["Location"] == [
        HOST_PLACEHOLDER + "/api/content/orders-storage/marker/x/orders/1"
    ]


def test_a_token_from_a_response_maps_to_the_same_placeholder_in_later_requests() -> None:
    scrubber = Scrubber(config())
    scrubber.before_record_response(response({"accessToken": JWT_1, "refreshToken": REFRESH_1}))
    refresh = scrubber.before_record_request(
        request(
            path="/api/content/users-auth-providers/marker/email/users/refresh",
            body={"refreshToken": REFRESH_1},
        )
    )
    assert json.loads(refresh.body) == {"refreshToken": "<REFRESH_TOKEN_1>"}
    call = scrubber.before_record_request(
        request(
            method="GET",
            path="/api/content/orders-storage",
            headers={"authorization": f"Bearer {JWT_1}"},
        )
    )
    assert call.headers["authorization"] == "Bearer <ACCESS_TOKEN_1>"
    rotated = scrubber.before_record_response(
        response({"accessToken": JWT_2, "refreshToken": REFRESH_2})
    )
    assert json.loads(rotated["body"]["string"]) == {
        "accessToken": "<ACCESS_TOKEN_2>",
        "refreshToken": "<REFRESH_TOKEN_2>",
    }
    assert scrubber.issued == (
        "<ACCESS_TOKEN_1>",
        "<REFRESH_TOKEN_1>",
        "<ACCESS_TOKEN_2>",
        "<REFRESH_TOKEN_2>",
    )


def test_placeholders_pass_through_unchanged() -> None:
    """In replay the client sends back the placeholders a replayed response gave it."""
    scrubber = Scrubber(config())
    body = {"refreshToken": "<REFRESH_TOKEN_1>", "email": "registered-user@example.test"}
    out = scrubber.before_record_request(
        request(body=body, headers={"authorization": "Bearer <ACCESS_TOKEN_3>"})
    )
    assert json.loads(out.body) == body
    assert out.headers["authorization"] == "Bearer <ACCESS_TOKEN_3>"
    assert scrubber.issued == ()


def test_placeholders_are_stable_across_scrubbers() -> None:
    """Two recordings with different real tokens give the same scrubbed bytes."""

    def record(access: str, refresh: str) -> tuple[bytes, bytes]:
        scrubber = Scrubber(config())
        answer = scrubber.before_record_response(
            response({"accessToken": access, "refreshToken": refresh})
        )
        sent = scrubber.before_record_request(request(body={"refreshToken": refresh}))
        return answer["body"]["string"], sent.body

    assert record(JWT_1, REFRESH_1) == record(JWT_2, REFRESH_2)


def test_secrets_anywhere_in_nested_json_and_text() -> None:
    scrubber = Scrubber(config())
    nested = {
        "items": [
            {
                "formData": {"en_US": [{"marker": "email", "type": "string", "value": EMAIL}]},
                "paymentUrl": f"{REAL}/pay?token={APP_TOKEN}",
                "note": f"Bearer {JWT_1} and {REFRESH_1}",
                "config": {"tokenSecretKey": "very-secret-key", "password": "whatever"},
                "guest": GUEST_EMAIL,
                "count": 5555,
            }
        ]
    }
    out = scrubber.before_record_response(response(nested))
    text = out["body"]["string"].decode()
    assert_clean(text.replace('"count":5555', ""))
    item = json.loads(text)["items"][0]
    assert item["paymentUrl"] == f"{HOST_PLACEHOLDER}/pay?token=<APP_TOKEN>"
    assert item["note"] == "Bearer <ACCESS_TOKEN_1> and <REFRESH_TOKEN_1>"
    assert item["config"] == {"tokenSecretKey": REDACTED, "password": REDACTED}
    assert item["guest"] == GUEST_EMAIL, "the guest e-mail is not secret by default"
    assert item["count"] == 5555, "numbers are never rewritten"


def test_the_guest_email_can_be_made_secret() -> None:
    scrubber = Scrubber(ScrubConfig(secrets={GUEST_EMAIL: "guest-user@example.test"}))
    out = scrubber.before_record_response(response({"userIdentifier": GUEST_EMAIL}))
    assert json.loads(out["body"]["string"]) == {"userIdentifier": "guest-user@example.test"}


def test_secrets_in_the_query_string_raw_and_url_encoded() -> None:
    scrubber = Scrubber(config())
    out = scrubber.before_record_request(
        request(
            method="GET",
            path="/api/content/forms",
            query=f"a={APP_TOKEN}&e=jane.doe%2Bshop%40realmail.example",
        )
    )
    assert_clean(out.uri)
    assert "jane.doe" not in out.uri
    assert out.uri == (
        f"{HOST_PLACEHOLDER}/api/content/forms?a=<APP_TOKEN>&e=registered-user%40example.test"
    )


def test_non_json_bodies_get_plain_replacement() -> None:
    scrubber = Scrubber(config())
    html = f"<html>{REAL} {APP_TOKEN} {EMAIL} {JWT_1}</html>".encode()
    out = scrubber.before_record_response(response(None, status=502, raw=html))
    assert_clean(out["body"]["string"].decode())
    form = scrubber.before_record_request(request(headers={"content-type": "text/plain"}))
    form.body = f"password={PASSWORD}".encode()
    assert_clean(scrubber.before_record_request(form).body.decode())


def test_unchanged_json_keeps_its_exact_bytes() -> None:
    scrubber = Scrubber(config())
    raw = b'{ "id" : 1,  "ok": true }'
    out = scrubber.before_record_response(response(None, raw=raw))
    assert out["body"]["string"] == raw


def test_short_secrets_only_where_they_stand_alone() -> None:
    scrubber = Scrubber(ScrubConfig(secrets={"1234": "<PIN>"}))
    assert scrubber.text("pin 1234, order 12345") == "pin <PIN>, order 12345"


def test_an_unknown_app_token_never_reaches_the_cassette() -> None:
    scrubber = Scrubber(ScrubConfig())
    out = scrubber.before_record_request(request(headers={"x-app-token": "something-else"}))
    assert out.headers["x-app-token"] == "<APP_TOKEN>"


def test_any_loopback_port_becomes_the_placeholder() -> None:
    scrubber = Scrubber(ScrubConfig())
    assert scrubber.text("http://127.0.0.1:40123/x and http://localhost:8000/y") == (
        f"{HOST_PLACEHOLDER}/x and {HOST_PLACEHOLDER}/y"
    )


def test_the_original_request_is_not_modified() -> None:
    original = request(body={"authData": [{"marker": "p", "value": PASSWORD}]})
    Scrubber(config()).before_record_request(original)
    assert PASSWORD.encode() in original.body
    assert original.uri.startswith(REAL)


def test_replay_pairs_equal_to_their_placeholder_are_ignored() -> None:
    cfg = ScrubConfig(secrets={"registered-user@example.test": "registered-user@example.test"})
    assert dict(cfg.secrets) == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secrets": {"": "x"}}, "empty value"),
        ({"secrets": {"abc": "xabcx"}}, "contains the secret"),
        ({"real_base_urls": ("127.0.0.1:5555",)}, "scheme://host"),
        ({"host_placeholder": "project.oneentry.test"}, "must be a URL"),
    ],
)
def test_bad_config_is_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ScrubConfig(**kwargs)


def test_secrets_are_not_in_the_config_repr() -> None:
    assert APP_TOKEN not in repr(config())
    assert REAL not in repr(config())


def test_scrubbers_of_the_same_rules_share_them_and_keep_their_own_tokens() -> None:
    """A run builds its host and secret replacers once; the token numbering stays per cassette."""
    url = ("https://shop.example.test",)
    first = Scrubber(ScrubConfig(real_base_urls=url, secrets={"pw-1": "<PW>"}))
    second = Scrubber(ScrubConfig(real_base_urls=url, secrets={"pw-1": "<PW>"}))
    other = Scrubber(ScrubConfig(real_base_urls=url, secrets={"pw-2": "<PW>"}))
    assert first._static is second._static
    assert other._static is not first._static
    assert other.text("pw-1 pw-2") == "pw-1 <PW>"
    assert first.text("https://shop.example.test/x pw-1") == f"{HOST_PLACEHOLDER}/x <PW>"
    assert first.token("eyJ.a.b") == second.token("eyJ.c.d") == "<ACCESS_TOKEN_1>"
    assert first.token("eyJ.e.f") == "<ACCESS_TOKEN_2>"
