"""The inventory worker's batch form: a run of payment outcomes and cancellations settles in
one transaction with the effects, ledger and idempotency of the one-event path."""

from __future__ import annotations

import itertools
import re
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


def touching_stock(statements: Sequence[str]) -> list[int]:
    """Positions of the statements that read or write the ``stock`` table (not the ledger)."""
    return [i for i, s in enumerate(statements) if re.search(r"\bstock\b", s)]


async def test_a_run_touches_the_stock_row_in_its_last_statement(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    a, b, c = await reserve_each(inventory, product, [1, 2, 3])
    settle = settle_batch(inventory)

    with count_statements(inventory.db.engine) as statements:
        await settle([paid(a), failed(b), paid(c), cancelled(c)])

    if inventory.db.is_postgres:
        # Inbox claims and reservation rows first; the stock row is locked, changed, recorded
        # and announced by the transaction's last statement, so a reserve queues behind it
        # for that statement and the COMMIT only.
        assert touching_stock(statements) == [len(statements) - 1]
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (9, 0, 9)
    settled = [m for m in await inventory.ledger(product) if m.kind not in ("SET", "RESERVE")]
    assert [(m.order_id, m.kind, m.on_hand_after, m.reserved_after) for m in settled] == [
        (a, "COMMIT", 9, 5),
        (b, "RELEASE", 9, 3),
        (c, "COMMIT", 6, 0),
        (c, "RESTOCK", 9, 0),
    ]
    announced = (await inventory.events("StockChanged"))[-1]
    assert announced.payload == {
        "productId": product,
        "onHand": 9,
        "reserved": 0,
        "available": 9,
        "reason": "RESTOCK",
    }


async def test_a_settled_product_kept_in_several_warehouses_announces_all_of_them(
    inventory: Inventory,
) -> None:
    await inventory.service.create_warehouse("AAA-EAST", "East")
    product, other = new_id(), new_id()
    await set_stock(inventory, product, 2, warehouse="AAA-EAST")
    await set_stock(inventory, product, 5)  # DEFAULT: drawn from only once AAA-EAST is out
    await set_stock(inventory, other, 4)
    spans, east_only = new_id(), new_id()
    await inventory.reservations.reserve(spans, [LineRequest(product, 3), LineRequest(other, 1)])
    (both,) = await reserve_each(inventory, product, [2])
    await inventory.reservations.reserve(east_only, [LineRequest(other, 2)])

    settle = settle_batch(inventory)

    # AAA-EAST has 2 on hand, DEFAULT 5: spans holds 2 + 1, both 2 of DEFAULT only.
    await settle([failed(both)])
    latest = (await inventory.events("StockChanged"))[-1].payload
    # The untouched AAA-EAST counts in the totals as it is now.
    assert (latest["productId"], latest["onHand"], latest["reserved"]) == (product, 7, 3)
    await settle([paid(spans)])

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (4, 0)
    other_level = await inventory.level(other)
    assert (other_level.on_hand, other_level.reserved) == (3, 2)
    ledger = await inventory.ledger(product)
    for warehouse in {m.warehouse_id for m in ledger}:
        rows = [m for m in ledger if m.warehouse_id == warehouse]
        for before, row in itertools.pairwise(rows):
            assert row.on_hand_after == before.on_hand_after + row.on_hand_delta
            assert row.reserved_after == before.reserved_after + row.reserved_delta
    latest_of = {e.aggregate_id: e.payload for e in await inventory.events("StockChanged")}
    assert (latest_of[product]["onHand"], latest_of[product]["reserved"]) == (4, 0)
    assert (latest_of[other]["onHand"], latest_of[other]["reserved"]) == (3, 2)
    assert latest_of[product]["orderId"] == latest_of[other]["orderId"] == spans
