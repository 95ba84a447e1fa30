"""Reservations through the internal API: all-or-nothing, idempotent, the state machine,
warehouses in code order, expiry by the sweeper."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from subgraphs.inventory.domain import LineRequest, ReservationStatus
from tests.integration.inventory.conftest import (
    COMMIT,
    RELEASE,
    Inventory,
    new_id,
    reserve,
    set_stock,
)
from tests.support.sql import count_statements


async def commit(inv: Inventory, order_id: str) -> dict:  # type: ignore[type-arg]
    body = await inv.gql(COMMIT, {"id": order_id}, token=inv.tokens.service)
    return body["data"]["commitReservation"]  # type: ignore[no-any-return]


async def release(inv: Inventory, order_id: str) -> dict:  # type: ignore[type-arg]
    body = await inv.gql(RELEASE, {"id": order_id}, token=inv.tokens.service)
    return body["data"]["releaseReservation"]  # type: ignore[no-any-return]


def codes(payload: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_reserve_is_all_or_nothing(inventory: Inventory) -> None:
    a, b = new_id(), new_id()
    await set_stock(inventory, a, 5)
    await set_stock(inventory, b, 2)
    ledger_before = await inventory.ledger()

    short = await reserve(inventory, new_id(), [(a, 4), (b, 3)])
    assert short["reservation"] is None
    assert codes(short) == [("INSUFFICIENT_STOCK", "lines[1].quantity")]
    unknown = await reserve(inventory, new_id(), [(a, 1), (new_id(), 1)])
    assert codes(unknown) == [("INSUFFICIENT_STOCK", "lines[1].quantity")]
    assert (await inventory.level(a)).reserved == 0
    assert (await inventory.level(b)).reserved == 0
    assert await inventory.ledger() == ledger_before

    order = new_id()
    ok = await reserve(inventory, order, [(a, 4), (b, 2)], ttl=60)
    assert ok["errors"] == []
    assert ok["reservation"]["status"] == "RESERVED"
    assert sorted((x["productId"], x["quantity"]) for x in ok["reservation"]["lines"]) == sorted(
        [(a, 4), (b, 2)]
    )
    level_a = await inventory.level(a)
    assert (level_a.on_hand, level_a.reserved, level_a.available) == (5, 4, 1)
    assert (await inventory.level(b)).available == 0
    reserved_events = [
        e.payload
        for e in await inventory.events("StockChanged")
        if e.payload["reason"] == "RESERVE"
    ]
    assert {(p["productId"], p["available"]) for p in reserved_events} == {(a, 1), (b, 0)}


async def test_bad_reservation_input_is_refused(inventory: Inventory) -> None:
    a = new_id()
    await set_stock(inventory, a, 5)
    cases = [
        ("not-an-id", [(a, 1)], None, ("INVALID_ORDER_ID", "orderId")),
        (new_id(), [], None, ("NO_LINES", "lines")),
        (new_id(), [(a, 0)], None, ("INVALID_QUANTITY", "lines[0].quantity")),
        (new_id(), [(a, 1), (a, 1)], None, ("DUPLICATE_PRODUCT", "lines[1].productId")),
        (new_id(), [(a, 1), ("x", 1)], None, ("INVALID_PRODUCT_ID", "lines[1].productId")),
        (new_id(), [(a, 1)], 0, ("INVALID_TTL", "ttlSeconds")),
    ]
    for order, lines, ttl, expected in cases:
        assert codes(await reserve(inventory, order, lines, ttl)) == [expected]
    assert (await inventory.level(a)).reserved == 0


async def test_reserve_is_idempotent_by_order_id(inventory: Inventory) -> None:
    a, b = new_id(), new_id()
    await set_stock(inventory, a, 10)
    await set_stock(inventory, b, 10)
    order = new_id()
    first = await reserve(inventory, order, [(a, 2), (b, 1)])
    again = await reserve(inventory, order, [(b, 1), (a, 2)])  # same lines, other order
    assert again["errors"] == []
    assert again["reservation"] == first["reservation"]
    assert (await inventory.level(a)).reserved == 2

    mismatch = await reserve(inventory, order, [(a, 3), (b, 1)])
    assert codes(mismatch) == [("RESERVATION_MISMATCH", "lines")]
    assert (await inventory.level(a)).reserved == 2

    # Concurrent duplicates make one reservation.
    twin = new_id()
    results = await asyncio.gather(*(reserve(inventory, twin, [(a, 1)]) for _ in range(10)))
    assert all(r["errors"] == [] for r in results)
    assert (await inventory.level(a)).reserved == 3
    assert len([m for m in await inventory.ledger(a) if m.order_id == twin]) == 1


async def test_commit_and_release_state_machine(inventory: Inventory) -> None:
    a = new_id()
    await set_stock(inventory, a, 10)
    paid, failed = new_id(), new_id()
    await reserve(inventory, paid, [(a, 3)])
    await reserve(inventory, failed, [(a, 2)])

    committed = await commit(inventory, paid)
    assert committed["reservation"]["status"] == "COMMITTED"
    assert committed["reservation"]["finishedAt"] is not None
    assert (await commit(inventory, paid))["reservation"]["status"] == "COMMITTED"  # idempotent
    assert codes(await release(inventory, paid)) == [("RESERVATION_COMMITTED", "orderId")]

    assert (await release(inventory, failed))["reservation"]["status"] == "RELEASED"
    assert (await release(inventory, failed))["reservation"]["status"] == "RELEASED"
    assert codes(await commit(inventory, failed)) == [("RESERVATION_RELEASED", "orderId")]
    # Reserving again with a finished order id returns it as it is.
    assert (await reserve(inventory, failed, [(a, 2)]))["reservation"]["status"] == "RELEASED"

    missing = new_id()
    assert codes(await commit(inventory, missing)) == [("RESERVATION_NOT_FOUND", "orderId")]
    assert codes(await release(inventory, missing)) == [("RESERVATION_NOT_FOUND", "orderId")]

    level = await inventory.level(a)
    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)
    kinds = [(m.kind, m.on_hand_delta, m.reserved_delta) for m in await inventory.ledger(a)]
    assert kinds == [
        ("SET", 10, 0),
        ("RESERVE", 0, 3),
        ("RESERVE", 0, 2),
        ("COMMIT", -3, -3),
        ("RELEASE", 0, -2),
    ]
    lookup = await inventory.gql(
        "query($id: ID!) { reservation(orderId: $id) { status lines { quantity } } }",
        {"id": paid},
        token=inventory.tokens.service,
    )
    assert lookup["data"]["reservation"] == {"status": "COMMITTED", "lines": [{"quantity": 3}]}


async def test_reservations_draw_from_warehouses_in_code_order(inventory: Inventory) -> None:
    await inventory.service.create_warehouse("AAA-NORTH", "North")
    await inventory.service.create_warehouse("ZZZ-SOUTH", "South")
    a = new_id()
    await set_stock(inventory, a, 2, warehouse="ZZZ-SOUTH")
    await set_stock(inventory, a, 3, warehouse="DEFAULT")
    await set_stock(inventory, a, 1, warehouse="AAA-NORTH")

    order = new_id()
    assert (await reserve(inventory, order, [(a, 5)]))["errors"] == []
    taken = {
        m.warehouse_id: m.reserved_delta for m in await inventory.ledger(a) if m.kind == "RESERVE"
    }
    by_code = {w.code: w.id for w in await inventory.service.list_warehouses()}
    assert taken == {by_code["AAA-NORTH"]: 1, by_code["DEFAULT"]: 3, by_code["ZZZ-SOUTH"]: 1}
    # Committing takes the units out of the same warehouses.
    await commit(inventory, order)
    level = await inventory.level(a)
    assert (level.on_hand, level.reserved) == (1, 0)
    assert codes(await set_stock(inventory, a, 0, warehouse="ZZZ-SOUTH")) == []


async def test_sweeper_expires_reservations_once_and_announces_it(inventory: Inventory) -> None:
    a = new_id()
    await set_stock(inventory, a, 10)
    short, long_, paid = new_id(), new_id(), new_id()
    await reserve(inventory, short, [(a, 4)], ttl=30)
    await reserve(inventory, long_, [(a, 1)], ttl=3600)
    await reserve(inventory, paid, [(a, 2)], ttl=30)
    # Past expiry but not swept yet: still committable (its units are still held).
    assert (await commit(inventory, paid))["reservation"]["status"] == "COMMITTED"

    later = datetime.now(UTC) + timedelta(seconds=60)
    assert await inventory.reservations.sweep_expired(later) == [short]
    assert await inventory.reservations.sweep_expired(later) == []
    level = await inventory.level(a)
    assert (level.on_hand, level.reserved) == (8, 1)

    expired = [e for e in await inventory.events("ReservationExpired")]
    assert [(e.aggregate_id, e.payload) for e in expired] == [
        (short, {"orderId": short, "lines": [{"productId": a, "quantity": 4}]})
    ]
    assert codes(await commit(inventory, short)) == [("RESERVATION_EXPIRED", "orderId")]
    assert (await release(inventory, short))["reservation"]["status"] == "EXPIRED"
    assert (await inventory.level(a)).reserved == 1


async def test_background_sweeper_runs_with_the_app(inventory: Inventory) -> None:
    a = new_id()
    await set_stock(inventory, a, 3)
    order = new_id()
    await inventory.reservations.reserve(order, [LineRequest(a, 3)], ttl_seconds=1)
    sweeper = inventory.app.state.sweeper
    sweeper.interval = 0.05
    await sweeper.start()
    try:
        for _ in range(100):
            found = await inventory.reservations.get(order)
            if found is not None and found.status is ReservationStatus.EXPIRED:
                break
            await asyncio.sleep(0.05)
    finally:
        await sweeper.stop()
    found = await inventory.reservations.get(order)
    assert found is not None and found.status is ReservationStatus.EXPIRED
    assert (await inventory.level(a)).available == 3


async def test_a_reserve_writes_what_it_holds_in_one_statement_on_postgresql(
    inventory: Inventory,
) -> None:
    first, second = new_id(), new_id()
    await set_stock(inventory, first, 5)
    await set_stock(inventory, second, 4)
    with count_statements(inventory.db.engine) as statements:
        held = await reserve(inventory, new_id(), [(first, 2), (second, 1)])
    assert held["errors"] == []
    # reservation, on PostgreSQL the stock rows read unlocked (a shortage is refused without
    # the lock), the stock rows (locked, with their warehouse codes), then on PostgreSQL one
    # statement for both stock rows, their ledger rows, the reservation lines and both
    # StockChanged; elsewhere stock + ledger per line, the lines, an outbox row per product
    assert len(statements) == (4 if inventory.db.is_postgres else 9)
    for product, reserved, on_hand in ((first, 2, 5), (second, 1, 4)):
        latest = (await inventory.ledger(product))[-1]
        assert (latest.kind, latest.reserved_delta, latest.on_hand_after) == (
            "RESERVE",
            reserved,
            on_hand,
        )
        assert latest.reserved_after == reserved
        level = await inventory.level(product)
        assert (level.on_hand, level.reserved) == (on_hand, reserved)
    announced = {
        e.payload["productId"]: (
            e.payload["reserved"],
            e.payload["available"],
            e.payload["orderId"],
        )
        for e in await inventory.events("StockChanged")
        if e.payload["reason"] == "RESERVE"
    }
    order = held["reservation"]["orderId"]
    assert announced == {first: (2, 3, order), second: (1, 3, order)}


async def test_a_one_product_reserve_locks_its_stock_row_for_one_statement_on_postgresql(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 5)
    await reserve(inventory, new_id(), [(product, 1)])
    order = new_id()
    with count_statements(inventory.db.engine) as statements:
        held = await reserve(inventory, order, [(product, 2)])
    assert held["errors"] == [] and held["reservation"]["status"] == "RESERVED"
    # On PostgreSQL the stock row read unlocked, then one statement that commits as it ends:
    # reservation, stock row, ledger row, line and StockChanged. Elsewhere the locked path.
    if inventory.db.is_postgres:
        assert len(statements) == 2
        assert not any("FOR UPDATE" in s for s in statements)
    latest = (await inventory.ledger(product))[-1]
    assert (latest.kind, latest.order_id, latest.reserved_delta) == ("RESERVE", order, 2)
    assert (latest.on_hand_after, latest.reserved_after) == (5, 3)
    announced = (await inventory.events("StockChanged"))[-1]
    assert announced.payload == {
        "productId": product,
        "onHand": 5,
        "reserved": 3,
        "available": 2,
        "reason": "RESERVE",
        "orderId": order,
    }
    again = await reserve(inventory, order, [(product, 2)])  # a replay holds nothing more
    assert again["reservation"]["orderId"] == order
    assert (await inventory.level(product)).reserved == 3


async def test_commit_release_and_expiry_touch_the_stock_row_in_their_last_statement(
    inventory: Inventory,
) -> None:
    product = new_id()
    await set_stock(inventory, product, 5)
    paid, unpaid, abandoned = new_id(), new_id(), new_id()
    for order in (paid, unpaid):
        await inventory.reservations.reserve(order, [LineRequest(product, 1)])
    await inventory.reservations.reserve(abandoned, [LineRequest(product, 2)], ttl_seconds=1)

    for settle in (
        lambda: inventory.reservations.commit(paid, event_id=new_id()),
        lambda: inventory.reservations.release(unpaid),
        lambda: inventory.reservations.sweep_expired(datetime.now(UTC) + timedelta(seconds=5)),
    ):
        with count_statements(inventory.db.engine) as statements:
            await settle()
        if inventory.db.is_postgres:
            # The reservation row first; then ONE statement locks, changes, records and
            # announces the stock row, last before the COMMIT.
            stock_statements = [s for s in statements if re.search(r"\bstock\b", s)]
            assert stock_statements == [statements[-1]]
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (4, 0)
    ledger = [
        (m.kind, m.order_id, m.on_hand_after, m.reserved_after)
        for m in await inventory.ledger(product)
    ]
    assert ledger[-3:] == [
        ("COMMIT", paid, 4, 3),
        ("RELEASE", unpaid, 4, 2),
        ("EXPIRE", abandoned, 4, 0),
    ]
    events = await inventory.events("StockChanged")
    announced = [(e.payload["reason"], e.payload.get("orderId")) for e in events]
    assert announced[-3:] == [("COMMIT", paid), ("RELEASE", unpaid), ("EXPIRE", abandoned)]
