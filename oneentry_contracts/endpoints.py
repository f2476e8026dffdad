"""The catalogue of OneEntry HTTP endpoints the harness drives: one row per call.

Each `Endpoint` names its method, path template (relative to the project URL), the JSON Schema
that describes its success body (a file stem in `schemas/`), whether it needs a user's Bearer
token, and whether it is safe to retry. Paths follow `shared/reference/oneentry-api.md` §2 and
the `oneentry` SDK 1.0.149 exactly, including the trailing slash of the sessions list.
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

    def url_path(self, **params: str | int) -> str:
        """The path with its `{placeholders}` filled, e.g. `/api/content/forms/marker/order`."""
        try:
            return self.path.format(**params)
        except KeyError as missing:
            raise ValueError(f"endpoint {self.name!r} needs path parameter {missing}") from None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _e(
    name: str, method: HttpMethod, path: str, schema: str, *, user: bool, status: int = 200
) -> Endpoint:
    return Endpoint(name, method, path, schema, user, method in ("GET", "PUT"), status)


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        _e("auth", "POST", _AUTH + "/marker/{marker}/users/auth", "auth_entity", user=False),
        _e("refresh", "POST", _AUTH + "/marker/{marker}/users/refresh", "auth_entity", user=False),
        _e("logout", "POST", _AUTH + "/marker/{marker}/users/logout", "logout_result", user=True),
        _e(
            "sign_up",
            "POST",
            _AUTH + "/marker/{marker}/users/sign-up",
            "sign_up_entity",
            user=False,
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
            "create_order", "POST", _STORAGE + "/marker/{marker}/orders", "created_order", user=True
        ),
        _e(
            "update_order",
            "PUT",
            _STORAGE + "/marker/{marker}/orders/{id}",
            "created_order",
            user=True,
        ),
        _e("preview_order", "POST", _STORAGE + "/orders/preview", "order_preview", user=True),
        _e(
            "order_statuses",
            "GET",
            _STORAGE + "/marker/{marker}/order-statuses",
            "order_status_list",
            user=False,
        ),
        _e("refunds", "GET", "/api/content/orders/{id}/refund", "refund_list", user=True),
        _e("create_refund", "POST", "/api/content/orders/{id}/refund", "refund_result", user=True),
        _e(
            "cancel_refund", "DELETE", "/api/content/orders/{id}/refund", "refund_result", user=True
        ),
        _e("sessions", "GET", _PAY + "/sessions/", "session_list", user=True),
        _e("session", "GET", _PAY + "/sessions/{id}", "session", user=True),
        _e("session_by_order", "GET", _PAY + "/sessions/order/{id}", "session_by_order", user=True),
        # R:orders.md reports 201 for createSession; every other success is 200.
        _e("create_session", "POST", _PAY + "/sessions", "session", user=True, status=201),
        _e("update_session", "PUT", _PAY + "/sessions/{id}", "session", user=True),
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
