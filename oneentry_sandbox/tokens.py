"""Token formats: HS256 access JWTs, `<epoch-ms>-<uuid>` refresh tokens, signed prices.

Access tokens carry exactly the payload the API's do: `id, authProviderIdentifier,
userIdentifier, iat, exp`. They are built with hmac + base64 (no JWT dependency).
A signedPrice is `sp1.<hex(json{"productId","price","storage","exp"?})>.<hex hmac>`, binding a
product id, a price (a decimal string) and an order-storage marker. It is hex, not base64url, so
it never looks like a JWT: a signed price is public product data, and secret scanners that hunt
for `eyJ...` tokens in cassettes must not trip on it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "AccessClaims",
    "PriceClaims",
    "TokenError",
    "decode_access_token",
    "encode_access_token",
    "make_refresh_token",
    "sign_price",
    "verify_price",
]


class TokenError(ValueError):
    """A token that is malformed or whose signature does not match."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    id: int
    auth_provider: str
    user_identifier: str
    iat: int
    exp: int


@dataclass(frozen=True, slots=True)
class PriceClaims:
    product_id: int
    price: Decimal
    storage: str
    exp: int | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError("not base64url") from exc


def _mac(secret: str, message: str) -> str:
    return _b64(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest())


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def encode_access_token(secret: str, claims: AccessClaims) -> str:
    header = _b64(_dumps({"alg": "HS256", "typ": "JWT"}))
    payload = _b64(
        _dumps(
            {
                "id": claims.id,
                "authProviderIdentifier": claims.auth_provider,
                "userIdentifier": claims.user_identifier,
                "iat": claims.iat,
                "exp": claims.exp,
            }
        )
    )
    return f"{header}.{payload}.{_mac(secret, f'{header}.{payload}')}"


def _json_part(text: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(text))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenError("not JSON") from exc
    if not isinstance(value, dict):
        raise TokenError("not a JSON object")
    return value


def decode_access_token(secret: str, token: str) -> AccessClaims:
    """Check the signature and shape; expiry is the caller's business."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("not a JWT")
    header, payload, signature = parts
    if not hmac.compare_digest(signature, _mac(secret, f"{header}.{payload}")):
        raise TokenError("bad signature")
    if _json_part(header).get("alg") != "HS256":
        raise TokenError("unsupported algorithm")
    body = _json_part(payload)
    try:
        return AccessClaims(
            id=int(body["id"]),
            auth_provider=str(body["authProviderIdentifier"]),
            user_identifier=str(body["userIdentifier"]),
            iat=int(body["iat"]),
            exp=int(body["exp"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("missing claims") from exc


def make_refresh_token(now: datetime, uuid_text: str) -> str:
    return f"{int(now.timestamp() * 1000)}-{uuid_text}"


_PRICE_PREFIX = "sp1"


def _price_mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"price.{payload}".encode(), hashlib.sha256).hexdigest()


def sign_price(secret: str, claims: PriceClaims) -> str:
    body: dict[str, object] = {
        "productId": claims.product_id,
        "price": f"{claims.price:.2f}",
        "storage": claims.storage,
    }
    if claims.exp is not None:
        body["exp"] = claims.exp
    payload = _dumps(body).hex()
    return f"{_PRICE_PREFIX}.{payload}.{_price_mac(secret, payload)}"


def verify_price(secret: str, token: str) -> PriceClaims:
    """Check a signedPrice token's signature; raise `TokenError` when it is not ours."""
    prefix, _, rest = token.partition(".")
    payload, _, signature = rest.partition(".")
    if prefix != _PRICE_PREFIX or not signature:
        raise TokenError("not a signed price")
    if not hmac.compare_digest(signature, _price_mac(secret, payload)):
        raise TokenError("bad signature")
    try:
        body = json.loads(bytes.fromhex(payload))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenError("not JSON") from exc
    if not isinstance(body, dict):
        raise TokenError("not an object")
    try:
        exp = body.get("exp")
        return PriceClaims(
            product_id=int(body["productId"]),
            price=Decimal(str(body["price"])),
            storage=str(body["storage"]),
            exp=None if exp is None else int(exp),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise TokenError("missing claims") from exc
