"""Render project values and state records as the API's wire JSON.

Shapes follow the zod schemas of oneentry 1.0.149 (`*Schemas.js`), including their
inconsistencies: `totalSum` is a number in the created/updated order and a `"%.2f"` string in
the order entity; form attribute flags are `null` where unset and `additionalFields` is an
array; `localizeInfos` come flattened (`{"title": ...}`), as for the request language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oneentry_sandbox.clock import iso
from oneentry_sandbox.config import (
    Attribute,
    AuthProvider,
    Form,
    PaymentAccount,
    Product,
    Status,
    Storage,
)
from oneentry_sandbox.state import Order, PaymentSession, Refund, SandboxState

__all__ = [
    "account_json",
    "created_order_json",
    "error_json",
    "form_json",
    "money",
    "order_json",
    "product_json",
    "provider_json",
    "refund_json",
    "session_json",
    "status_json",
    "storage_json",
]

Json = dict[str, Any]
_ACCOUNTS_UPDATED = "2025-02-25T08:55:43.957Z"


def money(amount: Decimal) -> int | float:
    """A JSON number: `340` for whole amounts, `12.5` otherwise."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def error_json(status: int, message: str, timestamp: str) -> Json:
    return {"statusCode": status, "message": message, "pageData": None, "timestamp": timestamp}


def provider_json(provider: AuthProvider) -> Json:
    return {
        "id": provider.id,
        "localizeInfos": {"title": provider.title},
        "config": dict(provider.config),
        "version": 0,
        "identifier": provider.identifier,
        "type": provider.type,
        "formIdentifier": provider.form,
        "userGroupIdentifier": provider.user_group,
        "isActive": provider.is_active,
        "isCheckCode": provider.is_check_code,
    }


def _validators(attr: Attribute) -> Json:
    validators: Json = {}
    if attr.required:
        validators["requiredValidator"] = {"strict": True}
    if attr.string_min or attr.string_max or attr.string_length:
        validators["stringInspectionValidator"] = {
            "stringMin": attr.string_min,
            "stringMax": attr.string_max,
            "stringLength": attr.string_length,
        }
    if attr.email:
        validators["emailInspectionValidator"] = True
    return validators


def _attribute_json(attr: Attribute) -> Json:
    return {
        "type": attr.type,
        "marker": attr.marker,
        "position": attr.position,
        "isVisible": attr.is_visible,
        "localizeInfos": {"title": attr.title},
        "initialValue": None,
        "listTitles": [
            {
                "title": o.title,
                "value": o.value,
                "position": i + 1,
                "extendedValue": None,
                "extendedValueType": None,
            }
            for i, o in enumerate(attr.options)
        ],
        "validators": _validators(attr),
        "settings": {},
        "additionalFields": [],
        "isLogin": attr.is_login,
        "isSignUp": attr.is_sign_up,
        "isPassword": attr.is_password,
        "isSignUpRequired": None,
        "isNotificationEmail": attr.is_notification_email,
        "isNotificationPhoneSMS": None,
        "isNotificationPhonePush": None,
    }


def form_json(form: Form) -> Json:
    return {
        "id": form.id,
        "attributeSetId": form.attribute_set_id,
        "type": form.type,
        "localizeInfos": {
            "title": form.title,
            "titleForSite": "",
            "successMessage": "",
            "unsuccessMessage": "",
            "urlAddress": "",
            "database": "1",
            "script": "0",
        },
        "version": 0,
        "position": form.position,
        "identifier": form.identifier,
        "processingType": form.processing_type,
        "templateId": None,
        "attributes": [_attribute_json(a) for a in form.attributes],
    }


def storage_json(storage: Storage) -> Json:
    return {
        "id": storage.id,
        "localizeInfos": {"title": storage.title},
        "position": storage.position,
        "identifier": storage.identifier,
        "formIdentifier": storage.form,
        "generalTypeId": storage.general_type_id,
        "paymentAccountIdentifiers": [{"identifier": a} for a in storage.payment_accounts],
    }


def status_json(status: Status, used: bool) -> Json:
    return {
        "id": status.id,
        "identifier": status.identifier,
        "localizeInfos": {"title": status.title},
        "isDefault": status.is_default,
        "position": status.position,
        "isUsed": used,
    }


def account_json(account: PaymentAccount) -> Json:
    settings = {"status": "connected" if account.connected else "not_connected"}
    return {
        "id": account.id,
        "identifier": account.identifier,
        "isVisible": account.is_visible,
        "localizeInfos": {"title": account.title},
        "type": account.type,
        "isUsed": True,
        "testMode": account.test_mode,
        "settings": settings,
        "testSettings": dict(settings),
        "updatedDate": _ACCOUNTS_UPDATED,
    }


def product_json(product: Product, price: Decimal, signed_price: str | None) -> Json:
    body: Json = {
        "id": product.id,
        "attributeSetIdentifier": "products",
        "localizeInfos": {"title": product.title},
        "statusLocalizeInfos": {"title": (product.status_identifier or "").capitalize()},
        "isVisible": True,
        "statusIdentifier": product.status_identifier,
        "position": product.id,
        "templateIdentifier": None,
        "shortDescTemplateIdentifier": None,
        "price": money(price),
        "additional": {"prices": {"min": money(price), "max": money(price)}},
        "sku": product.sku,
        "isSync": True,
        "categories": list(product.categories),
        "attributeValues": {
            "price": {"type": "float", "value": money(price), "isIcon": False, "position": 1,
                      "additionalFields": [], "isProductPreview": False},
        },
    }  # fmt: skip
    if signed_price is not None:
        body["signedPrice"] = signed_price
    return body


def created_order_json(order: Order, currency: str) -> Json:
    products: list[Json] = []
    for line in order.lines:
        echo: Json = {"productId": line.product_id, "quantity": line.quantity}
        if line.signed_price is not None:
            echo["signedPrice"] = line.signed_price
        products.append(echo)
    return {
        "id": order.id,
        "formIdentifier": order.form_identifier,
        "paymentAccountIdentifier": order.account,
        "formData": list(order.form_data),
        "products": products,
        "currency": currency,
        "totalSum": money(order.total),
        "createdDate": iso(order.created),
        "statusIdentifier": order.status,
    }


def order_json(state: SandboxState, order: Order) -> Json:
    """The order entity (get by id, list items); `state.lock` must be held by the caller."""
    project = state.project
    storage = project.storage(order.storage)
    account = project.account(order.account)
    assert storage is not None
    assert account is not None
    status = storage.status(order.status) or storage.default_status
    sessions = [s for s in state.sessions.values() if s.order_id == order.id]
    payment_url = max(sessions, key=lambda s: s.id).payment_url if sessions else None
    return {
        "id": order.id,
        "storageId": storage.id,
        "createdDate": iso(order.created),
        "statusIdentifier": status.identifier,
        "statusLocalizeInfos": {"title": status.title},
        "formIdentifier": order.form_identifier,
        "formData": list(order.form_data),
        "attributeSetIdentifier": order.form_identifier,
        "totalSum": f"{order.total:.2f}",
        "currency": project.currency,
        "paymentAccountIdentifier": account.identifier,
        "paymentAccountLocalizeInfos": {"title": account.title},
        "paymentUrl": payment_url,
        "products": [
            {"id": line.product_id, "title": line.title, "sku": None, "previewImage": None,
             "price": money(line.price), "quantity": line.quantity, "isGift": False}
            for line in order.lines
        ],
        "isCompleted": order.paid,
    }  # fmt: skip


def session_json(session: PaymentSession) -> Json:
    body: Json = {
        "id": session.id,
        "createdDate": iso(session.created),
        "updatedDate": iso(session.updated),
        "type": session.type,
        "status": session.status,
        "paymentAccountId": session.account_id,
        "orderId": session.order_id,
        "paymentUrl": session.payment_url,
        "amount": money(session.amount),
    }
    if session.client_secret is not None:
        body["clientSecret"] = session.client_secret
    return body


def refund_json(refund: Refund) -> Json:
    return {
        "id": refund.id,
        "createdDate": iso(refund.created),
        "status": refund.status,
        "amount": money(refund.amount),
        "note": refund.note,
        "products": {pid: {"quantity": qty} for pid, qty in refund.products.items()},
        "orderId": refund.order_id,
        "orderStorageId": refund.storage_id,
        "userId": refund.user_id,
    }
