"""Every endpoint of the harness catalogue (`oneentry_contracts.api.endpoints`) is served."""

from __future__ import annotations

import pytest

from oneentry_contracts.api.endpoints import ENDPOINTS, Endpoint
from tests.sandbox.sandbox_kit import Api

_PARAMS = {"marker": "orders", "id": "90"}
_MARKERS = {"auth", "refresh", "logout", "sign_up", "auth_provider"}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS.values()), ids=list(ENDPOINTS))
def test_endpoint_is_routed(user: Api, endpoint: Endpoint) -> None:
    marker = "email" if endpoint.name in _MARKERS else "order" if endpoint.name == "form" else None
    path = endpoint.url_path(**(_PARAMS | ({"marker": marker} if marker else {})))
    response = user.http.request(
        endpoint.method,
        path,
        headers={"Authorization": f"Bearer {user.token}"},
        json={} if endpoint.method in ("POST", "PUT") else None,
    )
    body = response.json()
    assert not (isinstance(body, dict) and str(body.get("message", "")).startswith("Cannot ")), body
    if not endpoint.needs_user:
        return
    anonymous = user.http.request(endpoint.method, path, json={})
    assert anonymous.status_code == 401, anonymous.text
