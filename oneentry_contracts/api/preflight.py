"""The check before a `--project` run: is the project there, and does it take the app token?

One request, `GET /api/content/users-auth-providers` (it needs the app token and no user),
with the configured timeout and retries. An unreachable URL, a refused app token, a URL that
is not the API's root, or an answer that is not JSON (a proxy's HTML page, an empty body) stops
the run before any scenario starts, with one message instead of one failure per scenario, and
the CLI exits 2. The message names the environment variable to fix, never its value.
"""

from __future__ import annotations

from oneentry_contracts.api.bodies import empty_body_error
from oneentry_contracts.api.client import OneEntryClient, make_http_client
from oneentry_contracts.api.retry import RetryPolicy
from oneentry_contracts.config.settings import Config, LiveSettings
from oneentry_contracts.errors import ConfigError, TransportError

__all__ = ["check_project"]

_ENDPOINT = "auth_providers"


def check_project(config: Config, live: LiveSettings) -> None:
    """Raise a `HarnessError` (exit 2) when the project cannot be used at all."""
    policy = RetryPolicy(config.retry_attempts, config.retry_backoff, config.retry_max_delay)
    with make_http_client(config.timeout) as http:
        client = OneEntryClient(
            live.project_url, live.app_token, http=http, lang_code=config.lang_code, retry=policy
        )
        origin = f"the project in {config.url_env}"
        try:
            answer = client.call(_ENDPOINT, params={"langCode": config.lang_code})
            if answer.ok and answer.empty:
                ep = answer.endpoint
                raise empty_body_error(ep, answer.status, answer.content_type, ep.schema, origin)
        except TransportError as error:
            raise TransportError(
                f"{origin} could not be used, so no scenario ran: {error}",
                endpoint=error.endpoint,
                url=error.url,
            ) from None
    if answer.ok:
        return  # the scenarios check the body against its schema
    body = answer.body
    message = body.get("message") if isinstance(body, dict) else None
    said = f' "{message}"' if isinstance(message, str) and message else ""
    where = f"{answer.endpoint.method} {answer.endpoint.path}"
    if answer.status >= 500:
        fix = (
            "the project's server failed on a request that needs nothing but the app token: "
            "look at the server's logs or the project's status, and run again later; the URL "
            "and the app token could not be checked"
        )
        what = "failed on the server"
    elif answer.status in (401, 403):
        fix = (
            f"check {config.app_token_env}: it must hold the app token of the project that "
            f"{config.url_env} points at (the project's admin panel shows it)"
        )
        what = "refused the app token"
    else:
        fix = (
            f"check that {config.url_env} is the project's root URL, such as "
            "https://your-project.oneentry.cloud, with no /api path after it"
        )
        what = "does not answer like a OneEntry API"
    raise ConfigError(
        f"the project in {config.url_env} {what}: {_ENDPOINT} ({where}) answered "
        f"{answer.status}{said}, so no scenario ran. How to fix: {fix}.",
        key=config.app_token_env if answer.status in (401, 403) else config.url_env,
    )
