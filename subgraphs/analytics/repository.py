"""Data access of the analytics service: fact upserts and the grouped report queries.

Writers upsert by the fact's id and touch only the columns their event owns, so the order
in which topics are consumed never changes the result. Readers group by the stored UTC
day in SQL; rolling days up into weeks and months is the service's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, distinct, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.analytics.models import (
    REPORTING_TABLES,
    cart_facts,
    line_facts,
    order_facts,
    product_names,
    refund_facts,
)
from subgraphs.analytics.records import (
    CartFact,
    DayRefunds,
    DaySales,
    PlacedOrder,
    ProductSales,
)


def _insert(session: AsyncSession, table: Table) -> Any:
    """An ``INSERT`` that supports ``ON CONFLICT`` on the session's dialect."""
    dialect = session.bind.dialect.name if session.bind is not None else ""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


async def _upsert(
    session: AsyncSession, table: Table, key: str, values: dict[str, Any], update: Sequence[str]
) -> None:
    stmt = _insert(session, table).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[key]], set_={name: stmt.excluded[name] for name in update}
    )
    await session.execute(stmt)


# -- writes -----------------------------------------------------------------------------------


async def record_order_placed(session: AsyncSession, order: PlacedOrder) -> None:
    await record_orders_placed(session, [order])


async def record_orders_placed(session: AsyncSession, orders: Sequence[PlacedOrder]) -> None:
    """Placed orders (distinct ids) and their lines, replacing what an earlier delivery
    recorded, in three statements."""
    facts = [
        {
            "order_id": order.order_id,
            "user_id": order.user_id,
            "currency": order.currency,
            "total_minor": order.total_minor,
            "units": order.units,
            "placed_at": order.placed_at,
            "placed_on": order.placed_at.date(),
        }
        for order in orders
    ]
    stmt = _insert(session, order_facts).values(facts)
    placed = [name for name in facts[0] if name != "order_id"]
    stmt = stmt.on_conflict_do_update(
        index_elements=[order_facts.c.order_id], set_={n: stmt.excluded[n] for n in placed}
    )
    await session.execute(stmt)
    ids = [order.order_id for order in orders]
    await session.execute(delete(line_facts).where(line_facts.c.order_id.in_(ids)))
    lines = [
        {
            "order_id": order.order_id,
            "line_no": number,
            "product_id": line.product_id,
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price_minor": line.unit_price_minor,
        }
        for order in orders
        for number, line in enumerate(order.lines, start=1)
    ]
    if lines:
        await session.execute(line_facts.insert(), lines)


async def record_order_moments(
    session: AsyncSession, column: str, moments: dict[str, datetime]
) -> None:
    """:func:`record_order_moment` for several orders in one statement."""
    rows = [{"order_id": order_id, column: at} for order_id, at in moments.items()]
    stmt = _insert(session, order_facts).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[order_facts.c.order_id], set_={column: stmt.excluded[column]}
    )
    await session.execute(stmt)


async def record_order_moment(
    session: AsyncSession, order_id: str, column: str, at: datetime
) -> None:
    """Set ``paid_at``, ``payment_failed_at`` or ``cancelled_at`` of an order (the row is
    created if the order's ``OrderCreated`` has not arrived yet)."""
    await _upsert(session, order_facts, "order_id", {"order_id": order_id, column: at}, [column])


async def record_refund(
    session: AsyncSession,
    *,
    refund_id: str,
    order_id: str,
    currency: str,
    amount_minor: int,
    at: datetime,
) -> None:
    values = {
        "refund_id": refund_id,
        "order_id": order_id,
        "currency": currency,
        "amount_minor": amount_minor,
        "refunded_at": at,
        "refunded_on": at.date(),
    }
    stmt = _insert(session, refund_facts).values(values).on_conflict_do_nothing()
    await session.execute(stmt)


async def record_cart(
    session: AsyncSession, *, cart_id: str, user_id: str | None, at: datetime
) -> None:
    values = {
        "cart_id": cart_id,
        "user_id": user_id,
        "guest": user_id is None,
        "created_at": at,
        "created_on": at.date(),
    }
    await session.execute(_insert(session, cart_facts).values(values).on_conflict_do_nothing())


async def record_carts(session: AsyncSession, carts: Sequence[CartFact]) -> None:
    """:func:`record_cart` for several carts in one statement (a known cart stays as it is)."""
    rows = [
        {
            "cart_id": cart.cart_id,
            "user_id": cart.user_id,
            "guest": cart.user_id is None,
            "created_at": cart.at,
            "created_on": cart.at.date(),
        }
        for cart in carts
    ]
    await session.execute(_insert(session, cart_facts).values(rows).on_conflict_do_nothing())


async def record_product(
    session: AsyncSession,
    *,
    product_id: str,
    sku: str,
    name: str | None,
    archived: bool,
    at: datetime,
) -> None:
    """Keep the catalog's newest name: an older event (a replay) never overwrites it."""
    values = {
        "product_id": product_id,
        "sku": sku,
        "name": name,
        "archived": archived,
        "changed_at": at,
    }
    stmt = _insert(session, product_names).values(values)
    changed = {"sku": stmt.excluded.sku, "archived": stmt.excluded.archived}
    changed["changed_at"] = stmt.excluded.changed_at
    if name is not None:  # ProductArchived carries no name: keep the last one
        changed["name"] = stmt.excluded.name
    stmt = stmt.on_conflict_do_update(
        index_elements=[product_names.c.product_id],
        set_=changed,
        where=product_names.c.changed_at <= stmt.excluded.changed_at,
    )
    await session.execute(stmt)


async def reset(session: AsyncSession) -> None:
    """Empty every reporting table and the inbox (before a rebuild replays the topics).

    On PostgreSQL ``TRUNCATE`` waits for the live worker's open transaction, so none of
    its inbox claims can outlive the facts they stand for; SQLite writers are serialised.
    """
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        names = ", ".join(table.name for table in REPORTING_TABLES)
        await session.execute(text(f"TRUNCATE {names}"))
        return
    for table in REPORTING_TABLES:
        await session.execute(delete(table))


# -- reads ------------------------------------------------------------------------------------


def _paid_in(first: date, last: date) -> list[Any]:
    return [
        order_facts.c.paid_at.is_not(None),
        order_facts.c.placed_on >= first,
        order_facts.c.placed_on <= last,
    ]


async def sales_by_day(session: AsyncSession, first: date, last: date) -> list[DaySales]:
    """Paid orders by the UTC day they were placed on, per currency."""
    query = (
        select(
            order_facts.c.placed_on,
            order_facts.c.currency,
            func.count(),
            func.coalesce(func.sum(order_facts.c.units), 0),
            func.coalesce(func.sum(order_facts.c.total_minor), 0),
        )
        .where(*_paid_in(first, last))
        .group_by(order_facts.c.placed_on, order_facts.c.currency)
    )
    rows = (await session.execute(query)).all()
    return [DaySales(row[0], row[1], int(row[2]), int(row[3]), int(row[4])) for row in rows]


async def refunds_by_day(session: AsyncSession, first: date, last: date) -> list[DayRefunds]:
    """Money refunded by the UTC day of the refund, per currency."""
    query = (
        select(
            refund_facts.c.refunded_on,
            refund_facts.c.currency,
            func.sum(refund_facts.c.amount_minor),
        )
        .where(refund_facts.c.refunded_on >= first, refund_facts.c.refunded_on <= last)
        .group_by(refund_facts.c.refunded_on, refund_facts.c.currency)
    )
    rows = (await session.execute(query)).all()
    return [DayRefunds(row[0], row[1], int(row[2])) for row in rows]


async def top_products(
    session: AsyncSession, first: date, last: date, size: int
) -> list[ProductSales]:
    """The ``size`` products with most units in paid orders placed in the range (ties by
    product id), with their revenue per currency."""
    paid = _paid_in(first, last)
    joined = line_facts.join(order_facts, line_facts.c.order_id == order_facts.c.order_id)
    units = func.sum(line_facts.c.quantity)
    ranked = (
        await session.execute(
            select(
                line_facts.c.product_id,
                units,
                func.count(distinct(line_facts.c.order_id)),
                func.max(line_facts.c.sku),
                func.max(line_facts.c.name),
            )
            .select_from(joined)
            .where(*paid)
            .group_by(line_facts.c.product_id)
            .order_by(units.desc(), line_facts.c.product_id)
            .limit(size)
        )
    ).all()
    ids = [row[0] for row in ranked]
    if not ids:
        return []
    revenue: dict[str, list[tuple[str, int]]] = {}
    for product_id, currency, minor in (
        await session.execute(
            select(
                line_facts.c.product_id,
                order_facts.c.currency,
                func.sum(line_facts.c.quantity * line_facts.c.unit_price_minor),
            )
            .select_from(joined)
            .where(*paid, line_facts.c.product_id.in_(ids))
            .group_by(line_facts.c.product_id, order_facts.c.currency)
            .order_by(order_facts.c.currency)
        )
    ).all():
        revenue.setdefault(product_id, []).append((currency, int(minor)))
    names = {
        row.product_id: row
        for row in (
            await session.execute(select(product_names).where(product_names.c.product_id.in_(ids)))
        ).all()
    }
    found = []
    for product_id, sold, orders, sku, name in ranked:
        current = names.get(product_id)
        found.append(
            ProductSales(
                product_id=product_id,
                sku=current.sku if current is not None else sku,
                name=current.name if current is not None and current.name else name,
                units=int(sold),
                orders=int(orders),
                revenue_minor=tuple(revenue.get(product_id, ())),
            )
        )
    return found


async def carts_created(session: AsyncSession, first: date, last: date) -> int:
    query = select(func.count()).where(
        cart_facts.c.created_on >= first, cart_facts.c.created_on <= last
    )
    return int(await session.scalar(query) or 0)


async def orders_placed(session: AsyncSession, first: date, last: date) -> tuple[int, int]:
    """(orders placed, of which paid) on the days of the range."""
    query = select(func.count(), func.count(order_facts.c.paid_at)).where(
        order_facts.c.placed_on >= first, order_facts.c.placed_on <= last
    )
    row = (await session.execute(query)).one()
    return int(row[0]), int(row[1])
