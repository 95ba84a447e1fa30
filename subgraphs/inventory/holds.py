"""Writing what a reservation holds: per (product, warehouse, units) allocation the stock
row's ``reserved`` raised and its ledger row, the reservation's lines, and one
``StockChanged`` per product with its new totals.

On PostgreSQL that is ONE statement (data-modifying CTEs) in the reserve's transaction,
instead of a round trip per allocation, one for the lines and one per event. The stock rows
are already locked by the caller (:func:`~subgraphs.inventory.repository.lock_stock_with_codes`),
so the conditional update matches every row unless the data changed underneath; then
:class:`~subgraphs.inventory.repository.StockConflict` rolls the transaction back for a retry.
Elsewhere (SQLite) the same rows are written statement by statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Integer, String, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from shopgraph.db import insert_rows, rows_select
from shopgraph.events.outbox import outbox_row
from subgraphs.inventory.domain import MovementKind, StockLevel
from subgraphs.inventory.models import outbox, reservation_lines, stock, stock_movements
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
    ledger: dict[str, Any] = {
        "id": changed.c.movement_id,
        "product_id": changed.c.product_id,
        "warehouse_id": changed.c.warehouse_id,
        "kind": literal(MovementKind.RESERVE.value, stock_movements.c.kind.type),
        "on_hand_delta": literal(0, Integer),
        "reserved_delta": changed.c.quantity,
        "order_id": literal(order_id, stock_movements.c.order_id.type),
        "created_at": literal(now, stock_movements.c.created_at.type),
        "on_hand_after": changed.c.on_hand,
        "reserved_after": changed.c.reserved,
    }
    recorded = (
        stock_movements.insert()
        .from_select(
            list(ledger),
            select(*ledger.values()).order_by(changed.c.product_id, changed.c.warehouse_id),
        )
        .cte("recorded")
    )
    lines = (
        reservation_lines.insert()
        .from_select(
            ["order_id", "product_id", "warehouse_id", "quantity"],
            select(
                literal(order_id, reservation_lines.c.order_id.type),
                changed.c.product_id,
                changed.c.warehouse_id,
                changed.c.quantity,
            ),
        )
        .cte("held_lines")
    )
    statement = select(func.count()).select_from(changed).add_cte(recorded, lines)
    if levels:
        events = [
            outbox_row(TOPIC, stock_changed(level, MovementKind.RESERVE, order_id=order_id))
            for level in levels.values()
        ]
        statement = statement.add_cte(insert_rows(outbox, events).cte("announced"))
    matched = await session.scalar(statement)
    if matched != len(allocations):
        raise StockConflict(f"stock held for order {order_id} changed concurrently")
