"""Forms and the product call."""

from __future__ import annotations

import json

from tests.sandbox.sandbox_kit import Api, assert_error


def test_forms_list_is_items_and_total(api: Api) -> None:
    listing = api.get("/api/content/forms", params={"langCode": "en_US"}).json()
    assert set(listing) == {"items", "total"}
    assert listing["total"] == 3
    assert [f["identifier"] for f in listing["items"]] == ["reg", "guest_order", "order"]
    page = api.get("/api/content/forms", params={"offset": 1, "limit": 1}).json()
    assert page == {"items": [listing["items"][1]], "total": 3}


def test_form_by_marker_wire_shape(api: Api) -> None:
    form = api.get("/api/content/forms/marker/guest_order", params={"langCode": "en_US"}).json()
    assert set(form) == {
        "id",
        "attributeSetId",
        "type",
        "localizeInfos",
        "version",
        "position",
        "identifier",
        "processingType",
        "templateId",
        "attributes",
    }
    assert form["type"] == "order"
    assert [a["marker"] for a in form["attributes"]] == ["guest_name", "guest_phone", "guest_email"]
    email = form["attributes"][2]
    assert email["validators"] == {
        "requiredValidator": {"strict": True},
        "emailInspectionValidator": True,
    }
    assert email["additionalFields"] == []
    assert email["isLogin"] is None
    assert email["listTitles"] == []
    for key in ("type", "position", "isVisible", "localizeInfos", "initialValue", "settings"):
        assert key in email
    order = api.get("/api/content/forms/marker/order").json()
    name = order["attributes"][0]
    assert name["validators"]["stringInspectionValidator"] == {
        "stringMin": 0,
        "stringMax": 100,
        "stringLength": 0,
    }
    assert [t["value"] for t in order["attributes"][1]["listTitles"]] == ["courier", "pickup"]
    reg = api.get("/api/content/forms/marker/reg").json()
    assert reg["type"] == "sing_in_up"
    assert reg["attributes"][0]["isLogin"] is True
    assert reg["attributes"][1]["isPassword"] is True
    assert_error(api.get("/api/content/forms/marker/nope"), 404, "Form 'nope' not found")


def test_product_with_and_without_sign_price(api: Api) -> None:
    plain = api.get("/api/content/products/2954", params={"langCode": "en_US"}).json()
    assert plain["id"] == 2954
    assert plain["localizeInfos"] == {"title": "Box"}
    assert plain["price"] == 50
    assert plain["additional"] == {"prices": {"min": 50, "max": 50}}
    assert "signedPrice" not in plain
    for key in (
        "statusIdentifier",
        "statusLocalizeInfos",
        "attributeSetIdentifier",
        "position",
        "sku",
        "isSync",
        "attributeValues",
        "categories",
        "isVisible",
    ):
        assert key in plain
    signed = api.get("/api/content/products/2954", params={"signPrice": "orders"}).json()
    assert isinstance(signed["signedPrice"], str)
    prefix, payload, mac = signed["signedPrice"].split(".")
    assert prefix == "sp1"
    assert json.loads(bytes.fromhex(payload))["productId"] == 2954
    assert len(mac) == 64
    assert not signed["signedPrice"].startswith("eyJ")
    assert_error(api.get("/api/content/products/5"), 404, "Product 5 not found")
    assert_error(
        api.get("/api/content/products/2954", params={"signPrice": "x"}),
        400,
        "signPrice 'x' is not an order storage marker",
    )
