"""Every spelling of the host and of a secret is scrubbed: the URL httpx sends (lowercase,
punycode, default port dropped), escaped and encoded forms of secrets, bodies that are not
UTF-8, e-mails in another case; and no value object holding a secret prints it."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from vcr.request import Request  # type: ignore[import-untyped]

from oneentry_contracts.api.client import OneEntryClient, Tokens
from oneentry_contracts.api.contract import ContractApi
from oneentry_contracts.api.target import Logins, Target
from oneentry_contracts.config.settings import Config, Credentials, LiveSettings
from oneentry_contracts.errors import HarnessError
from oneentry_contracts.recording.audit import KnownSecrets, audit_paths
from oneentry_contracts.recording.scrub import HOST_PLACEHOLDER, Scrubber, ScrubConfig
from oneentry_contracts.schemas.store import SchemaStore

PASSWORD = 'Пароль "q\\uote" 9f-long'
EMAIL = "Jane.Doe@Customer-Mail.io"
APP_TOKEN = "app-TOKEN-9f8e7d6c5b4a"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6OCwidXNlcklkZW50aWZpZXIiOiJqYW5lIn0"
    ".c2lnbmF0dXJlLW9uZQ"
)

# configured URL -> the distinctive names that must not survive, whatever their case
HOSTS = {
    "https://MyShop.oneentry.cloud": ("myshop",),
    "https://shop.oneentry.cloud:443": ("shop.oneentry",),
    "https://shop.oneentry.cloud:0443": ("shop.oneentry",),
    "https://Shop.OneEntry.Cloud.": ("shop.oneentry",),
    "https://shop.oneentry.cloud:08443": ("shop.oneentry",),
    "https://Магазин.oneentry.cloud": ("магазин", "xn--80aairftm"),
    "http://LOCALHOST:8080": ("localhost",),
    "http://127.0.0.1:08080": ("127.0.0.1",),
}


def _scrubber(url: str, **extra: Any) -> Scrubber:
    secrets = {APP_TOKEN: "<APP_TOKEN>", PASSWORD: "user-password-placeholder"}
    secrets[EMAIL] = "registered-user@example.test"
    return Scrubber(
        ScrubConfig(real_base_urls=(url,), secrets=secrets, scrub_loopback=False, **extra)
    )


def _exchange(url: str) -> str:
    """One call through httpx to a fake server that echoes every spelling of where it is."""
    sent: list[httpx.Request] = []

    def echo(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        where = str(request.url)
        host = request.url.host
        body = {
            "self": where,
            "host": host,
            "upper": host.upper(),
            "encoded": httpx.QueryParams({"next": where}).__str__(),
            "escaped": where.replace("/", "\\/"),
            "configured": url,
            "text": f"served by {host} and {url.upper()}",
        }
        return httpx.Response(
            200,
            json=body,
            headers={"Location": where, "Link": f"<{where}/next>"},
            request=request,
        )

    scrubber = _scrubber(url)
    with httpx.Client(transport=httpx.MockTransport(echo), base_url=url) as client:
        answer = client.get("/api/content/orders", params={"back": url})
    request = sent[0]
    recorded = scrubber.before_record_request(
        Request(request.method, str(request.url), None, dict(request.headers))
    )
    response = scrubber.before_record_response(
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {k: [v] for k, v in answer.headers.items()},
            "body": {"string": answer.content},
        }
    )
    body = response["body"]["string"].decode("utf-8")
    return json.dumps([recorded.uri, dict(recorded.headers), response["headers"], body])


@pytest.mark.parametrize("url", HOSTS)
def test_no_spelling_of_the_project_host_survives(url: str) -> None:
    scrubbed = _exchange(url)
    for name in HOSTS[url]:
        assert name not in scrubbed.lower(), scrubbed
    assert HOST_PLACEHOLDER + "/api/content/orders" in scrubbed


def test_a_host_is_not_replaced_inside_a_longer_name() -> None:
    scrubber = _scrubber("https://shop.oneentry.cloud")
    assert scrubber.text("myshop.oneentry.cloud.eu") == "myshop.oneentry.cloud.eu"
    assert scrubber.text("api.shop.oneentry.cloud") == "api.project.oneentry.test"


ESCAPED = {
    "json-ascii": json.dumps({"password": PASSWORD}),
    "json-unicode": json.dumps({"password": PASSWORD}, ensure_ascii=False),
    "json-echoed-in-json": json.dumps(json.dumps({"authData": [{"value": PASSWORD}]})),
    "python-repr": f"Credentials(password={PASSWORD!r})",
    "python-ascii": f"{PASSWORD!a}",
    "html": "<pre>" + PASSWORD.replace('"', "&quot;") + "</pre>",
    "url-encoded": "password=" + httpx.QueryParams({"p": PASSWORD}).__str__(),
    "base64": "Basic " + base64.b64encode(PASSWORD.encode()).decode(),
}


@pytest.mark.parametrize("text", ESCAPED.values(), ids=ESCAPED)
def test_every_escaped_form_of_a_secret_is_scrubbed(text: str, tmp_path: Any) -> None:
    scrubbed = _scrubber("https://shop.oneentry.cloud").body(b"not json: " + text.encode())
    assert scrubbed is not None
    out = tmp_path / "out.txt"
    out.write_bytes(scrubbed)
    report = audit_paths([out], KnownSecrets((("password", PASSWORD),)))
    assert report.clean, (scrubbed, report.findings)
    assert b"user-password-placeholder" in scrubbed or b"dXNlci1wYXNzd29yZC1w" in scrubbed


def test_a_json_body_with_an_echoed_request_is_scrubbed_inside() -> None:
    echoed = json.dumps({"message": "bad request", "body": json.dumps({"password": PASSWORD})})
    scrubbed = _scrubber("https://shop.oneentry.cloud").body(echoed.encode())
    assert scrubbed is not None
    assert "Пароль" not in scrubbed.decode()
    assert "\\u041f" not in scrubbed.decode()


def test_a_body_that_is_not_utf8_is_scrubbed_like_text() -> None:
    url = "https://MyShop.oneentry.cloud"
    raw = b"\xff\xfe" + f"https://myshop.oneentry.cloud/x {JWT} {APP_TOKEN} ".encode()
    raw += PASSWORD.encode("utf-8") + b" \x80\x81"
    scrubbed = _scrubber(url).body(raw)
    assert scrubbed is not None
    for secret in (b"myshop", JWT.encode(), APP_TOKEN.encode(), PASSWORD.encode("utf-8")):
        assert secret not in scrubbed
    assert scrubbed.startswith(b"\xff\xfe" + HOST_PLACEHOLDER.encode() + b"/x <ACCESS_TOKEN_1>")
    assert scrubbed.endswith(b" \x80\x81")


def test_a_gzip_body_is_scrubbed_inside() -> None:
    raw = gzip.compress(json.dumps({"token": JWT, "password": PASSWORD}).encode(), mtime=0)
    scrubbed = _scrubber("https://shop.oneentry.cloud").body(raw)
    assert scrubbed is not None
    inside = gzip.decompress(scrubbed).decode()
    assert JWT not in inside
    assert "Пароль" not in inside


def test_emails_are_scrubbed_whatever_their_case() -> None:
    scrubber = _scrubber("https://shop.oneentry.cloud")
    for spelling in (EMAIL, EMAIL.lower(), EMAIL.upper(), EMAIL.lower().replace("@", "%40")):
        assert "customer-mail" not in scrubber.text(f"login={spelling}").lower()


def test_no_value_object_holding_a_secret_prints_it(tmp_path: Path) -> None:
    url = "https://MyShop.oneentry.cloud"
    login = Credentials(EMAIL, PASSWORD)
    target = Target(url, APP_TOKEN, {"registered": login})
    live = LiveSettings(url, APP_TOKEN, {"registered": login})
    config = ScrubConfig(
        real_base_urls=(url,), secrets={PASSWORD: "p"}, patterns=(re.escape(PASSWORD),)
    )
    with httpx.Client() as http:
        client = OneEntryClient(url, APP_TOKEN, http=http)
        api = ContractApi(client, SchemaStore.for_project(tmp_path), origin="cassettes/x.yaml")
        values: list[object] = [
            login,
            target,
            live,
            Logins({"registered": login}),
            config,
            Scrubber(config),
            client,
            api,
            Tokens(JWT, "1767759348848-7184d7ba-a66d-4f30-bb76-29a64696f96d"),
            Config(),
        ]
        shown = " ".join(repr(value) + str(value) for value in values)
    for secret in ("myshop", APP_TOKEN, PASSWORD, repr(PASSWORD)[1:-1], EMAIL, JWT, "17677593"):
        assert secret.lower() not in shown.lower(), secret


def test_a_non_json_answer_quoted_in_an_error_shows_no_spelling_of_the_host() -> None:
    page = "<html>Sign in at https://myshop.oneentry.cloud/login (MYSHOP.ONEENTRY.CLOUD)</html>"

    def proxy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=page, headers={"content-type": "text/html"})

    with httpx.Client(transport=httpx.MockTransport(proxy)) as http:
        client = OneEntryClient("https://MyShop.oneentry.cloud:443", APP_TOKEN, http=http)
        with pytest.raises(HarnessError) as caught:
            client.call("auth_providers", params={"langCode": "en_US"})
    message = str(caught.value)
    assert "an HTML page where JSON was expected" in message
    assert "myshop" not in message.lower()
    assert "<project URL>/login" in message
