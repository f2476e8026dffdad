"""The catalogue of OneEntry HTTP endpoints the harness drives: one row per call.

Each `Endpoint` names its method, path template (relative to the project URL), the JSON Schema
that describes its success body (a file stem in `schemas/`), whether it needs a user's Bearer
token, and whether it is safe to retry. Paths follow `shared/reference/oneentry-api.md` §2 and
the `oneentry` SDK 1.0.149 exactly, including the trailing slash of the sessions list.

Idempotency decides retries (`retry.py`): an idempotent call may be repeated after its answer
was lost, because doing it twice leaves the same state as doing it once. That is every GET,
the PUT (`updateOrderByMarkerAndId`: it sends the whole new state) and
`previewOrder` (a POST that only computes totals). Not idempotent: createOrder, createSession
and createRefundRequest (each repetition creates another one), auth, sign-up, logout and refresh
(refresh tokens are single-use, reference §3), and cancelRefundRequest: the DELETE's effect is
repeatable, but the reference (D:/ar/docs/orders/cancelRefundRequest) answers a second one
`404 "Request not found"`, so a retry would turn a success into a refusal. For those, `if_lost`
tells the user what may have happened when the answer was lost.

No call here changes a payment session: the content API has none (live projects answer
`PUT .../payments/sessions/{id}` as an unknown route); the payment provider's callback moves a
session and its order (oneentry_sandbox/FIDELITY.md P5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ENDPOINTS", "ERROR_SCHEMA", "Endpoint", "HttpMethod", "endpoint"]

HttpMethod = Literal["GET", "POST", "PUT", "DELETE"]

ERROR_SCHEMA = "error"

_AUTH = "/api/content/users-auth-providers"
_STORAGE = "/api/content/orders-storage"
_PAY = "/api/content/payments"


_IF_LOST = "the request may have taken effect; check before re-running"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API call: how it is made and which schema its success body follows."""

    name: str
    method: HttpMethod
    path: str
    schema: str
    needs_user: bool
    idempotent: bool

    success_status: int = 200
    if_lost: str = _IF_LOST

    def url_path(self, **params: str | int) -> str:
        """The path with its `{placeholders}` filled, e.g. `/api/content/forms/marker/order`."""
        try:
            return self.path.format(**params)
        except KeyError as missing:
            raise ValueError(f"endpoint {self.name!r} needs path parameter {missing}") from None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _e(
    name: str,
    method: HttpMethod,
    path: str,
    schema: str,
    *,
    user: bool,
    status: int = 200,
    idempotent: bool | None = None,
    if_lost: str = _IF_LOST,
) -> Endpoint:
    safe = method in ("GET", "PUT") if idempotent is None else idempotent
    return Endpoint(name, method, path, schema, user, safe, status, if_lost)


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        _e(
            "auth",
            "POST",
            _AUTH + "/marker/{marker}/users/auth",
            "auth_entity",
            user=False,
            if_lost="the sign-in may have succeeded; run the scenario again",
        ),
        _e(
            "refresh",
            "POST",
            _AUTH + "/marker/{marker}/users/refresh",
            "auth_entity",
            user=False,
            if_lost="the refresh token may have been spent; sign in again",
        ),
        _e("logout", "POST", _AUTH + "/marker/{marker}/users/logout", "logout_result", user=True),
        _e(
            "sign_up",
            "POST",
            _AUTH + "/marker/{marker}/users/sign-up",
            "sign_up_entity",
            user=False,
            if_lost="the user may have been signed up; check before signing up again",
        ),
        _e("auth_provider", "GET", _AUTH + "/marker/{marker}", "auth_provider", user=False),
        _e("auth_providers", "GET", _AUTH, "auth_provider_list", user=False),
        _e("forms", "GET", "/api/content/forms", "form_list", user=False),
        _e("form", "GET", "/api/content/forms/marker/{marker}", "form", user=False),
        _e("storages", "GET", _STORAGE, "order_storage_list", user=True),
        _e("storage", "GET", _STORAGE + "/marker/{marker}", "order_storage", user=True),
        _e("orders", "GET", _STORAGE + "/marker/{marker}/orders", "order_list", user=True),
        _e("order", "GET", _STORAGE + "/marker/{marker}/orders/{id}", "order", user=True),
        _e(
            "create_order",
            "POST",
            _STORAGE + "/marker/{marker}/orders",
            "created_order",
            user=True,
            if_lost="the order may have been created; check the storage before re-running",
        ),
        _e(
            "update_order",
            "PUT",
            _STORAGE + "/marker/{marker}/orders/{id}",
            "created_order",
            user=True,
        ),
        _e(
            "preview_order",
            "POST",
            _STORAGE + "/orders/preview",
            "order_preview",
            user=True,
            idempotent=True,  # computes totals, creates nothing
        ),
        _e(
            "order_statuses",
            "GET",
            _STORAGE + "/marker/{marker}/order-statuses",
            "order_status_list",
            user=False,
        ),
        _e("refunds", "GET", "/api/content/orders/{id}/refund", "refund_list", user=True),
        _e(
            "create_refund",
            "POST",
            "/api/content/orders/{id}/refund",
            "refund_result",
            user=True,
            if_lost="the refund request may have been created; check the order's refunds "
            "before re-running",
        ),
        _e(
            "cancel_refund",
            "DELETE",
            "/api/content/orders/{id}/refund",
            "refund_result",
            user=True,
            idempotent=False,  # a second DELETE answers 404 "Request not found"
            if_lost="the refund request may have been cancelled; check the order's refunds "
            "before re-running",
        ),
        _e("sessions", "GET", _PAY + "/sessions/", "session_list", user=True),
        _e("session", "GET", _PAY + "/sessions/{id}", "session", user=True),
        _e("session_by_order", "GET", _PAY + "/sessions/order/{id}", "session_by_order", user=True),
        # R:orders.md reports 201 for createSession; every other success is 200.
        _e(
            "create_session",
            "POST",
            _PAY + "/sessions",
            "session",
            user=True,
            status=201,
            if_lost="the payment session may have been created; check the order's sessions "
            "before re-running",
        ),
        _e("accounts", "GET", _PAY + "/accounts", "payment_account_list", user=True),
        _e("account", "GET", _PAY + "/accounts/{id}", "payment_account", user=True),
        _e("product", "GET", "/api/content/products/{id}", "product", user=False),
    )
}


def endpoint(name: str) -> Endpoint:
    """Look an endpoint up by name; an unknown name lists the known ones."""
    try:
        return ENDPOINTS[name]
    except KeyError:
        known = ", ".join(sorted(ENDPOINTS))
        raise KeyError(f"unknown endpoint {name!r}; known endpoints: {known}") from None
