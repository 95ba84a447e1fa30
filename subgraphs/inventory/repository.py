"""Stock-row changes inside a unit of work: lock, change conditionally, record, announce.

Every change of a ``stock`` row goes through :func:`change_stock`, which

* updates conditionally (``WHERE on_hand + :dh >= 0 AND reserved + :dr BETWEEN 0 AND
  on_hand + :dh``), so a change that would oversell updates nothing and raises
  :class:`StockConflict` instead (the CHECK constraints are the last line of defence);
* writes the ledger row (``stock_movements``) with the deltas and the values after.

Rows are locked with :func:`lock_stock` in primary-key order (product id, warehouse id)
before they are changed, in every code path, so two transactions touching the same
products never wait on each other in opposite orders (no deadlocks). :func:`retrying` runs a
unit of work again, a bounded number of times, on PostgreSQL serialization failures or
deadlocks, on a lost insert race (unique violation) and on a :class:`StockConflict`.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, Final, TypeVar

from sqlalchemy import Row, and_, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database, is_serialization_failure
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.inventory.domain import MovementKind, StockLevel
from subgraphs.inventory.models import outbox, stock, stock_movements

log = get_logger(__name__)

T = TypeVar("T")
TOPIC: Final = "inventory"
MAX_ATTEMPTS: Final = 8


class StockConflict(Exception):
    """A conditional stock update matched no row: someone changed it first (retry)."""


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, StockConflict | IntegrityError):
        return True
    return isinstance(exc, DBAPIError) and is_serialization_failure(exc)


async def retrying(
    db: Database,
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    attempts: int = MAX_ATTEMPTS,
    after_commit: Callable[[], None] | None = None,
) -> T:
    """Run ``work`` in a transaction; retry it on transient conflicts, at most ``attempts``
    times in all (the last error propagates). Domain errors roll back and propagate."""
    for attempt in range(1, attempts + 1):
        try:
            async with db.transaction() as session:
                result = await work(session)
        except Exception as exc:
            if attempt == attempts or not _retryable(exc):
                raise
            log.info("inventory_retry", attempt=attempt, error=type(exc).__name__)
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
            continue
        if after_commit is not None:
            after_commit()
        return result
    raise AssertionError("unreachable")  # pragma: no cover


async def lock_stock(
    session: AsyncSession, product_ids: Iterable[str], warehouse_id: str | None = None
) -> list[Row[Any]]:
    """The stock rows of ``product_ids`` (optionally one warehouse), locked ``FOR UPDATE``
    in primary-key order. On SQLite the service's write lock already serialises writers."""
    ids = sorted(set(product_ids))
    query = select(stock).where(stock.c.product_id.in_(ids))
    if warehouse_id is not None:
        query = query.where(stock.c.warehouse_id == warehouse_id)
    query = query.order_by(stock.c.product_id, stock.c.warehouse_id).with_for_update()
    return list((await session.execute(query)).all())


async def change_stock(
    session: AsyncSession,
    *,
    product_id: str,
    warehouse_id: str,
    on_hand_delta: int,
    reserved_delta: int,
    kind: MovementKind,
    now: datetime,
    reason: str | None = None,
    order_id: str | None = None,
    actor: str | None = None,
) -> tuple[int, int]:
    """Apply the deltas to one existing row and record them; returns (on_hand, reserved)."""
    new_on_hand = stock.c.on_hand + on_hand_delta
    new_reserved = stock.c.reserved + reserved_delta
    statement = (
        stock.update()
        .where(
            and_(
                stock.c.product_id == product_id,
                stock.c.warehouse_id == warehouse_id,
                new_on_hand >= 0,
                new_reserved >= 0,
                new_reserved <= new_on_hand,
            )
        )
        .values(on_hand=new_on_hand, reserved=new_reserved, updated_at=now)
        .returning(stock.c.on_hand, stock.c.reserved)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        raise StockConflict(f"stock of {product_id} changed concurrently")
    on_hand, reserved = int(row.on_hand), int(row.reserved)
    await record(
        session,
        product_id=product_id,
        warehouse_id=warehouse_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=on_hand,
        reserved_after=reserved,
        now=now,
        reason=reason,
        order_id=order_id,
        actor=actor,
    )
    return on_hand, reserved


async def record(
    session: AsyncSession,
    *,
    product_id: str,
    warehouse_id: str,
    kind: MovementKind,
    on_hand_delta: int,
    reserved_delta: int,
    on_hand_after: int,
    reserved_after: int,
    now: datetime,
    reason: str | None = None,
    order_id: str | None = None,
    actor: str | None = None,
) -> None:
    await session.execute(
        stock_movements.insert().values(
            id=str(uuid.uuid4()),
            product_id=product_id,
            warehouse_id=warehouse_id,
            kind=kind.value,
            on_hand_delta=on_hand_delta,
            reserved_delta=reserved_delta,
            on_hand_after=on_hand_after,
            reserved_after=reserved_after,
            reason=reason,
            order_id=order_id,
            actor=actor,
            created_at=now,
        )
    )


async def totals(session: AsyncSession, product_ids: Iterable[str]) -> dict[str, StockLevel]:
    """Stock per product summed over warehouses, in one statement (missing → zeros)."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return {}
    query = (
        select(
            stock.c.product_id,
            func.sum(stock.c.on_hand).label("on_hand"),
            func.sum(stock.c.reserved).label("reserved"),
        )
        .where(stock.c.product_id.in_(ids))
        .group_by(stock.c.product_id)
    )
    found = {
        row.product_id: StockLevel(row.product_id, int(row.on_hand), int(row.reserved))
        for row in (await session.execute(query)).all()
    }
    return {pid: found.get(pid, StockLevel(pid)) for pid in ids}


async def announce_stock(
    session: AsyncSession,
    product_ids: Iterable[str],
    kind: MovementKind,
    *,
    note: str | None = None,
    order_id: str | None = None,
) -> dict[str, StockLevel]:
    """One ``StockChanged`` per product with its new totals, in this transaction."""
    levels = await totals(session, sorted(set(product_ids)))
    for level in levels.values():
        payload: dict[str, Any] = {
            "productId": level.product_id,
            "onHand": level.on_hand,
            "reserved": level.reserved,
            "available": level.available,
            "reason": kind.value,
        }
        if note is not None:
            payload["note"] = note
        if order_id is not None:
            payload["orderId"] = order_id
        await add_to_outbox(
            session, outbox, TOPIC, Event.new("StockChanged", level.product_id, payload)
        )
    return levels
