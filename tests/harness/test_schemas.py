"""The JSON Schemas in `schemas/` and `schemas.store`: loading, examples, messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from oneentry_contracts.api.endpoints import ENDPOINTS, ERROR_SCHEMA
from oneentry_contracts.errors import ConfigError, SchemaViolation
from oneentry_contracts.schemas.store import (
    BASE_URI,
    SCHEMA_DIR,
    SchemaStore,
    default_store,
    required_schemas,
)

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpZCI6OCwiYXV0aFByb3ZpZGVySWRlbnRpZmllciI6ImVtYWlsIiwidXNlcklkZW50aWZpZXIiOiJ0ZXN0QHRlc3Qu"
    "cnUiLCJpYXQiOjE3Njc3NTkzNDgsImV4cCI6MTc2Nzc5NTM0OH0."
    "c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
)

# SEED003 step 4: the created order (totalSum a number).
CREATED_ORDER: dict[str, Any] = {
    "id": 89,
    "formIdentifier": "order",
    "paymentAccountIdentifier": "cash",
    "formData": [{"type": "string", "marker": "name", "value": "Christina Thomas"}],
    "products": [{"productId": 14, "quantity": 1}],
    "currency": "USD",
    "totalSum": 340,
    "createdDate": "2025-04-30T20:15:29.254Z",
}
# Reference §2.2, D:/vi/docs/orders/getOrderByMarkerAndId (totalSum a string).
ORDER: dict[str, Any] = {
    "id": 205,
    "storageId": 1,
    "createdDate": "2025-07-18T05:51:09.924Z",
    "statusIdentifier": "inProgress",
    "formIdentifier": "orderForm",
    "formData": [{"marker": "order_name", "type": "string", "value": "Ivan"}],
    "attributeSetIdentifier": "order_form",
    "totalSum": "50.00",
    "currency": "usd",
    "paymentAccountIdentifier": "stripe",
    "paymentAccountLocalizeInfos": {"title": "Stripe"},
    "products": [
        {"id": 2954, "title": "Box", "sku": None, "previewImage": None, "price": 50, "quantity": 1}
    ],
    "paymentUrl": "https://checkout.stripe.com/c/pay/cs_test_a1",
    "isCompleted": False,
}
# SEED000 step 7.
SESSION: dict[str, Any] = {
    "id": 47,
    "createdDate": "2025-04-30T21:47:45.344Z",
    "updatedDate": "2025-04-30T21:47:45.344Z",
    "type": "session",
    "status": "waiting",
    "paymentAccountId": 1,
    "orderId": 90,
    "paymentUrl": None,
}
STORAGE: dict[str, Any] = {
    "id": 1,
    "localizeInfos": {"title": "My order"},
    "position": 1,
    "identifier": "my_order",
    "formIdentifier": "orderForm",
    "generalTypeId": 21,
    "paymentAccountIdentifiers": [{"identifier": "cash"}, {"identifier": "stripe"}],
}
ACCOUNT: dict[str, Any] = {
    "id": 1,
    "identifier": "cash",
    "isVisible": True,
    "localizeInfos": {"title": "Cash"},
    "type": "custom",
    "isUsed": True,
    "testMode": True,
    "settings": {"status": "connected"},
    "testSettings": {"status": "connected"},
    "updatedDate": "2025-02-25T08:55:43.957Z",
}
AUTH: dict[str, Any] = {
    "userIdentifier": "test@test.ru",
    "authProviderIdentifier": "email",
    "accessToken": JWT,
    "refreshToken": "1767759348848-7184d7ba-a66d-4f30-bb76-29a64696f96d",
}
PROVIDER: dict[str, Any] = {
    "id": 1,
    "localizeInfos": {"title": "email"},
    "config": {
        "accessTokenTtlSec": "36000",
        "refreshTokenTtlMc": "604800",
        "deleteNoneActiveUsersAfterDays": "2",
        "systemCodeTlsSec": "120",
        "systemCodeLength": "6",
        "systemCodeOnlyNumbers": None,
        "oauthAuthUrl": None,
    },
    "version": 0,
    "identifier": "email",
    "type": "email",
    "formIdentifier": "reg",
    "userGroupIdentifier": "guest",
    "isActive": True,
    "isCheckCode": False,
}
# Reference §2.4: the wire form, with null flags and an additionalFields array.
FORM: dict[str, Any] = {
    "id": 6,
    "attributeSetId": 15,
    "type": "data",
    "localizeInfos": {
        "title": "Test form",
        "titleForSite": "",
        "successMessage": "",
        "unsuccessMessage": "",
        "urlAddress": "",
        "database": "0",
        "script": "0",
    },
    "version": 9,
    "position": 1,
    "identifier": "test-form",
    "processingType": "script",
    "templateId": None,
    "attributes": [
        {
            "type": "string",
            "marker": "name",
            "isLogin": None,
            "isSignUp": None,
            "position": 1,
            "settings": {},
            "isVisible": True,
            "listTitles": [],
            "validators": {
                "requiredValidator": {"strict": True},
                "stringInspectionValidator": {"stringMax": 0, "stringMin": 0, "stringLength": 0},
            },
            "initialValue": None,
            "localizeInfos": {"title": "Name"},
            "additionalFields": [{"marker": "additional_field"}],
            "isNotificationEmail": None,
            "isNotificationPhoneSMS": None,
            "isNotificationPhonePush": None,
        }
    ],
}
ERROR: dict[str, Any] = {
    "statusCode": 404,
    "timestamp": "2026-04-07T17:35:25.509Z",
    "message": "Request not found",
    "pageData": None,
}
PREVIEW: dict[str, Any] = {
    "totalSum": 300,
    "totalSumWithDiscount": 285,
    "bonusApplied": 0,
    "totalDue": 285,
    "currency": "USD",
    "discountConfig": {
        "orderDiscounts": [
            {
                "id": 2,
                "identifier": "personal_discount",
                "type": "PERSONAL_DISCOUNT",
                "localizeInfos": {"title": "Personal discount"},
            }
        ],
        "productDiscounts": [],
        "coupon": None,
        "bonus": None,
        "settings": {"allowGiftStacking": False, "allowStacking": False, "maxDiscountValue": None},
    },
    "orderPreview": [
        {"id": 2957, "price": 150, "quantity": 2, "discountPrice": None, "isGift": False}
    ],
}
STATUSES: list[dict[str, Any]] = [
    {
        "id": 1,
        "identifier": "paid_for",
        "localizeInfos": {"title": "Paid for"},
        "isDefault": False,
        "position": 1,
        "isUsed": False,
    },
    {
        "id": 2,
        "identifier": "inProgress",
        "localizeInfos": {"title": "In progress"},
        "isDefault": True,
        "position": 2,
        "isUsed": True,
    },
]
PRODUCT: dict[str, Any] = {
    "id": 2954,
    "attributeSetIdentifier": "products",
    "localizeInfos": {"title": "Box"},
    "statusLocalizeInfos": {"title": "Sale"},
    "isVisible": True,
    "statusIdentifier": "sale",
    "position": 1,
    "templateIdentifier": None,
    "shortDescTemplateIdentifier": "product_preview",
    "price": 51,
    "additional": {"prices": {"min": 51, "max": 150}},
    "sku": None,
    "isSync": True,
    "categories": ["catalog"],
    "attributeValues": {"price": {"type": "integer", "value": 51, "position": 1}},
}
SIGN_UP: dict[str, Any] = {
    "id": 12,
    "updatedDate": "2025-04-30T20:00:00.000Z",
    "version": 0,
    "identifier": "user@example.com",
    "isActive": False,
    "formData": [{"marker": "last_name", "type": "string", "value": "Name"}],
    "notificationData": {"email": "user@example.com", "phonePush": []},
    "locale": "en_US",
}
REFUND: dict[str, Any] = {
    "id": 3,
    "createdDate": "2025-05-01T10:00:00.000Z",
    "status": "new",
    "amount": 150,
    "note": "test",
    "products": {"2957": {"quantity": 1}},
    "orderId": 179,
    "orderStorageId": 1,
    "userId": 8,
}

EXAMPLES: list[tuple[str, Any]] = [
    ("created_order", CREATED_ORDER),
    ("order", ORDER),
    ("order_list", {"items": [ORDER], "total": 1}),
    ("session", SESSION),
    ("session_list", {"items": [SESSION, {**SESSION, "id": 48, "amount": 50}], "total": 2}),
    ("session_by_order", [{**SESSION, "amount": None}]),
    ("session_by_order", []),
    ("order_storage", STORAGE),
    ("order_storage_list", [STORAGE]),
    ("payment_account", ACCOUNT),
    ("payment_account_list", [ACCOUNT]),
    ("auth_entity", AUTH),
    ("auth_provider", PROVIDER),
    ("auth_provider_list", [PROVIDER]),
    ("form", FORM),
    ("form", {**FORM, "attributes": {}}),
    ("form_list", {"total": 1, "items": [FORM]}),
    ("error", ERROR),
    ("error", {**ERROR, "statusCode": 400, "message": ["formData's marker 'name' is missing"]}),
    ("order_preview", PREVIEW),
    ("order_status_list", STATUSES),
    ("product", PRODUCT),
    ("sign_up_entity", SIGN_UP),
    ("refund_list", [REFUND]),
    ("refund_list", []),
    ("logout_result", True),
    ("refund_result", True),
]


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore.load(SCHEMA_DIR)


def _violation(store: SchemaStore, schema: str, body: Any, **kwargs: Any) -> SchemaViolation:
    with pytest.raises(SchemaViolation) as caught:
        store.validate(schema, body, **kwargs)
    return caught.value


# --- the schema files ------------------------------------------------------------------------


def test_every_endpoint_schema_and_the_error_schema_are_loaded(store: SchemaStore) -> None:
    needed = {e.schema for e in ENDPOINTS.values()} | {ERROR_SCHEMA}
    assert required_schemas() == needed
    assert needed <= store.names
    assert "created_order" in needed
    assert "session_by_order" in needed


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.rglob("*.json")), ids=lambda p: p.stem)
def test_every_file_is_a_constraining_schema_with_its_id(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    name = path.relative_to(SCHEMA_DIR).with_suffix("").as_posix()
    assert isinstance(schema, dict)
    assert schema != {}
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{BASE_URI}{name}.json"
    assert set(schema) - {"$schema", "$id", "title", "description", "$comment"}
    # A run does not check the shipped schemas against the meta-schema (SchemaStore.load): here.
    Draft202012Validator.check_schema(schema)


def test_default_store_is_loaded_once() -> None:
    assert default_store() is default_store()
    assert default_store().directory == SCHEMA_DIR


# --- examples from the reference and the seeds --------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "body"), EXAMPLES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXAMPLES)]
)
def test_reference_examples_validate_in_both_modes(
    store: SchemaStore, schema: str, body: Any
) -> None:
    store.validate(schema, body)
    store.validate(schema, body, strict=True)  # every documented field is declared


def test_every_required_schema_has_an_example() -> None:
    assert required_schemas() <= {name for name, _ in EXAMPLES}


def test_form_data_may_come_back_as_a_language_map(store: SchemaStore) -> None:
    store.validate(
        "created_order", {**CREATED_ORDER, "formData": {"en_US": CREATED_ORDER["formData"]}}
    )
    violation = _violation(
        store, "created_order", {**CREATED_ORDER, "formData": [{"marker": "name", "value": "x"}]}
    )
    # best_match picks the array branch, the one the value is closest to
    assert violation.keyword == "required"
    assert violation.pointer == "/formData/0"
    assert "'type' is a required property" in str(violation)
    assert "defs/form_data_entry.json#/required" in str(violation)


@pytest.mark.parametrize(
    ("schema", "body", "pointer", "keyword"),
    [
        (
            "auth_entity",
            {**AUTH, "refreshToken": "1745494429101-...-2834edf8"},
            "/refreshToken",
            "pattern",
        ),
        ("auth_entity", {**AUTH, "accessToken": "not a jwt"}, "/accessToken", "pattern"),
        ("session", {**SESSION, "createdDate": "30.04.2025"}, "/createdDate", "pattern"),
        ("session", {**SESSION, "paymentUrl": 5}, "/paymentUrl", "type"),
        ("order", {**ORDER, "totalSum": 50}, "/totalSum", "type"),
        ("order", {**ORDER, "isCompleted": "no"}, "/isCompleted", "type"),
        ("error", {**ERROR, "statusCode": 200}, "/statusCode", "minimum"),
        ("error", {**ERROR, "message": [1]}, "/message/0", "type"),
        ("logout_result", {}, "", "type"),
        ("refund_result", {"success": True}, "", "type"),
        (
            "form",
            {**FORM, "attributes": [{**FORM["attributes"][0], "isLogin": "yes"}]},
            "/attributes/0/isLogin",
            "type",
        ),
        (
            "order_storage",
            {**STORAGE, "paymentAccountIdentifiers": [{}]},
            "/paymentAccountIdentifiers/0",
            "required",
        ),
        (
            "auth_provider",
            {**PROVIDER, "config": {"accessTokenTtlSec": 36000}},
            "/config/accessTokenTtlSec",
            "type",
        ),
    ],
)
def test_bodies_that_break_the_contract_fail(
    store: SchemaStore, schema: str, body: Any, pointer: str, keyword: str
) -> None:
    violation = _violation(store, schema, body)
    assert (violation.pointer, violation.keyword) == (pointer, keyword)


# --- violations -----------------------------------------------------------------------------------


def test_created_order_with_a_string_total_names_pointer_keyword_and_location(
    store: SchemaStore,
) -> None:
    violation = _violation(
        store,
        "created_order",
        {**CREATED_ORDER, "totalSum": "340"},
        endpoint=str(ENDPOINTS["create_order"]),
        origin="cassettes/registered_purchase/pay_cash.yaml",
    )
    assert violation.schema == "created_order"
    assert violation.keyword == "type"
    assert violation.pointer == "/totalSum"
    assert violation.value == "340"
    assert violation.endpoint == "POST /api/content/orders-storage/marker/{marker}/orders"
    assert violation.origin == "cassettes/registered_purchase/pay_cash.yaml"
    assert violation.errors == (
        "/totalSum: '340' is not of type 'number' [created_order.json#/properties/totalSum/type]",
    )
    lines = str(violation).splitlines()
    assert lines[0] == "Response violates schema 'created_order'"
    assert "    '340' is not of type 'number'" in lines
    assert "Schema:   created_order.json#/properties/totalSum/type (keyword 'type')" in lines
    assert "At:       /totalSum" in lines
    assert '    "340"' in lines
    assert "Endpoint: POST /api/content/orders-storage/marker/{marker}/orders" in lines
    assert "Origin:   cassettes/registered_purchase/pay_cash.yaml" in lines
    assert "Other violations" not in str(violation)


def test_order_without_payment_url_fails_required(store: SchemaStore) -> None:
    body = {k: v for k, v in ORDER.items() if k != "paymentUrl"}
    violation = _violation(store, "order", body)
    assert violation.keyword == "required"
    assert violation.pointer == ""
    assert violation.value == body
    assert "'paymentUrl' is a required property" in str(violation)
    assert "order.json#/required (keyword 'required')" in str(violation)
    assert "At:       (root)" in str(violation)


def test_nested_violation_points_into_the_list_and_the_ref_file(store: SchemaStore) -> None:
    bad = copy.deepcopy(ORDER)
    bad["products"][0]["quantity"] = "1"
    violation = _violation(
        store, "order_list", {"items": [ORDER, bad], "total": 2}, endpoint=str(ENDPOINTS["orders"])
    )
    assert violation.pointer == "/items/1/products/0/quantity"
    assert violation.keyword == "type"
    assert "Schema:   defs/order_product.json#/properties/quantity/type" in str(violation)
    assert "Endpoint: GET /api/content/orders-storage/marker/{marker}/orders" in str(violation)


def test_total_sum_in_an_order_list_item(store: SchemaStore) -> None:
    violation = _violation(store, "order_list", {"items": [{**ORDER, "totalSum": 50}], "total": 1})
    assert violation.pointer == "/items/0/totalSum"
    assert "order.json#/properties/totalSum/type" in str(violation)


def test_every_violation_is_listed(store: SchemaStore) -> None:
    body = {**SESSION, "id": "47", "orderId": None}
    del body["status"]
    violation = _violation(store, "session", body)
    assert len(violation.errors) == 3
    assert {e.split(":")[0] for e in violation.errors} == {"(root)", "/id", "/orderId"}
    assert "Other violations (2):" in str(violation)


def test_long_values_are_cut_to_twenty_lines(store: SchemaStore) -> None:
    body = {**ORDER, "products": [{**ORDER["products"][0], "id": i} for i in range(10)]}
    del body["currency"]
    message = str(_violation(store, "order", body))
    value_lines = message.split("Value:\n", 1)[1].split("\nEndpoint:", 1)[0].splitlines()
    assert len(value_lines) == 21
    assert value_lines[-1].strip().startswith("... (")


def test_a_wire_form_attribute_error_points_into_the_def(store: SchemaStore) -> None:
    attribute = {**FORM["attributes"][0], "additionalFields": [{"type": "string"}]}
    violation = _violation(store, "form", {**FORM, "attributes": [attribute]})
    assert violation.pointer == "/attributes/0/additionalFields/0"
    assert "defs/form_attribute.json#/$defs/additional_field/required" in str(violation)


def test_a_session_status_is_one_the_cms_has(store: SchemaStore) -> None:
    """waiting, completed, canceled, expired (FIDELITY.md P9): the seed's 'guest_completed' is
    none of them, no content-API call could set it."""
    for status in ("waiting", "completed", "canceled", "expired"):
        store.validate("session", {**SESSION, "status": status})
    violation = _violation(store, "session", {**SESSION, "status": "guest_completed"})
    assert (violation.pointer, violation.keyword) == ("/status", "enum")


def test_session_by_order_is_an_array_as_live(store: SchemaStore) -> None:
    """The docs show one object and SDK 1.0.149 accepts one; live projects answer an array
    (oneentry_sandbox/FIDELITY.md P2), and observed live wins: one object is a contract change."""
    violation = _violation(store, "session_by_order", SESSION)
    assert violation.pointer == ""
    assert violation.keyword == "type"


def test_session_by_order_reports_the_session_branch(store: SchemaStore) -> None:
    violation = _violation(store, "session_by_order", [{**SESSION, "paymentAccountId": "1"}])
    assert violation.pointer == "/0/paymentAccountId"
    assert "session.json#/properties/paymentAccountId/type" in str(violation)


def test_unknown_schema_names_the_known_ones(store: SchemaStore) -> None:
    with pytest.raises(KeyError, match=r"unknown schema 'orders'.*order_list"):
        store.validate("orders", {})


def test_validate_endpoint_uses_the_catalogue_schema(store: SchemaStore) -> None:
    store.validate_endpoint(ENDPOINTS["session_by_order"], [SESSION], origin="live")
    with pytest.raises(SchemaViolation) as caught:
        store.validate_endpoint(ENDPOINTS["update_order"], ORDER, origin="https://x.test/o/1")
    assert caught.value.schema == "created_order"
    assert caught.value.endpoint == "PUT /api/content/orders-storage/marker/{marker}/orders/{id}"
    assert caught.value.origin == "https://x.test/o/1"


# --- strict mode ------------------------------------------------------------------------------


def test_strict_mode_reports_a_new_field(store: SchemaStore) -> None:
    body = {**SESSION, "newField": 1}
    store.validate("session", body)
    violation = _violation(store, "session", body, strict=True)
    assert violation.pointer == "/newField"
    assert violation.keyword == "unevaluatedProperties"
    assert violation.value == 1
    assert "unknown field 'newField'" in str(violation)
    assert "At:       /newField" in str(violation)
    assert str(violation).startswith("Response violates schema 'session' (strict mode)")


def test_strict_mode_works_through_refs(store: SchemaStore) -> None:
    body = {"items": [{**SESSION, "fulfillmentStatus": "x"}], "total": 1}
    store.validate("session_list", body)
    violation = _violation(store, "session_list", body, strict=True)
    assert violation.pointer == "/items/0/fulfillmentStatus"
    assert "session.json#/unevaluatedProperties" in str(violation)


def test_strict_mode_through_a_def_and_an_array(store: SchemaStore) -> None:
    order = copy.deepcopy(ORDER)
    order["products"][0]["signedPrice"] = "50"
    order["products"][0]["discount"] = 5
    violation = _violation(store, "order", order, strict=True)
    assert violation.pointer == "/products/0/discount"
    one = _violation(store, "session_by_order", [{**SESSION, "new/key": 1}], strict=True)
    assert one.pointer == "/0/new~1key"
    assert one.errors == (
        "/0/new~1key: unknown field 'new/key': the schema does not declare it (strict mode) "
        "[session.json#/unevaluatedProperties]",
    )


def test_strict_mode_lists_every_unknown_key(store: SchemaStore) -> None:
    violation = _violation(store, "auth_entity", {**AUTH, "a": 1, "b": 2}, strict=True)
    assert [e.split(":")[0] for e in violation.errors] == ["/a", "/b"]


def test_strict_mode_leaves_maps_open(store: SchemaStore) -> None:
    # localizeInfos, config, settings are maps: per-language keys must not count as unknown.
    store.validate(
        "payment_account", {**ACCOUNT, "localizeInfos": {"en_US": {"title": "Cash"}}}, strict=True
    )
    store.validate("auth_provider", {**PROVIDER, "config": {"tokenSecretKey": "s"}}, strict=True)


# --- load errors ------------------------------------------------------------------------------


def _schema(name: str, **body: Any) -> str:
    return json.dumps(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{BASE_URI}{name}.json",
            **body,
        }
    )


def _load_error(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> ConfigError:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        SchemaStore.load(tmp_path, **kwargs)
    return caught.value


def test_a_non_json_file_is_named(tmp_path: Path) -> None:
    error = _load_error(
        tmp_path,
        {"ok.json": _schema("ok", type="object"), "bad.json": "{type: object"},
        required=(),
    )
    assert str(error).startswith(f"{tmp_path / 'bad.json'}: not readable JSON")
    assert error.source == str(tmp_path / "bad.json")


def test_an_invalid_schema_is_named(tmp_path: Path) -> None:
    error = _load_error(tmp_path, {"order.json": _schema("order", type=12)}, required=())
    assert str(error).startswith(f"{tmp_path / 'order.json'}: invalid schema at /type")
    assert "12 is not valid under any of the given schemas" in str(error)


def test_a_dangling_ref_is_named(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {"a": {"$ref": "defs/missing.json"}}}
    error = _load_error(tmp_path, {"order.json": _schema("order", **body)}, required=())
    assert str(error).startswith(
        f"{tmp_path / 'order.json'}: $ref 'defs/missing.json' does not resolve"
    )
    assert error.key == "$ref"


def test_a_ref_to_a_missing_pointer_is_named(tmp_path: Path) -> None:
    files = {
        "defs/x.json": _schema("defs/x", type="string"),
        "order.json": _schema("order", properties={"a": {"$ref": "defs/x.json#/$defs/nope"}}),
    }
    error = _load_error(tmp_path, files, required=())
    assert str(error).startswith(f"{tmp_path / 'order.json'}: $ref 'defs/x.json#/$defs/nope'")


@pytest.mark.parametrize("root", ["{}", "true", '{"$id": "x", "description": "anything"}'])
def test_an_empty_schema_is_refused(tmp_path: Path, root: str) -> None:
    error = _load_error(tmp_path, {"order.json": root}, required=())
    assert "the root must be an object with at least one constraint" in str(error)


def test_a_wrong_id_is_refused(tmp_path: Path) -> None:
    error = _load_error(tmp_path, {"order.json": _schema("session", type="object")}, required=())
    assert f"set it to '{BASE_URI}order.json'" in str(error)
    assert error.key == "$id"


def test_a_schema_an_endpoint_needs_must_exist(tmp_path: Path) -> None:
    error = _load_error(tmp_path, {"order.json": _schema("order", type="object")})
    assert "no schema file for" in str(error)
    assert "created_order" in str(error)
    assert "order.json" not in str(error).split("add ", 1)[1].split(", ")


def test_refs_between_files_resolve_without_network(tmp_path: Path) -> None:
    files = {
        "defs/money.json": _schema("defs/money", type="number"),
        "order.json": _schema(
            "order", type="object", properties={"sum": {"$ref": "defs/money.json"}}
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    loaded = SchemaStore.load(tmp_path, required=["order"])
    loaded.validate("order", {"sum": 1})
    violation = _violation(loaded, "order", {"sum": "1"})
    assert "defs/money.json#/type" in str(violation)
