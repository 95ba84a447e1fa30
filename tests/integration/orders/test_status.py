"""The status machine: payment events, cancel, fulfil, the stale-order sweeper; history and
events; redelivered events change nothing."""

from __future__ import annotations

from datetime import timedelta

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from subgraphs.orders.handlers import register_payment_handlers
from subgraphs.orders.service import PENDING_TIMEOUT
from tests.integration.orders.conftest import Orders, placed_order

CANCEL = """mutation($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) {
  order { id status cancelReason history { status previousStatus actor reason } }
  errors { code field message } } }"""
FULFILL = """mutation($id: ID!) { fulfillOrder(id: $id) {
  order { id status history { status actor } } errors { code field message } } }"""


def payment_event(order_id: str, kind: str = "PaymentSucceeded") -> Event:
    payload = {"orderId": order_id, "paymentId": "p-1"}
    if kind == "PaymentFailed":
        payload["reason"] = "card declined"
    return Event.new(kind, order_id, payload)


def handlers(orders: Orders) -> HandlerRegistry:
    registry = HandlerRegistry()
    register_payment_handlers(registry, orders.service)
    return registry


async def deliver(orders: Orders, event: Event) -> None:
    handler = handlers(orders).lookup("payments", event.type)
    assert handler is not None
    await handler(event)


async def status_of(orders: Orders, order_id: str) -> str:
    found = await orders.service.get(order_id)
    assert found is not None
    return found.status.value


async def test_payment_succeeded_marks_paid_once_under_redelivery(orders_app: Orders) -> None:
    order_id = await placed_order(orders_app, await orders_app.shopper())
    event = payment_event(order_id)
    for _ in range(3):  # at-least-once delivery
        await deliver(orders_app, event)
    assert await status_of(orders_app, order_id) == "PAID"
    assert await orders_app.count_history(order_id) == 2
    changes = await orders_app.events("OrderStatusChanged")
    assert [(e.payload["previousStatus"], e.payload["status"]) for e in changes] == [
        ("PENDING", "PAID")
    ]
    assert changes[0].payload["version"] == 2
    assert changes[0].payload["items"] == [
        {"productId": i.product_id, "quantity": i.quantity}
        for i in (await orders_app.service.get(order_id)).lines  # type: ignore[union-attr]
    ]


async def test_payment_failed_marks_payment_failed(orders_app: Orders) -> None:
    order_id = await placed_order(orders_app, await orders_app.shopper())
    await deliver(orders_app, payment_event(order_id, "PaymentFailed"))
    await deliver(orders_app, payment_event(order_id, "PaymentFailed"))  # another event id
    assert await status_of(orders_app, order_id) == "PAYMENT_FAILED"
    [entry] = (await orders_app.service.history_many([order_id]))[0][1:]
    assert (entry.status, entry.actor, entry.reason) == (
        "PAYMENT_FAILED",
        "payments",
        "card declined",
    )
    assert len(await orders_app.events("OrderStatusChanged")) == 1


async def test_late_payment_of_a_failed_order_is_ignored(orders_app: Orders) -> None:
    order_id = await placed_order(orders_app, await orders_app.shopper())
    await deliver(orders_app, payment_event(order_id, "PaymentFailed"))
    await deliver(orders_app, payment_event(order_id))
    assert await status_of(orders_app, order_id) == "PAYMENT_FAILED"
    assert await orders_app.count_history(order_id) == 2


async def test_event_for_unknown_order_is_ignored(orders_app: Orders) -> None:
    await deliver(orders_app, payment_event("8c1b7a9e-0000-4000-8000-000000000000"))
    assert await orders_app.events() == []


async def test_owner_cancels_pending_order(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    order_id = await placed_order(orders_app, shopper)
    body = await orders_app.gql(
        CANCEL, {"id": order_id, "reason": "changed my mind"}, shopper.token
    )
    payload = body["data"]["cancelOrder"]
    assert payload["errors"] == []
    assert payload["order"]["status"] == "CANCELLED"
    assert payload["order"]["cancelReason"] == "changed my mind"
    assert payload["order"]["history"][-1] == {
        "status": "CANCELLED",
        "previousStatus": "PENDING",
        "actor": shopper.id,
        "reason": "changed my mind",
    }
    [cancelled] = await orders_app.events("OrderCancelled")
    assert cancelled.payload["wasPaid"] is False
    assert cancelled.payload["reason"] == "changed my mind"
    assert cancelled.payload["userId"] == shopper.id
    [changed] = await orders_app.events("OrderStatusChanged")
    assert changed.payload["status"] == "CANCELLED"


async def test_cancelling_a_paid_order_asks_for_a_refund(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    order_id = await placed_order(orders_app, shopper)
    await deliver(orders_app, payment_event(order_id))
    body = await orders_app.gql(CANCEL, {"id": order_id}, shopper.token)
    assert body["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    [cancelled] = await orders_app.events("OrderCancelled")
    assert cancelled.payload["wasPaid"] is True
    assert cancelled.payload["totalMinor"] > 0


async def test_illegal_transitions_are_refused_as_data(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    order_id = await placed_order(orders_app, shopper)
    # Fulfilling an unpaid order.
    body = await orders_app.gql(FULFILL, {"id": order_id}, orders_app.staff.token)
    assert [e["code"] for e in body["data"]["fulfillOrder"]["errors"]] == ["ILLEGAL_TRANSITION"]
    await deliver(orders_app, payment_event(order_id))
    body = await orders_app.gql(FULFILL, {"id": order_id}, orders_app.staff.token)
    assert body["data"]["fulfillOrder"]["order"]["status"] == "FULFILLED"
    assert body["data"]["fulfillOrder"]["order"]["history"][-1]["actor"] == (
        f"staff:{orders_app.staff.id}"
    )
    # A fulfilled order can be neither cancelled nor fulfilled again.
    again = await orders_app.gql(FULFILL, {"id": order_id}, orders_app.staff.token)
    assert [e["code"] for e in again["data"]["fulfillOrder"]["errors"]] == ["ILLEGAL_TRANSITION"]
    cancel = await orders_app.gql(CANCEL, {"id": order_id}, shopper.token)
    assert [e["code"] for e in cancel["data"]["cancelOrder"]["errors"]] == ["ILLEGAL_TRANSITION"]
    assert await status_of(orders_app, order_id) == "FULFILLED"
    assert await orders_app.count_history(order_id) == 3
    assert await orders_app.events("OrderCancelled") == []


async def test_only_staff_fulfil_and_only_owner_or_staff_cancel(orders_app: Orders) -> None:
    owner, stranger = await orders_app.shopper(), await orders_app.shopper()
    order_id = await placed_order(orders_app, owner)
    await deliver(orders_app, payment_event(order_id))

    customer = await orders_app.gql(FULFILL, {"id": order_id}, owner.token)
    assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await orders_app.gql(FULFILL, {"id": order_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    anonymous = await orders_app.gql(CANCEL, {"id": order_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Someone else's order looks exactly like one that does not exist.
    theirs = await orders_app.gql(CANCEL, {"id": order_id}, stranger.token)
    missing = await orders_app.gql(
        CANCEL, {"id": "5f0e5a3c-1111-4111-8111-111111111111"}, stranger.token
    )
    assert theirs["data"]["cancelOrder"] == missing["data"]["cancelOrder"]
    assert [e["code"] for e in theirs["data"]["cancelOrder"]["errors"]] == ["NOT_FOUND"]
    assert await status_of(orders_app, order_id) == "PAID"

    by_staff = await orders_app.gql(
        CANCEL, {"id": order_id, "reason": "fraud"}, orders_app.staff.token
    )
    assert by_staff["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert by_staff["data"]["cancelOrder"]["order"]["history"][-1]["actor"] == (
        f"staff:{orders_app.staff.id}"
    )


async def test_too_long_reason_is_refused(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    order_id = await placed_order(orders_app, shopper)
    body = await orders_app.gql(CANCEL, {"id": order_id, "reason": "x" * 501}, shopper.token)
    assert [e["code"] for e in body["data"]["cancelOrder"]["errors"]] == ["INVALID_REASON"]
    assert await status_of(orders_app, order_id) == "PENDING"


async def test_sweeper_cancels_only_stale_pending_orders(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    stale = await placed_order(orders_app, shopper)
    paid = await placed_order(orders_app, shopper)
    await deliver(orders_app, payment_event(paid))
    created = await orders_app.service.get(stale)
    assert created is not None

    just_before = created.created_at + PENDING_TIMEOUT - timedelta(seconds=1)
    assert await orders_app.service.cancel_stale_pending(just_before) == []
    later = created.created_at + PENDING_TIMEOUT + timedelta(minutes=5)
    assert await orders_app.service.cancel_stale_pending(later) == [stale]
    assert await orders_app.service.cancel_stale_pending(later) == []  # once
    assert await status_of(orders_app, stale) == "CANCELLED"
    assert await status_of(orders_app, paid) == "PAID"
    history = (await orders_app.service.history_many([stale]))[0]
    assert history[-1].actor == "system"
    [cancelled] = await orders_app.events("OrderCancelled")
    assert cancelled.aggregate_id == stale and cancelled.payload["wasPaid"] is False
