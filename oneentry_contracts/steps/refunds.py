"""Refund requests for an order: ask, list, cancel (seed 004)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from oneentry_contracts.api.client import ApiResponse
from oneentry_contracts.api.contract import ContractApi, expect_status
from oneentry_contracts.config.settings import Config
from oneentry_contracts.shop.values import PlacedOrder
from oneentry_contracts.steps import wording


@when(
    parsers.parse(wording.ASK_REFUND.text),
    target_fixture="refund_answer",
)
def ask_refund(
    quantity: int,
    product: str,
    placed_order: PlacedOrder,
    oneentry_api: ContractApi,
    oneentry_config: Config,
) -> ApiResponse:
    product_id = oneentry_config.product_id(product, where="the refund step")
    body = {"products": {str(product_id): {"quantity": quantity}}, "note": "changed my mind"}
    return oneentry_api.call("create_refund", path={"id": placed_order.id}, json=body)


@when(wording.CANCEL_REFUND.text, target_fixture="refund_answer")
def cancel_refund(placed_order: PlacedOrder, oneentry_api: ContractApi) -> ApiResponse:
    return oneentry_api.call("cancel_refund", path={"id": placed_order.id})


@then(wording.REFUND_ACCEPTED.text)
@then(wording.CANCELLATION_ACCEPTED.text)
def refund_accepted(refund_answer: ApiResponse) -> None:
    assert expect_status(refund_answer) is True, f"answered {refund_answer.body!r}, not true"


@when(wording.LIST_REFUNDS.text, target_fixture="refunds")
def list_refunds(placed_order: PlacedOrder, oneentry_api: ContractApi) -> Any:
    return expect_status(oneentry_api.call("refunds", path={"id": placed_order.id}))


@then(parsers.parse(wording.REFUNDS_HOLD.text))
def refunds_hold(
    status: str,
    quantity: int,
    product: str,
    refunds: list[dict[str, Any]],
    placed_order: PlacedOrder,
    oneentry_config: Config,
) -> None:
    assert len(refunds) == 1, f"{len(refunds)} refund requests: {refunds}"
    refund = refunds[0]
    assert refund["orderId"] == placed_order.id
    assert refund["status"] == status, f"the refund is {refund['status']!r}, not {status!r}"
    product_id = str(oneentry_config.product_id(product, where="the refund step"))
    assert refund["products"] == {product_id: {"quantity": quantity}}, refund["products"]
