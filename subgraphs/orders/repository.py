"""SQL for orders: rows in and out of the order tables, nothing else.

Reads batch: :func:`load_orders` fetches any number of orders with their lines in two
statements, :func:`load_history` any number of histories in one. The checkout's own
statements (:func:`load_order` unlocked, :func:`insert_order` on PostgreSQL) are built once
(per line count) with bound parameters, so a placeOrder neither rebuilds nor re-keys them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Row, Table, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Queryable
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import outbox_row
from subgraphs.orders.domain import (
    Address,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
)
from subgraphs.orders.models import order_lines, order_status_history, orders, outbox


def _address(row: Row[Any]) -> Address:
    return Address(
        name=row.ship_name,
        line1=row.ship_line1,
        line2=row.ship_line2,
        city=row.ship_city,
        postal_code=row.ship_postal_code,
        country=row.ship_country,
        phone=row.ship_phone,
    )


def _order(row: Row[Any], lines: Sequence[OrderLine]) -> Order:
    return Order(
        id=row.id,
        user_id=row.user_id,
        status=OrderStatus(row.status),
        currency=row.currency,
        subtotal_minor=row.subtotal_minor,
        shipping_minor=row.shipping_minor,
        total_minor=row.total_minor,
        payment_method=row.payment_method,
        email=row.email,
        address=_address(row),
        cancel_reason=row.cancel_reason,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        lines=tuple(lines),
        request_hash=row.request_hash,
    )


async def _lines_of(session: Queryable, ids: Sequence[str]) -> dict[str, list[OrderLine]]:
    found: dict[str, list[OrderLine]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.execute(
        select(order_lines)
        .where(order_lines.c.order_id.in_(ids))
        .order_by(order_lines.c.order_id, order_lines.c.position)
    )
    for row in rows:
        found[row.order_id].append(
            OrderLine(
                product_id=row.product_id,
                sku=row.sku,
                name=row.name,
                unit_price_minor=row.unit_price_minor,
                quantity=row.quantity,
            )
        )
    return found


async def _with_lines(session: Queryable, rows: Sequence[Row[Any]]) -> list[Order]:
    lines = await _lines_of(session, [row.id for row in rows])
    return [_order(row, lines.get(row.id, ())) for row in rows]


async def load_orders(session: AsyncSession, ids: Sequence[str]) -> dict[str, Order]:
    if not ids:
        return {}
    rows = (await session.execute(select(orders).where(orders.c.id.in_(list(ids))))).all()
    return {order.id: order for order in await _with_lines(session, rows)}


_ORDER_BY_ID = select(orders).where(orders.c.id == bindparam("order_id"))
_ORDER_BY_ID_LOCKED = _ORDER_BY_ID.with_for_update()


async def load_order(session: Queryable, order_id: str, *, lock: bool = False) -> Order | None:
    query = _ORDER_BY_ID_LOCKED if lock else _ORDER_BY_ID
    row = (await session.execute(query, {"order_id": order_id})).first()
    if row is None:
        return None
    return (await _with_lines(session, [row]))[0]


async def load_history(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
    found: dict[str, list[HistoryEntry]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.execute(
        select(order_status_history)
        .where(order_status_history.c.order_id.in_(list(ids)))
        .order_by(order_status_history.c.seq)
    )
    for row in rows:
        found[row.order_id].append(
            HistoryEntry(
                status=OrderStatus(row.status),
                previous_status=OrderStatus(row.previous_status) if row.previous_status else None,
                actor=row.actor,
                reason=row.reason,
                at=row.at,
            )
        )
    return found


def _order_row(order: Order, idempotency_key: str) -> dict[str, Any]:
    a = order.address
    return {
        "id": order.id,
        "user_id": order.user_id,
        "status": order.status.value,
        "currency": order.currency,
        "subtotal_minor": order.subtotal_minor,
        "shipping_minor": order.shipping_minor,
        "total_minor": order.total_minor,
        "payment_method": order.payment_method,
        "idempotency_key": idempotency_key,
        "request_hash": order.request_hash,
        "email": order.email,
        "ship_name": a.name,
        "ship_line1": a.line1,
        "ship_line2": a.line2,
        "ship_city": a.city,
        "ship_postal_code": a.postal_code,
        "ship_country": a.country,
        "ship_phone": a.phone,
        "cancel_reason": None,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _line_rows(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "order_id": order.id,
            "position": position,
            "product_id": line.product_id,
            "sku": line.sku,
            "name": line.name,
            "unit_price_minor": line.unit_price_minor,
            "quantity": line.quantity,
        }
        for position, line in enumerate(order.lines)
    ]


def _first_history_row(order: Order, actor: str) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "status": order.status.value,
        "previous_status": None,
        "actor": actor,
        "reason": None,
        "at": order.created_at,
    }


async def insert_order(
    session: Queryable,
    order: Order,
    *,
    actor: str,
    idempotency_key: str,
    topic: str,
    created: Event,
) -> None:
    """The order, its lines, its first history row and its ``created`` event in the outbox
    (the row :func:`~shopgraph.events.outbox.add_to_outbox` writes), all or nothing.

    On PostgreSQL this is ONE statement (data-modifying CTEs), atomic on its own: run it on
    :meth:`~shopgraph.db.Database.statement_connection`. Elsewhere four, in the caller's
    transaction. A duplicate order id fails it whole."""
    if not order.lines:
        raise ValueError(f"order {order.id} has no lines")
    bind = session.bind if isinstance(session, AsyncSession) else session
    if bind is None or bind.dialect.name != "postgresql":
        await session.execute(orders.insert().values(_order_row(order, idempotency_key)))
        await session.execute(order_lines.insert(), _line_rows(order))
        await session.execute(
            order_status_history.insert().values(_first_history_row(order, actor))
        )
        await session.execute(outbox.insert().values(outbox_row(topic, created)))
        return
    order_row = _order_row(order, idempotency_key)
    line_rows = _line_rows(order)
    history_row = _first_history_row(order, actor)
    outbox_values = outbox_row(topic, created)
    statement = _order_insert(
        len(line_rows), tuple(order_row), tuple(line_rows[0]), tuple(history_row),
        tuple(outbox_values),
    )  # fmt: skip
    params = _prefixed("o_", order_row)
    for position, line in enumerate(line_rows):
        params.update(_prefixed(f"l{position}_", line))
    params.update(_prefixed("h_", history_row))
    params.update(_prefixed("x_", outbox_values))
    await session.execute(statement, params)


def _prefixed(prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    return {prefix + key: value for key, value in row.items()}


def _bound(table: Table, prefix: str, columns: Sequence[str]) -> dict[str, Any]:
    """``column: bindparam(prefix + column)``, typed as the column."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}


@lru_cache(maxsize=32)
def _order_insert(
    line_count: int,
    order_columns: tuple[str, ...],
    line_columns: tuple[str, ...],
    history_columns: tuple[str, ...],
    outbox_columns: tuple[str, ...],
) -> Insert:
    """:func:`insert_order`'s PostgreSQL statement, built once per line count (and column
    set): the order, its lines, its first history row and its outbox row, with parameters
    named as :func:`_prefixed` names them (``o_``, ``l<position>_``, ``h_``, ``x_``)."""
    lines = [_bound(order_lines, f"l{i}_", line_columns) for i in range(line_count)]
    new_order = orders.insert().values(_bound(orders, "o_", order_columns)).cte("new_order")
    new_lines = order_lines.insert().values(lines).cte("new_lines")
    first_status = (
        order_status_history.insert()
        .values(_bound(order_status_history, "h_", history_columns))
        .cte("first_status")
    )
    return (
        outbox.insert()
        .values(_bound(outbox, "x_", outbox_columns))
        .add_cte(new_order, new_lines, first_status)
    )


async def add_history(
    session: AsyncSession,
    order_id: str,
    status: OrderStatus,
    previous: OrderStatus | None,
    actor: str,
    reason: str | None,
    at: datetime,
) -> None:
    await session.execute(
        order_status_history.insert().values(
            order_id=order_id,
            status=status.value,
            previous_status=previous.value if previous else None,
            actor=actor,
            reason=reason,
            at=at,
        )
    )


async def change_status(
    session: AsyncSession,
    order: Order,
    target: OrderStatus,
    at: datetime,
    cancel_reason: str | None = None,
) -> bool:
    """Compare-and-set on ``version``: False when someone changed the order meanwhile."""
    values: dict[str, Any] = {
        "status": target.value,
        "version": order.version + 1,
        "updated_at": at,
    }
    if target is OrderStatus.CANCELLED:
        values["cancel_reason"] = cancel_reason
    result = await session.execute(
        update(orders)
        .where(orders.c.id == order.id, orders.c.version == order.version)
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def stale_pending_ids(session: AsyncSession, cutoff: datetime, limit: int) -> list[str]:
    rows = await session.scalars(
        select(orders.c.id)
        .where(orders.c.status == OrderStatus.PENDING.value, orders.c.created_at <= cutoff)
        .order_by(orders.c.created_at, orders.c.id)
        .limit(limit)
    )
    return list(rows.all())


async def page_orders(
    session: AsyncSession,
    *,
    size: int,
    after: tuple[datetime, str] | None,
    user_id: str | None = None,
    status: OrderStatus | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> list[Order]:
    """Newest first, keyset on (created_at, id); fetches ``size + 1`` to know if more follow."""
    conditions: list[Any] = []
    if user_id is not None:
        conditions.append(orders.c.user_id == user_id)
    if status is not None:
        conditions.append(orders.c.status == status.value)
    if created_from is not None:
        conditions.append(orders.c.created_at >= created_from)
    if created_to is not None:
        conditions.append(orders.c.created_at < created_to)
    if after is not None:
        at, last_id = after
        conditions.append(
            or_(orders.c.created_at < at, and_(orders.c.created_at == at, orders.c.id < last_id))
        )
    rows = (
        await session.execute(
            select(orders)
            .where(*conditions)
            .order_by(orders.c.created_at.desc(), orders.c.id.desc())
            .limit(size + 1)
        )
    ).all()
    return await _with_lines(session, rows)


# -- payment outcomes applied in batches (subgraphs.orders.payment_outcomes) ---------------


async def lock_orders(session: AsyncSession, ids: Sequence[str], *, lock: bool) -> dict[str, Order]:
    """:func:`load_orders`, the rows locked ``FOR UPDATE`` in id order when ``lock``."""
    query = select(orders).where(orders.c.id.in_(sorted(set(ids)))).order_by(orders.c.id)
    if lock:
        query = query.with_for_update()
    rows = (await session.execute(query)).all()
    return {order.id: order for order in await _with_lines(session, rows)}


async def move_orders(
    session: AsyncSession, moves: dict[str, tuple[OrderStatus, int]], at: datetime
) -> None:
    """Each order id to (status, number of transitions) on rows the caller holds (locked,
    or SQLite's writer lock): one statement per distinct move."""
    grouped: dict[tuple[OrderStatus, int], list[str]] = defaultdict(list)
    for order_id, move in moves.items():
        grouped[move].append(order_id)
    for (status, steps), ids in sorted(grouped.items()):
        await session.execute(
            update(orders)
            .where(orders.c.id.in_(sorted(ids)))
            .values(status=status.value, version=orders.c.version + steps, updated_at=at)
        )


async def record_status_changes(
    session: AsyncSession, history: Sequence[dict[str, Any]], topic: str, events: Sequence[Event]
) -> None:
    """History rows (``order_status_history`` columns) and their events for ``topic`` on
    the outbox, one statement each."""
    if history:
        await session.execute(order_status_history.insert(), list(history))
    if events:
        await session.execute(outbox.insert(), [outbox_row(topic, e) for e in events])
