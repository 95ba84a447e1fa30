"""The inventory worker's batch form: a run of payment outcomes and cancellations settles in
one transaction with the effects, ledger and idempotency of the one-event path."""

from __future__ import annotations

from collections.abc import Sequence

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import BatchHandler, HandlerRegistry
from subgraphs.inventory.domain import LineRequest, ReservationStatus
from subgraphs.inventory.handlers import register_handlers
from tests.integration.inventory.conftest import Inventory, new_id, set_stock
from tests.support.sql import count_statements


def settle_batch(inventory: Inventory) -> BatchHandler:
    registry = HandlerRegistry()
    register_handlers(registry, inventory.reservations)
    batch = registry.batch_for("payments", "PaymentSucceeded")
    assert batch is not None
    assert registry.batch_for("orders", "OrderCancelled") is batch
    return batch


def paid(order: str) -> Event:
    return Event.new("PaymentSucceeded", order, {"orderId": order, "paymentId": new_id()})


def failed(order: str) -> Event:
    return Event.new("PaymentFailed", order, {"orderId": order, "reason": "card_declined"})


def cancelled(order: str) -> Event:
    return Event.new("OrderCancelled", order, {"orderId": order, "wasPaid": True})


async def reserve_each(inventory: Inventory, product: str, quantities: Sequence[int]) -> list[str]:
    orders = [new_id() for _ in quantities]
    for order, quantity in zip(orders, quantities, strict=True):
        await inventory.reservations.reserve(order, [LineRequest(product, quantity)])
    return orders


async def status(inventory: Inventory, order: str) -> ReservationStatus | None:
    found = await inventory.reservations.get(order)
    return None if found is None else found.status


async def test_a_run_settles_each_order_as_one_by_one_would(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 20)
    a, b, c, d = await reserve_each(inventory, product, [2, 3, 4, 1])
    settle = settle_batch(inventory)
    stock_events_before = len(await inventory.events("StockChanged"))

    # a paid, b's payment failed, c paid then cancelled, d paid twice (two events).
    await settle([paid(a), failed(b), paid(c), cancelled(c), paid(d), paid(d)])

    assert [await status(inventory, o) for o in (a, b, c, d)] == [
        ReservationStatus.COMMITTED,
        ReservationStatus.RELEASED,
        ReservationStatus.RESTOCKED,
        ReservationStatus.COMMITTED,
    ]
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (17, 0, 17)
    settled = [m for m in await inventory.ledger(product) if m.kind not in ("SET", "RESERVE")]
    assert [(m.order_id, m.kind, m.on_hand_after, m.reserved_after) for m in settled] == [
        (a, "COMMIT", 18, 8),
        (b, "RELEASE", 18, 5),
        (c, "COMMIT", 14, 1),
        (c, "RESTOCK", 18, 1),
        (d, "COMMIT", 17, 0),
    ]
    announced = (await inventory.events("StockChanged"))[stock_events_before:]
    assert [(e.payload["onHand"], e.payload["reserved"]) for e in announced] == [(17, 0)]


async def test_a_redelivered_run_changes_nothing(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    a, b = await reserve_each(inventory, product, [2, 3])
    settle = settle_batch(inventory)
    run = [paid(a), failed(b)]

    await settle(run)
    await settle(run)
    # The events one by one too (the runtime's fallback when a batch form raises).
    registry = HandlerRegistry()
    register_handlers(registry, inventory.reservations)
    for event in run:
        handler = registry.lookup("payments", event.type)
        assert handler is not None
        await handler(event)

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (8, 0)
    kinds = [m.kind for m in await inventory.ledger(product)]
    assert kinds.count("COMMIT") == 1 and kinds.count("RELEASE") == 1


async def test_a_refused_event_leaves_the_rest_of_the_run_applied(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    released, payable = await reserve_each(inventory, product, [2, 3])
    await inventory.reservations.release(released)
    settle = settle_batch(inventory)
    late_payment, unknown = paid(released), paid(new_id())

    await settle([late_payment, unknown, paid(payable)])

    assert await status(inventory, released) is ReservationStatus.RELEASED
    assert await status(inventory, payable) is ReservationStatus.COMMITTED
    assert (await inventory.level(product)).on_hand == 7
    # As on the one-event path, a refusal claims nothing: once the order is reserved again
    # (a newer checkout attempt), the redelivered payment commits it.
    await inventory.reservations.reserve(released, [LineRequest(product, 2)], attempt="2")
    await settle([late_payment])
    assert await status(inventory, released) is ReservationStatus.COMMITTED


async def test_a_longer_run_costs_no_more_statements(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 100)
    orders = await reserve_each(inventory, product, [1] * 12)
    settle = settle_batch(inventory)

    with count_statements(inventory.db.engine) as two:
        await settle([paid(o) for o in orders[:2]])
    with count_statements(inventory.db.engine) as ten:
        await settle([paid(o) for o in orders[2:]])

    if inventory.db.is_postgres:  # SQLite claims each event id on its own
        assert len(ten) == len(two)
    assert (await inventory.level(product)).on_hand == 88
    assert len([m for m in await inventory.ledger(product) if m.kind == "COMMIT"]) == 12
