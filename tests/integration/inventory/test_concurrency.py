"""No overselling and exactly-once effects under concurrency (docs/architecture.md §6
invariants)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from subgraphs.inventory.domain import LineRequest, ReservationStatus
from subgraphs.inventory.handlers import register_handlers
from subgraphs.inventory.repository import lock_stock
from tests.integration.inventory.conftest import Inventory, new_id, reserve, set_stock


async def test_hundred_concurrent_single_unit_reservations_never_oversell(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    orders = [new_id() for _ in range(100)]
    results = await asyncio.gather(*(reserve(inventory, o, [(product, 1)]) for o in orders))

    won = [r for r in results if r["errors"] == []]
    lost = [r for r in results if r["errors"]]
    assert len(won) == 10
    assert {e["code"] for r in lost for e in r["errors"]} == {"INSUFFICIENT_STOCK"}
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)

    ledger = [m for m in await inventory.ledger(product) if m.kind == "RESERVE"]
    assert len(ledger) == 10
    assert sorted(m.reserved_after for m in ledger) == list(range(1, 11))
    assert all(m.on_hand_after - m.reserved_after >= 0 for m in ledger)
    assert {m.order_id for m in ledger} == {r["reservation"]["orderId"] for r in won}


async def test_multi_line_reservations_in_opposite_orders_conserve_stock(
    inventory: Inventory,
) -> None:
    a, b = new_id(), new_id()
    await set_stock(inventory, a, 30)
    await set_stock(inventory, b, 30)

    async def one(i: int) -> dict[str, Any]:
        lines = [(a, 1), (b, 1)] if i % 2 else [(b, 1), (a, 1)]
        return await reserve(inventory, new_id(), lines)

    results = await asyncio.gather(*(one(i) for i in range(40)))
    won = [r["reservation"]["orderId"] for r in results if not r["errors"]]
    refused = {e["code"] for r in results for e in r["errors"]}
    assert len(won) == 30 and refused == {"INSUFFICIENT_STOCK"}
    for product in (a, b):
        level = await inventory.level(product)
        assert (level.on_hand, level.reserved) == (30, 30)

    # Commit half and release half, all at once, lines touching both products.
    async def finish(i: int, order_id: str) -> None:
        if i % 2:
            await inventory.reservations.commit(order_id)
        else:
            await inventory.reservations.release(order_id)

    await asyncio.gather(*(finish(i, o) for i, o in enumerate(won)))
    for product in (a, b):
        level = await inventory.level(product)
        assert (level.on_hand, level.reserved) == (15, 0)
        ledger = await inventory.ledger(product)
        assert sum(m.on_hand_delta for m in ledger) == 15
        assert sum(m.reserved_delta for m in ledger) == 0


async def test_concurrent_commits_and_releases_of_one_order_have_one_outcome(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    order = new_id()
    await inventory.reservations.reserve(order, [LineRequest(product, 4)])

    async def attempt(action: str) -> str:
        call = (
            inventory.reservations.commit if action == "commit" else inventory.reservations.release
        )
        try:
            await call(order)
        except DomainError as exc:
            return f"{action}:{exc.code}"
        return f"{action}:ok"

    calls = ["commit", "release"] * 10
    outcomes = await asyncio.gather(*(attempt(c) for c in calls))
    final = await inventory.reservations.get(order)
    assert final is not None
    level = await inventory.level(product)
    if final.status is ReservationStatus.COMMITTED:
        assert sorted(set(outcomes)) == ["commit:ok", "release:RESERVATION_COMMITTED"]
        assert (level.on_hand, level.reserved) == (6, 0)
    else:
        assert final.status is ReservationStatus.RELEASED
        assert sorted(set(outcomes)) == ["commit:RESERVATION_RELEASED", "release:ok"]
        assert (level.on_hand, level.reserved) == (10, 0)
    finishing = [m for m in await inventory.ledger(product) if m.kind in ("COMMIT", "RELEASE")]
    assert len(finishing) == 1


async def test_concurrent_sweepers_return_an_expired_reservation_once(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    orders = [new_id() for _ in range(5)]
    for order in orders:
        await inventory.reservations.reserve(order, [LineRequest(product, 2)], ttl_seconds=5)
    later = datetime.now(UTC) + timedelta(seconds=10)

    first, second = await asyncio.gather(
        inventory.reservations.sweep_expired(later), inventory.reservations.sweep_expired(later)
    )
    assert sorted(first + second) == sorted(orders)  # each expired by exactly one sweeper
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (10, 0)
    assert len([m for m in await inventory.ledger(product) if m.kind == "EXPIRE"]) == 5
    expired = await inventory.events("ReservationExpired")
    assert sorted(e.aggregate_id for e in expired) == sorted(orders)


async def test_redelivered_payment_failed_releases_once(inventory: Inventory) -> None:
    product = new_id()
    await set_stock(inventory, product, 10)
    order = new_id()
    await inventory.reservations.reserve(order, [LineRequest(product, 3)])
    registry = HandlerRegistry()
    register_handlers(registry, inventory.reservations)
    handle = registry.lookup("payments", "PaymentFailed")
    assert handle is not None

    failed = Event.new(
        "PaymentFailed", order, {"orderId": order, "paymentId": new_id(), "reason": "declined"}
    )
    await asyncio.gather(handle(failed), handle(failed))  # concurrently
    await handle(failed)  # and once more later

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (10, 0)
    releases = [m for m in await inventory.ledger(product) if m.kind == "RELEASE"]
    assert len(releases) == 1
    released_events = [
        e for e in await inventory.events("StockChanged") if e.payload["reason"] == "RELEASE"
    ]
    assert len(released_events) == 1

    # A later PaymentSucceeded for the released order is refused (logged), changing nothing.
    succeeded = registry.lookup("payments", "PaymentSucceeded")
    assert succeeded is not None
    await succeeded(Event.new("PaymentSucceeded", order, {"orderId": order, "paymentId": new_id()}))
    assert (await inventory.level(product)).on_hand == 10


async def test_redelivered_payment_succeeded_commits_once(inventory: Inventory) -> None:
    """The inbox, not only the state machine, de-duplicates: a second commit of a committed
    reservation would be a no-op anyway, so prove the event id itself is claimed once."""
    product = new_id()
    await set_stock(inventory, product, 10)
    order = new_id()
    await inventory.reservations.reserve(order, [LineRequest(product, 2)])
    event = Event.new("PaymentSucceeded", order, {"orderId": order, "paymentId": new_id()})
    results = await asyncio.gather(
        *(inventory.reservations.commit(order, event_id=event.id) for _ in range(3))
    )
    applied = [r for r in results if r is not None]
    assert len(applied) == 1 and applied[0].status is ReservationStatus.COMMITTED
    assert (await inventory.level(product)).on_hand == 8


async def test_cancelled_orders_return_their_units_once(inventory: Inventory) -> None:
    """OrderCancelled releases an unpaid order's units and restocks a paid one's, once each,
    however often (and concurrently) the event is delivered."""
    product = new_id()
    await set_stock(inventory, product, 10)
    unpaid, paid = new_id(), new_id()
    await inventory.reservations.reserve(unpaid, [LineRequest(product, 2)])
    await inventory.reservations.reserve(paid, [LineRequest(product, 3)])
    await inventory.reservations.commit(paid)
    assert (await inventory.level(product)).on_hand == 7

    registry = HandlerRegistry()
    register_handlers(registry, inventory.reservations)
    cancelled = registry.lookup("orders", "OrderCancelled")
    assert cancelled is not None
    for order, was_paid in ((unpaid, False), (paid, True)):
        event = Event.new("OrderCancelled", order, {"orderId": order, "wasPaid": was_paid})
        await asyncio.gather(cancelled(event), cancelled(event), cancelled(event))
        # A second, distinct OrderCancelled for the same order changes nothing either.
        await cancelled(Event.new("OrderCancelled", order, {"orderId": order}))

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (10, 0, 10)
    kinds = [(m.kind, m.order_id) for m in await inventory.ledger(product)]
    assert kinds.count(("RELEASE", unpaid)) == 1
    assert kinds.count(("RESTOCK", paid)) == 1
    assert (await inventory.reservations.get(paid)).status is ReservationStatus.RESTOCKED  # type: ignore[union-attr]


async def shoppers_reserve(inventory: Inventory, product: str, shoppers: int) -> list[bool]:
    """Each shopper reserves one unit of ``product`` at once; whether each got it."""

    async def try_reserve() -> bool:
        try:
            await inventory.reservations.reserve(new_id(), [LineRequest(product, 1)])
        except DomainError as exc:
            assert exc.code == "INSUFFICIENT_STOCK"
            return False
        return True

    return list(await asyncio.gather(*(try_reserve() for _ in range(shoppers))))


async def assert_ledger_and_totals_end_at(
    inventory: Inventory, product: str, on_hand: int, reserved: int
) -> None:
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (
        on_hand,
        reserved,
        on_hand - reserved,
    )
    # Each ledger row's values after follow from the one before it by its deltas.
    ledger = await inventory.ledger(product)
    for before, row in itertools.pairwise(ledger):
        assert row.on_hand_after == before.on_hand_after + row.on_hand_delta
        assert row.reserved_after == before.reserved_after + row.reserved_delta
    assert (ledger[-1].on_hand_after, ledger[-1].reserved_after) == (on_hand, reserved)
    # The last StockChanged announces the totals the row ended with.
    latest = [e for e in await inventory.events("StockChanged") if e.aggregate_id == product][-1]
    assert (latest.payload["onHand"], latest.payload["reserved"]) == (on_hand, reserved)
    assert latest.payload["available"] == on_hand - reserved


async def test_reserves_racing_settlements_on_one_stock_row_keep_ledger_and_totals_exact(
    inventory: Inventory,
) -> None:
    """Everyone buys the same product: reserves, commits and releases queue on one row."""
    product = new_id()
    await set_stock(inventory, product, 12)
    held = [new_id() for _ in range(6)]
    for order in held:
        await inventory.reservations.reserve(order, [LineRequest(product, 1)])

    settled = [inventory.reservations.commit(o) for o in held[:3]] + [
        inventory.reservations.release(o) for o in held[3:]
    ]
    shopping = asyncio.ensure_future(shoppers_reserve(inventory, product, 30))
    await asyncio.gather(shopping, *settled)
    won = sum(shopping.result())
    assert 6 <= won <= 9  # 6 units free at first, 3 more once released
    await assert_ledger_and_totals_end_at(inventory, product, 9, won)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite has one writer
async def test_a_sold_out_product_is_refused_without_waiting_for_its_stock_row_lock(
    inventory: Inventory,
) -> None:
    """At stock-out every shopper is refused: the refusals must not queue one by one for the
    stock row a settlement or a reserve has locked (docs/architecture.md §6)."""
    product, holder, shopper = new_id(), new_id(), new_id()
    await set_stock(inventory, product, 1)
    await inventory.reservations.reserve(holder, [LineRequest(product, 1)])
    async with inventory.db.transaction() as session:
        await lock_stock(session, [product])  # held until the refusals have answered
        with pytest.raises(DomainError) as refused:
            await asyncio.wait_for(
                inventory.reservations.reserve(shopper, [LineRequest(product, 1)]), 60
            )
        replayed = await asyncio.wait_for(
            inventory.reservations.reserve(holder, [LineRequest(product, 1)]), 60
        )
    assert refused.value.code == "INSUFFICIENT_STOCK"
    assert refused.value.field == "lines[0].quantity"
    assert replayed.order_id == holder and replayed.status is ReservationStatus.RESERVED
    assert await inventory.reservations.get(shopper) is None  # the refusal wrote nothing
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (1, 1, 0)


async def test_reserves_racing_batch_settlements_on_one_stock_row_keep_ledger_and_totals_exact(
    inventory: Inventory,
) -> None:
    """The worker's runs settle while shoppers reserve the same product."""
    product = new_id()
    await set_stock(inventory, product, 20)
    held = [new_id() for _ in range(12)]
    for order in held:
        await inventory.reservations.reserve(order, [LineRequest(product, 1)])
    registry = HandlerRegistry()
    register_handlers(registry, inventory.reservations)
    settle = registry.batch_for("payments", "PaymentSucceeded")
    assert settle is not None

    def outcome(order: str, paid: bool) -> Event:
        if paid:
            return Event.new("PaymentSucceeded", order, {"orderId": order, "paymentId": new_id()})
        return Event.new("PaymentFailed", order, {"orderId": order, "reason": "declined"})

    runs = [
        settle([outcome(o, paid=i % 2 == 0) for i, o in enumerate(held[start : start + 4])])
        for start in (0, 4, 8)
    ]
    shopping = asyncio.ensure_future(shoppers_reserve(inventory, product, 30))
    await asyncio.gather(shopping, *runs)
    won = sum(shopping.result())
    assert 8 <= won <= 14  # 8 units free at first, 6 more once released
    await assert_ledger_and_totals_end_at(inventory, product, 14, won)
