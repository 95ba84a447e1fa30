"""Data access of the inventory service, inside the caller's unit of work.

Stock rows: lock, change conditionally, record, announce.

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

Warehouses, the ledger pages and reservations (with their lines) are read and written
here too; the rules that decide what to write are in the services.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

from sqlalchemy import Row, Select, and_, func, literal, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database, insert_if_absent, is_serialization_failure
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.inventory.domain import (
    LineRequest,
    Movement,
    MovementKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    Warehouse,
)
from subgraphs.inventory.models import (
    outbox,
    reservation_lines,
    reservations,
    stock,
    stock_movements,
    warehouses,
)

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


async def lock_stock_with_codes(
    session: AsyncSession, product_ids: Iterable[str]
) -> list[Row[Any]]:
    """:func:`lock_stock`, each row with its ``warehouse_code``, in the same statement (only
    the stock rows are locked)."""
    query = _stock_with_codes(product_ids).with_for_update(of=stock)
    return list((await session.execute(query)).all())


async def stock_with_codes(session: AsyncSession, product_ids: Iterable[str]) -> list[Row[Any]]:
    """The rows :func:`lock_stock_with_codes` locks, read without locking them."""
    return list((await session.execute(_stock_with_codes(product_ids))).all())


def _stock_with_codes(product_ids: Iterable[str]) -> Select[Any]:
    return (
        select(stock, warehouses.c.code.label("warehouse_code"))
        .join(warehouses, warehouses.c.id == stock.c.warehouse_id)
        .where(stock.c.product_id.in_(sorted(set(product_ids))))
        .order_by(stock.c.product_id, stock.c.warehouse_id)
    )


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
    statement = _conditional_update(product_id, warehouse_id, on_hand_delta, reserved_delta, now)
    movement = movement_values(
        product_id=product_id,
        warehouse_id=warehouse_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        now=now,
        reason=reason,
        order_id=order_id,
        actor=actor,
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        recorded = (await session.execute(_recorded(statement, movement))).first()
        if recorded is None:
            raise StockConflict(f"stock of {product_id} changed concurrently")
        return int(recorded.on_hand_after), int(recorded.reserved_after)
    row = (await session.execute(statement)).first()
    if row is None:
        raise StockConflict(f"stock of {product_id} changed concurrently")
    on_hand, reserved = int(row.on_hand), int(row.reserved)
    await record(session, movement, on_hand_after=on_hand, reserved_after=reserved)
    return on_hand, reserved


def _conditional_update(
    product_id: str, warehouse_id: str, on_hand_delta: int, reserved_delta: int, now: datetime
) -> Any:
    """The deltas on one stock row, only if they keep it valid (no row back otherwise)."""
    new_on_hand = stock.c.on_hand + on_hand_delta
    new_reserved = stock.c.reserved + reserved_delta
    return (
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


def _recorded(update: Any, movement: dict[str, Any]) -> Any:
    """PostgreSQL: the conditional stock update and its ledger row in ONE statement (the
    update as a data-modifying CTE); no row comes back when the update matched none."""
    changed = update.cte("changed")
    values = [literal(value, stock_movements.c[name].type) for name, value in movement.items()]
    return (
        stock_movements.insert()
        .from_select(
            [*movement, "on_hand_after", "reserved_after"],
            select(*values, changed.c.on_hand, changed.c.reserved),
        )
        .returning(stock_movements.c.on_hand_after, stock_movements.c.reserved_after)
    )


def movement_values(
    *,
    product_id: str,
    warehouse_id: str,
    kind: MovementKind,
    on_hand_delta: int,
    reserved_delta: int,
    now: datetime,
    reason: str | None,
    order_id: str | None,
    actor: str | None,
) -> dict[str, Any]:
    """A ledger row (``stock_movements``) but for the values after the change."""
    return {
        "id": str(uuid.uuid4()),
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "kind": kind.value,
        "on_hand_delta": on_hand_delta,
        "reserved_delta": reserved_delta,
        "reason": reason,
        "order_id": order_id,
        "actor": actor,
        "created_at": now,
    }


async def record(
    session: AsyncSession, movement: dict[str, Any], *, on_hand_after: int, reserved_after: int
) -> None:
    """The ledger row of ``movement`` (:func:`movement_values`) with the values after it."""
    await session.execute(
        stock_movements.insert().values(
            **movement, on_hand_after=on_hand_after, reserved_after=reserved_after
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


def totals_after(
    locked: Sequence[Row[Any]], changes: Iterable[tuple[str, int, int]]
) -> dict[str, StockLevel]:
    """What :func:`totals` would read back once ``changes`` (product id, on-hand delta,
    reserved delta) are applied to ``locked``, every stock row of those products (locked
    by :func:`lock_stock`), without another round trip while the rows are held."""
    on_hand: dict[str, int] = defaultdict(int)
    reserved: dict[str, int] = defaultdict(int)
    for row in locked:
        on_hand[row.product_id] += int(row.on_hand)
        reserved[row.product_id] += int(row.reserved)
    for product_id, on_hand_delta, reserved_delta in changes:
        on_hand[product_id] += on_hand_delta
        reserved[product_id] += reserved_delta
    return {
        pid: StockLevel(pid, on_hand[pid], reserved[pid])
        for pid in sorted(set(on_hand) | set(reserved))
    }


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
    await announce_levels(session, levels, kind, note=note, order_id=order_id)
    return levels


async def announce_levels(
    session: AsyncSession,
    levels: dict[str, StockLevel],
    kind: MovementKind,
    *,
    note: str | None = None,
    order_id: str | None = None,
) -> None:
    """One ``StockChanged`` per level (the product's new totals), in this transaction."""
    for level in levels.values():
        event = stock_changed(level, kind, note=note, order_id=order_id)
        await add_to_outbox(session, outbox, TOPIC, event)


def stock_changed(
    level: StockLevel, kind: MovementKind, *, note: str | None = None, order_id: str | None = None
) -> Event:
    """The ``StockChanged`` event announcing ``level``, the product's new totals."""
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
    return Event.new("StockChanged", level.product_id, payload)


async def insert_stock(
    session: AsyncSession, *, product_id: str, warehouse_id: str, on_hand: int, now: datetime
) -> None:
    """The first stock row of a product in a warehouse (nothing reserved yet)."""
    await session.execute(
        stock.insert().values(
            product_id=product_id,
            warehouse_id=warehouse_id,
            on_hand=on_hand,
            reserved=0,
            updated_at=now,
        )
    )


# -- warehouses ---------------------------------------------------------------------------


def _warehouse(row: Any) -> Warehouse:
    return Warehouse(id=row.id, code=row.code, name=row.name, created_at=row.created_at)


async def warehouse_with_code(session: AsyncSession, code: str) -> Warehouse | None:
    row = (await session.execute(select(warehouses).where(warehouses.c.code == code))).first()
    return None if row is None else _warehouse(row)


async def all_warehouses(session: AsyncSession) -> list[Warehouse]:
    rows = (await session.execute(select(warehouses).order_by(warehouses.c.code))).all()
    return [_warehouse(row) for row in rows]


async def insert_warehouse(session: AsyncSession, warehouse: Warehouse) -> None:
    await session.execute(
        warehouses.insert().values(
            id=warehouse.id,
            code=warehouse.code,
            name=warehouse.name,
            created_at=warehouse.created_at,
        )
    )


# -- the ledger ---------------------------------------------------------------------------


def _movement(row: Any) -> Movement:
    return Movement(
        seq=int(row.seq),
        id=row.id,
        product_id=row.product_id,
        warehouse_code=row.warehouse_code,
        kind=MovementKind(row.kind),
        on_hand_delta=row.on_hand_delta,
        reserved_delta=row.reserved_delta,
        on_hand_after=row.on_hand_after,
        reserved_after=row.reserved_after,
        reason=row.reason,
        order_id=row.order_id,
        actor=row.actor,
        created_at=row.created_at,
    )


async def movements(
    session: AsyncSession, product_id: str, *, limit: int, before_seq: int | None
) -> list[Movement]:
    """A product's ledger rows, newest first, older than ``before_seq`` when given."""
    query = (
        select(stock_movements, warehouses.c.code.label("warehouse_code"))
        .join(warehouses, warehouses.c.id == stock_movements.c.warehouse_id)
        .where(stock_movements.c.product_id == product_id)
        .order_by(stock_movements.c.seq.desc())
        .limit(limit)
    )
    if before_seq is not None:
        query = query.where(stock_movements.c.seq < before_seq)
    return [_movement(row) for row in (await session.execute(query)).all()]


# -- reservations -------------------------------------------------------------------------


async def reservation(
    session: AsyncSession, order_id: str, *, lock: bool = False
) -> Reservation | None:
    """An order's reservation with its lines summed per product (``lock``: FOR UPDATE)."""
    query = select(reservations).where(reservations.c.order_id == order_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    if row is None:
        return None
    lines = (
        await session.execute(
            select(reservation_lines.c.product_id, reservation_lines.c.quantity)
            .where(reservation_lines.c.order_id == order_id)
            .order_by(reservation_lines.c.product_id)
        )
    ).all()
    per_product: dict[str, int] = defaultdict(int)
    for line in lines:
        per_product[line.product_id] += line.quantity
    return Reservation(
        order_id=row.order_id,
        status=ReservationStatus(row.status),
        created_at=row.created_at,
        expires_at=row.expires_at,
        finished_at=row.finished_at,
        lines=tuple(LineRequest(pid, qty) for pid, qty in sorted(per_product.items())),
        attempt=row.attempt,
    )


async def insert_reservation(
    session: AsyncSession,
    order_id: str,
    *,
    created_at: datetime,
    expires_at: datetime,
    status: ReservationStatus = ReservationStatus.RESERVED,
    attempt: str = "",
) -> None:
    """A new reservation row; a finished ``status`` (a tombstone) is finished at creation."""
    finished = None if status is ReservationStatus.RESERVED else created_at
    await session.execute(
        reservations.insert().values(
            order_id=order_id,
            status=status.value,
            created_at=created_at,
            expires_at=expires_at,
            finished_at=finished,
            attempt=attempt,
        )
    )


async def insert_reservation_if_absent(
    session: AsyncSession,
    order_id: str,
    *,
    created_at: datetime,
    expires_at: datetime,
    attempt: str,
) -> bool:
    """A new ``RESERVED`` reservation row unless the order id has one (of any status, a
    tombstone included); True if inserted. One statement: ``INSERT … ON CONFLICT DO
    NOTHING``, which waits for a concurrent insert of the same key to commit or roll back."""
    values = {
        "order_id": order_id,
        "status": ReservationStatus.RESERVED.value,
        "created_at": created_at,
        "expires_at": expires_at,
        "finished_at": None,
        "attempt": attempt,
    }
    return await insert_if_absent(session, reservations, values, unique=("order_id",))


async def renew_reservation(
    session: AsyncSession,
    order_id: str,
    *,
    attempt: str,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    """A released or expired reservation held again by a newer checkout attempt."""
    await session.execute(
        reservation_lines.delete().where(reservation_lines.c.order_id == order_id)
    )
    await session.execute(
        reservations.update()
        .where(reservations.c.order_id == order_id)
        .values(
            status=ReservationStatus.RESERVED.value,
            created_at=created_at,
            expires_at=expires_at,
            finished_at=None,
            attempt=attempt,
        )
    )


async def insert_reservation_lines(
    session: AsyncSession, order_id: str, allocations: Sequence[tuple[str, str, int]]
) -> None:
    """(product, warehouse, units) held for the order."""
    await session.execute(
        reservation_lines.insert(),
        [
            {"order_id": order_id, "product_id": p, "warehouse_id": w, "quantity": q}
            for p, w, q in allocations
        ],
    )


async def held_lines(session: AsyncSession, order_id: str) -> list[Row[Any]]:
    """The reservation's lines per warehouse, in primary-key order."""
    return list(
        (
            await session.execute(
                select(reservation_lines)
                .where(reservation_lines.c.order_id == order_id)
                .order_by(reservation_lines.c.product_id, reservation_lines.c.warehouse_id)
            )
        ).all()
    )


async def finish_reservation(
    session: AsyncSession, order_id: str, status: ReservationStatus, now: datetime
) -> None:
    await session.execute(
        reservations.update()
        .where(reservations.c.order_id == order_id)
        .values(status=status.value, finished_at=now)
    )


async def expired_reservations(session: AsyncSession, cutoff: datetime, limit: int) -> list[str]:
    """Order ids of RESERVED reservations due at ``cutoff``, the oldest first."""
    due = await session.scalars(
        select(reservations.c.order_id)
        .where(
            reservations.c.status == ReservationStatus.RESERVED.value,
            reservations.c.expires_at <= cutoff,
        )
        .order_by(reservations.c.expires_at, reservations.c.order_id)
        .limit(limit)
    )
    return list(due.all())


# -- reservations settled in batches (subgraphs.inventory.settlements) ---------------------


async def lock_reservation_statuses(
    session: AsyncSession, order_ids: Sequence[str]
) -> dict[str, ReservationStatus]:
    """The status of each order id's reservation (absent: none), the rows locked ``FOR
    UPDATE`` in order-id order, in one statement."""
    rows = await session.execute(
        select(reservations.c.order_id, reservations.c.status)
        .where(reservations.c.order_id.in_(sorted(set(order_ids))))
        .order_by(reservations.c.order_id)
        .with_for_update()
    )
    return {row.order_id: ReservationStatus(row.status) for row in rows}


async def held_lines_by_order(
    session: AsyncSession, order_ids: Sequence[str]
) -> dict[str, list[Row[Any]]]:
    """:func:`held_lines` of several reservations in one statement (an order id without
    lines maps to an empty list)."""
    held: dict[str, list[Row[Any]]] = {order_id: [] for order_id in order_ids}
    rows = await session.execute(
        select(reservation_lines)
        .where(reservation_lines.c.order_id.in_(sorted(set(order_ids))))
        .order_by(reservation_lines.c.product_id, reservation_lines.c.warehouse_id)
    )
    for row in rows:
        held[row.order_id].append(row)
    return held


async def finish_reservations(
    session: AsyncSession, statuses: dict[str, ReservationStatus], now: datetime
) -> None:
    """:func:`finish_reservation` for several orders: one statement per target status."""
    by_status: dict[ReservationStatus, list[str]] = defaultdict(list)
    for order_id, status in statuses.items():
        by_status[status].append(order_id)
    for status, order_ids in sorted(by_status.items()):
        await session.execute(
            reservations.update()
            .where(reservations.c.order_id.in_(sorted(order_ids)))
            .values(status=status.value, finished_at=now)
        )


async def apply_stock_deltas(
    session: AsyncSession, deltas: dict[tuple[str, str], tuple[int, int]], now: datetime
) -> None:
    """Add (on-hand, reserved) deltas to locked stock rows, keyed by (product, warehouse):
    one conditional update per row; :class:`StockConflict` if one matched nothing."""
    for (product_id, warehouse_id), (on_hand_delta, reserved_delta) in sorted(deltas.items()):
        update = _conditional_update(product_id, warehouse_id, on_hand_delta, reserved_delta, now)
        if (await session.execute(update)).first() is None:
            raise StockConflict(f"stock of {product_id} changed concurrently")


async def record_many(session: AsyncSession, movements: Sequence[dict[str, Any]]) -> None:
    """Ledger rows (:func:`movement_values` with ``on_hand_after`` and ``reserved_after``)."""
    if movements:
        await session.execute(stock_movements.insert(), list(movements))
