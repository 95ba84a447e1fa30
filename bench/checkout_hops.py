"""Where each placed order's time to PAID goes, read after the run from the services' own
timestamps (the bench never polls during the measured phase):

placeOrder sent (the bench's clock) → order row created (``orders.created_at``) →
``OrderCreated`` published (orders' outbox ``published_at``) → payment row created
(``payments.created_at``) → ``PaymentSucceeded`` published (payments' outbox
``published_at``) → order PAID (the status history's ``at``).

The order row's ``created_at`` is stamped after the cart, the quotes and the stock
reservation, just before the insert: the first hop is those three calls and the router.
Every process runs on this machine, so the wall clocks agree. An order counts in a hop when
both of its ends were recorded (an unpaid order has no last hops).
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import orjson
from sqlalchemy import Table, select

from shopgraph.db import Database
from subgraphs.orders.models import order_status_history, orders
from subgraphs.orders.models import outbox as orders_outbox
from subgraphs.payments.models import outbox as payments_outbox
from subgraphs.payments.models import payments

MILESTONES = (
    "placeOrder sent",
    "order row",
    "OrderCreated published",
    "payment row",
    "PaymentSucceeded published",
    "order PAID",
)
HOPS = tuple(f"{start} → {end}" for start, end in pairwise(MILESTONES))


def _epoch(moment: datetime) -> float:
    """Seconds since the epoch; SQLite hands timezone-aware columns back naive (in UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def _rows(database_url: str, table: Table, *columns: str) -> list[Any]:
    db = Database(database_url, pool_size=1)
    try:
        async with db.session() as session:
            selected = select(*(table.c[name] for name in columns))
            return list((await session.execute(selected)).all())
    finally:
        await db.dispose()


async def _published(database_url: str, outbox: Table, event_type: str) -> dict[str, datetime]:
    """When the outbox published each aggregate's ``event_type`` event (its key)."""
    rows = await _rows(database_url, outbox, "key", "event", "published_at")
    return {
        row.key: row.published_at
        for row in rows
        if row.published_at is not None and orjson.loads(row.event)["type"] == event_type
    }


async def hop_seconds(database_url: str, placed: dict[str, float]) -> dict[str, list[float]]:
    """Per hop, the seconds each placed order (id → placeOrder sent, epoch seconds) spent in
    it. ``database_url`` names the databases with ``{service}``."""
    orders_url = database_url.format(service="orders")
    payments_url = database_url.format(service="payments")
    created = {r.id: r.created_at for r in await _rows(orders_url, orders, "id", "created_at")}
    paid = {
        r.order_id: r.at
        for r in await _rows(orders_url, order_status_history, "order_id", "status", "at")
        if r.status == "PAID"
    }
    payment_rows = await _rows(payments_url, payments, "order_id", "created_at")
    milestones = [
        created,
        await _published(orders_url, orders_outbox, "OrderCreated"),
        {r.order_id: r.created_at for r in payment_rows},
        await _published(payments_url, payments_outbox, "PaymentSucceeded"),
        paid,
    ]
    hops: dict[str, list[float]] = {hop: [] for hop in HOPS}
    for order_id, sent in placed.items():
        times: list[float | None] = [sent]
        times += [_epoch(m[order_id]) if order_id in m else None for m in milestones]
        for hop, (start, end) in zip(HOPS, pairwise(times), strict=True):
            if start is not None and end is not None:
                hops[hop].append(end - start)
    return hops
