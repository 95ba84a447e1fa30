"""Writing what a reservation holds: per (product, warehouse, units) allocation the stock
row's ``reserved`` raised and its ledger row, the reservation's lines, and one
``StockChanged`` per product with its new totals.

On PostgreSQL that is ONE statement (data-modifying CTEs) in the reserve's transaction,
instead of a round trip per allocation, one for the lines and one per event. The stock rows
are already locked by the caller (:func:`~subgraphs.inventory.repository.lock_stock_with_codes`),
so the conditional update matches every row unless the data changed underneath; then
:class:`~subgraphs.inventory.repository.StockConflict` rolls the transaction back for a retry.
Elsewhere (SQLite) the same rows are written statement by statement.

:func:`hold_at_once` is the hot path on PostgreSQL for one product kept in one warehouse:
the reservation row too goes into that statement, which runs on its own (autocommit), so a
popular product's stock row is locked only while PostgreSQL executes and commits it, never
across a round trip to the service (docs/architecture.md §6). No ``FOR UPDATE`` comes first:
the ``UPDATE`` takes the row lock, adds the units to the latest ``reserved``, and the CHECK
``reserved <= on_hand`` refuses an oversell (:class:`UnitsGone`, nothing written). The
ledger's values after and each ``StockChanged``'s totals come from that update's
``RETURNING``, so they are exact under any concurrency.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Integer, Select, String, Text, bindparam, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from shopgraph.db import insert_rows, rows_select
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import outbox_row
from subgraphs.inventory.announcements import announced_from
from subgraphs.inventory.domain import MovementKind, ReservationStatus, StockLevel
from subgraphs.inventory.models import (
    outbox,
    reservation_lines,
    reservations,
    stock,
    stock_movements,
)
from subgraphs.inventory.repository import (
    TOPIC,
    StockConflict,
    announce_levels,
    change_stock,
    insert_reservation_lines,
    stock_changed,
)

Allocation = tuple[str, str, int]  # product id, warehouse id, units
# One row per allocation in the statement (bound literals, so SQLAlchemy caches it).
_WANTED: Final[dict[str, TypeEngine[Any]]] = {
    "product_id": String(),
    "warehouse_id": String(),
    "quantity": Integer(),
    "movement_id": String(),
}
_UNIQUE_VIOLATION: Final = "23505"
_CHECK_VIOLATION: Final = "23514"


class ReservationExists(Exception):
    """The order id already has a reservation (or a tombstone): nothing was written."""


class UnitsGone(Exception):
    """A product had fewer units available when its row was locked than when it was read:
    nothing was written."""


async def hold_at_once(
    session: AsyncSession,
    order_id: str,
    allocation: Allocation,
    *,
    now: datetime,
    expires_at: datetime,
    attempt: str,
) -> None:
    """Create ``order_id``'s reservation holding ``allocation`` (its product's only stock
    row) in ONE statement, with its ledger row, line and ``StockChanged``. PostgreSQL only,
    in a session without a transaction block
    (:meth:`~shopgraph.db.Database.single_statement`), so it commits as it ends.

    Raises :class:`ReservationExists` or :class:`UnitsGone`; either way nothing changed."""
    product_id, warehouse_id, quantity = allocation
    event = _unfilled_stock_changed(product_id, order_id)
    parameters = {
        "held_order_id": order_id,
        "held_now": now,
        "held_expires_at": expires_at,
        "held_attempt": attempt,
        "held_product_id": product_id,
        "held_warehouse_id": warehouse_id,
        "held_quantity": quantity,
        "held_movement_id": str(uuid.uuid4()),
        "held_event_id": event.id,
        "held_event": event.to_bytes().decode(),
        "held_announced_at": datetime.now(UTC),
    }
    try:
        matched = await session.scalar(_hold_at_once_statement(), parameters)
    except IntegrityError as exc:
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code == _UNIQUE_VIOLATION:
            raise ReservationExists(order_id) from exc
        if code == _CHECK_VIOLATION:
            raise UnitsGone(order_id) from exc
        raise
    if matched != 1:  # the reservation committed without its units: never, rows stay
        raise AssertionError(f"order {order_id}: stock row {product_id}/{warehouse_id} gone")


@functools.cache
def _hold_at_once_statement() -> Select[Any]:
    """:func:`hold_at_once`'s statement, built once: its values are parameters, so a reserve
    spends no CPU building and walking the expression (SQLAlchemy caches its compiled form).
    No parameter is named like a column: SQLAlchemy would take it for a value to SET."""
    order_id = bindparam("held_order_id", type_=reservations.c.order_id.type)
    now = bindparam("held_now", type_=reservations.c.created_at.type)
    quantity = bindparam("held_quantity", type_=Integer())
    # Inserted before the stock row is touched (the update waits for its RETURNING): a
    # concurrent duplicate waits on the order id, never while holding the stock row.
    created = (
        reservations.insert()
        .values(
            order_id=order_id,
            status=ReservationStatus.RESERVED.value,
            created_at=now,
            expires_at=bindparam("held_expires_at", type_=reservations.c.expires_at.type),
            finished_at=None,
            attempt=bindparam("held_attempt", type_=reservations.c.attempt.type),
        )
        .returning(reservations.c.order_id)
        .cte("created")
    )
    # One row by its primary key, no join: a concurrent update it waited for is re-checked
    # on the row's latest version, so it always matches and adds to the latest ``reserved``.
    changed = (
        stock.update()
        .where(
            stock.c.product_id == bindparam("held_product_id", type_=stock.c.product_id.type),
            stock.c.warehouse_id == bindparam("held_warehouse_id", type_=stock.c.warehouse_id.type),
            select(created.c.order_id).exists(),
        )
        .values(reserved=stock.c.reserved + quantity, updated_at=now)
        .returning(
            stock.c.product_id,
            stock.c.warehouse_id,
            stock.c.on_hand,
            stock.c.reserved,
            quantity.label("quantity"),
            bindparam("held_movement_id", type_=String()).label("movement_id"),
            bindparam("held_event_id", type_=String()).label("event_id"),
            bindparam("held_event", type_=Text()).label("event"),
        )
        .cte("changed")
    )
    announced_at = bindparam("held_announced_at", type_=outbox.c.created_at.type)
    return (
        select(func.count())
        .select_from(changed)
        .add_cte(
            _recorded(changed, order_id, now),
            _held_lines(changed, order_id),
            announced_from(changed, announced_at),
        )
    )


def _unfilled_stock_changed(product_id: str, order_id: str) -> Event:
    return stock_changed(StockLevel(product_id), MovementKind.RESERVE, order_id=order_id)


def _recorded(changed: Any, order_id: Any, now: Any) -> Any:
    """The ledger rows of ``changed`` (``order_id`` and ``now``: SQL expressions)."""
    ledger: dict[str, Any] = {
        "id": changed.c.movement_id,
        "product_id": changed.c.product_id,
        "warehouse_id": changed.c.warehouse_id,
        "kind": literal(MovementKind.RESERVE.value, stock_movements.c.kind.type),
        "on_hand_delta": literal(0, Integer),
        "reserved_delta": changed.c.quantity,
        "order_id": order_id,
        "created_at": now,
        "on_hand_after": changed.c.on_hand,
        "reserved_after": changed.c.reserved,
    }
    return (
        stock_movements.insert()
        .from_select(
            list(ledger),
            select(*ledger.values()).order_by(changed.c.product_id, changed.c.warehouse_id),
        )
        .cte("recorded")
    )


def _held_lines(changed: Any, order_id: Any) -> Any:
    return (
        reservation_lines.insert()
        .from_select(
            ["order_id", "product_id", "warehouse_id", "quantity"],
            select(
                order_id,
                changed.c.product_id,
                changed.c.warehouse_id,
                changed.c.quantity,
            ),
        )
        .cte("held_lines")
    )


async def hold(
    session: AsyncSession,
    order_id: str,
    allocations: Sequence[Allocation],
    levels: dict[str, StockLevel],
    *,
    now: datetime,
) -> None:
    """Reserve ``allocations`` (sorted) for ``order_id`` and announce ``levels``, the
    products' totals after it."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await _hold_in_one_statement(session, order_id, allocations, levels, now=now)
        return
    for product_id, warehouse_id, quantity in allocations:
        await change_stock(
            session,
            product_id=product_id,
            warehouse_id=warehouse_id,
            on_hand_delta=0,
            reserved_delta=quantity,
            kind=MovementKind.RESERVE,
            now=now,
            order_id=order_id,
        )
    await insert_reservation_lines(session, order_id, allocations)
    await announce_levels(session, levels, MovementKind.RESERVE, order_id=order_id)


async def _hold_in_one_statement(
    session: AsyncSession,
    order_id: str,
    allocations: Sequence[Allocation],
    levels: dict[str, StockLevel],
    *,
    now: datetime,
) -> None:
    wanted = rows_select(
        _WANTED,
        [
            {"product_id": p, "warehouse_id": w, "quantity": q, "movement_id": str(uuid.uuid4())}
            for p, w, q in allocations
        ],
    ).subquery("wanted")
    new_reserved = stock.c.reserved + wanted.c.quantity
    changed = (
        stock.update()
        .where(
            stock.c.product_id == wanted.c.product_id,
            stock.c.warehouse_id == wanted.c.warehouse_id,
            new_reserved <= stock.c.on_hand,
        )
        .values(reserved=new_reserved, updated_at=now)
        .returning(
            stock.c.product_id,
            stock.c.warehouse_id,
            stock.c.on_hand,
            stock.c.reserved,
            wanted.c.quantity,
            wanted.c.movement_id,
        )
        .cte("changed")
    )
    statement = (
        select(func.count())
        .select_from(changed)
        .add_cte(
            _recorded(
                changed,
                literal(order_id, stock_movements.c.order_id.type),
                literal(now, stock_movements.c.created_at.type),
            ),
            _held_lines(changed, literal(order_id, reservation_lines.c.order_id.type)),
        )
    )
    if levels:
        events = [
            outbox_row(TOPIC, stock_changed(level, MovementKind.RESERVE, order_id=order_id))
            for level in levels.values()
        ]
        statement = statement.add_cte(insert_rows(outbox, events).cte("announced"))
    matched = await session.scalar(statement)
    if matched != len(allocations):
        raise StockConflict(f"stock held for order {order_id} changed concurrently")
