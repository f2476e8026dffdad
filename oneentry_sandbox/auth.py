"""Users and logins: auth, single-use rotating refresh, logout, sign-up, Bearer checks.

Evidence and strength for each rule: oneentry_sandbox/FIDELITY.md, rows A*.
- Sign-in refuses sign-up's `formIdentifier`/`langCode` (400 "property X should not exist");
  sign-up needs `langCode` and may omit `formIdentifier`.
- Wrong login or password: 401 "Invalid login or password".
- A refresh token is single-use: refreshing spends it and issues a new pair; a spent, unknown,
  expired or logged-out refresh token: 400 "Refresh token is invalid or expired".
- With `behaviour.bind_refresh_to_device` (default) the refresh must come with the same
  `x-device-metadata` fingerprint the login used: 400 "Refresh token was issued to another
  device" otherwise.
- Access tokens stay valid until `exp` even after a refresh; logout/logout-all revoke them.
- Bearer problems are 401: "Unauthorized" (missing), "Access token is invalid",
  "Access token has expired", "Access token has been revoked".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from oneentry_sandbox.clock import iso
from oneentry_sandbox.config import AuthProvider, Form
from oneentry_sandbox.errors import ApiError
from oneentry_sandbox.state import AuthSession, SandboxState, UserRecord
from oneentry_sandbox.tokens import (
    AccessClaims,
    TokenError,
    decode_access_token,
    encode_access_token,
    make_refresh_token,
)

__all__ = [
    "authenticate",
    "fingerprint_of",
    "log_in",
    "log_out",
    "log_out_all",
    "provider_or_404",
    "refresh",
    "sign_up",
]


def fingerprint_of(device_metadata: str | None) -> str | None:
    """The `fingerprint` of an `x-device-metadata` JSON header, else the raw header."""
    if device_metadata is None:
        return None
    try:
        parsed = json.loads(device_metadata)
    except (ValueError, RecursionError):  # RecursionError: a header of 8000 "["
        return device_metadata
    if isinstance(parsed, dict) and isinstance(parsed.get("fingerprint"), str):
        return str(parsed["fingerprint"])
    return device_metadata


def provider_or_404(state: SandboxState, marker: str) -> AuthProvider:
    provider = state.project.provider(marker)
    if provider is None:
        raise ApiError(404, f"Auth provider '{marker}' not found")
    return provider


def _login_form(state: SandboxState, provider: AuthProvider) -> Form:
    form = state.project.form(provider.form)
    assert form is not None  # the loader checked the reference
    return form


def _auth_pairs(body: object, field: str = "authData") -> dict[str, str]:
    if not isinstance(body, Mapping) or not isinstance(body.get(field), list):
        raise ApiError(400, f"{field} must be an array of {{marker, value}}")
    pairs: dict[str, str] = {}
    for item in body[field]:
        if not isinstance(item, Mapping) or not isinstance(item.get("marker"), str):
            raise ApiError(400, f"{field} must be an array of {{marker, value}}")
        value = item.get("value")
        pairs[item["marker"]] = "" if value is None else str(value)
    return pairs


def _credentials(
    state: SandboxState, provider: AuthProvider, pairs: Mapping[str, str]
) -> tuple[str, str]:
    form = _login_form(state, provider)
    login_attr = next((a for a in form.attributes if a.is_login), None)
    password_attr = next((a for a in form.attributes if a.is_password), None)
    if login_attr is None or password_attr is None:
        raise ApiError(400, f"Form '{form.identifier}' has no login/password attributes")
    for attr in (login_attr, password_attr):
        if not pairs.get(attr.marker):
            raise ApiError(400, f"authData's marker '{attr.marker}' value is missing or incorrect")
    return pairs[login_attr.marker], pairs[password_attr.marker]


def _issue(
    state: SandboxState,
    provider: AuthProvider,
    user: UserRecord,
    login_id: int,
    fingerprint: str | None,
) -> dict[str, str]:
    now = state.clock.now()
    iat = int(now.timestamp())
    claims = AccessClaims(
        user.id, provider.identifier, user.login, iat, iat + provider.access_ttl_sec
    )
    access = encode_access_token(state.project.secret, claims)
    refresh_token = make_refresh_token(now, state.uuids.next())
    state.logins[login_id] = AuthSession(
        id=login_id,
        user_id=user.id,
        provider=provider.identifier,
        refresh_token=refresh_token,
        refresh_expires=now + timedelta(milliseconds=provider.refresh_ttl_ms),
        fingerprint=fingerprint,
    )
    state.access_tokens[access] = login_id
    return {
        "userIdentifier": user.login,
        "authProviderIdentifier": provider.identifier,
        "accessToken": access,
        "refreshToken": refresh_token,
    }


def log_in(state: SandboxState, marker: str, body: object, device: str | None) -> dict[str, str]:
    provider = provider_or_404(state, marker)
    for extra in ("formIdentifier", "langCode"):  # sign-up's fields (FIDELITY.md A6)
        if isinstance(body, Mapping) and extra in body:
            raise ApiError(400, f"property {extra} should not exist")
    login, password = _credentials(state, provider, _auth_pairs(body))
    with state.lock:
        user = next(
            (u for u in state.users.values() if u.provider == marker and u.login == login), None
        )
        if user is None or user.password != password:
            raise ApiError(401, "Invalid login or password")
        return _issue(state, provider, user, state.next_id("login"), fingerprint_of(device))


def _login_by_refresh(state: SandboxState, token: object) -> AuthSession:
    if not isinstance(token, str) or not token:
        raise ApiError(400, "Refresh token is invalid or expired")
    found = next((s for s in state.logins.values() if s.refresh_token == token), None)
    if found is None or not found.alive or found.refresh_expires <= state.clock.now():
        raise ApiError(400, "Refresh token is invalid or expired")
    return found


def refresh(state: SandboxState, marker: str, body: object, device: str | None) -> dict[str, str]:
    provider = provider_or_404(state, marker)
    token = body.get("refreshToken") if isinstance(body, Mapping) else None
    with state.lock:
        login = _login_by_refresh(state, token)
        if login.provider != marker:
            raise ApiError(400, "Refresh token is invalid or expired")
        if state.project.behaviour.bind_refresh_to_device and login.fingerprint != fingerprint_of(
            device
        ):
            raise ApiError(400, "Refresh token was issued to another device")
        return _issue(state, provider, state.users[login.user_id], login.id, login.fingerprint)


def authenticate(state: SandboxState, authorization: str | None) -> UserRecord:
    """The user behind `Authorization: Bearer <token>`, or a 401."""
    if not authorization:
        raise ApiError(401, "Unauthorized")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Unauthorized")
    token = token.strip()
    try:
        claims = decode_access_token(state.project.secret, token)
    except TokenError:
        raise ApiError(401, "Access token is invalid") from None
    with state.lock:
        if claims.exp <= state.clock.now().timestamp():
            raise ApiError(401, "Access token has expired")
        login_id = state.access_tokens.get(token)
        login = state.logins.get(login_id) if login_id is not None else None
        if login is None or not login.alive or claims.id not in state.users:
            raise ApiError(401, "Access token has been revoked")
        return state.users[claims.id]


def log_out(
    state: SandboxState, marker: str, user: UserRecord, authorization: str, body: object
) -> bool:
    provider_or_404(state, marker)
    token = body.get("refreshToken") if isinstance(body, Mapping) else None
    access = authorization.partition(" ")[2].strip()
    with state.lock:
        login = _login_by_refresh(state, token)
        if login.user_id != user.id:
            raise ApiError(400, "Refresh token is invalid or expired")
        state.logins[login.id] = replace(login, alive=False)
        current = state.access_tokens.get(access)
        if current is not None:
            state.logins[current] = replace(state.logins[current], alive=False)
    return True


def log_out_all(state: SandboxState, marker: str, user: UserRecord) -> bool:
    provider_or_404(state, marker)
    with state.lock:
        for login in list(state.logins.values()):
            if login.user_id == user.id:
                state.logins[login.id] = replace(login, alive=False)
    return True


def _form_data_items(body: Mapping[str, object], lang: str) -> list[object]:
    raw = body.get("formData", [])
    if isinstance(raw, Mapping):
        raw = raw.get(lang, next(iter(raw.values()), []))
    if not isinstance(raw, list):
        raise ApiError(400, "formData must be an array or a {langCode: array} map")
    return list(raw)


def sign_up(state: SandboxState, marker: str, body: object) -> dict[str, object]:
    provider = provider_or_404(state, marker)
    if not isinstance(body, Mapping):
        raise ApiError(400, "Request body must be a JSON object")
    # formIdentifier is optional: omitted, the provider's form is used (FIDELITY.md A8)
    if body.get("formIdentifier", provider.form) != provider.form:
        raise ApiError(400, f"formIdentifier must be '{provider.form}' for provider '{marker}'")
    lang = body.get("langCode")
    if not isinstance(lang, str) or not lang:  # required on sign-up (FIDELITY.md A7)
        raise ApiError(400, "langCode must be a string")
    login, password = _credentials(state, provider, _auth_pairs(body))
    form_data = _form_data_items(body, str(lang))
    notification = body.get("notificationData") or {}
    if not isinstance(notification, Mapping):
        raise ApiError(400, "notificationData must be an object")
    phone_sms = notification.get("phoneSMS")
    if phone_sms == "":
        raise ApiError(400, "notificationData.phoneSMS must not be empty")
    email = notification.get("email") if isinstance(notification.get("email"), str) else login
    push = notification.get("phonePush", [])
    with state.lock:
        if any(u.provider == marker and u.login == login for u in state.users.values()):
            raise ApiError(400, f"User '{login}' already exists")
        now = state.clock.now()
        user = UserRecord(
            id=state.next_id("user"),
            provider=marker,
            login=login,
            password=password,
            form_data=tuple(i for i in form_data if isinstance(i, Mapping)),
            email=str(email),
            phone_sms=phone_sms if isinstance(phone_sms, str) else None,
            created=now,
        )
        state.users[user.id] = user
    notification_out: dict[str, object] = {
        "email": user.email,
        "phonePush": [str(p) for p in push] if isinstance(push, list) else [],
    }
    if user.phone_sms is not None:
        notification_out["phoneSMS"] = user.phone_sms
    return {
        "id": user.id,
        "updatedDate": iso(now),
        "createdDate": iso(now),
        "version": 0,
        "identifier": user.login,
        "isActive": True,
        "isDeleted": False,
        "formData": form_data,
        "notificationData": notification_out,
        "locale": lang,
        "state": {},
    }
