"""The checkout bench's per-hop breakdown of time to PAID reads each milestone of a placed
order from the services' databases: its own order row, its ``OrderCreated`` (not another
event of the order), its payment row, its ``PaymentSucceeded``, its PAID status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from checkout_hops import HOPS, hop_seconds
from sqlalchemy import MetaData, Table

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import outbox_row
from subgraphs.orders import models as order_models
from subgraphs.payments import models as payment_models

SENT = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return SENT + timedelta(seconds=seconds)


def order_row(order_id: str, created: float) -> dict[str, Any]:
    return {
        "id": order_id, "user_id": "u-1", "status": "PENDING", "currency": "USD",
        "subtotal_minor": 100, "shipping_minor": 0, "total_minor": 100,
        "payment_method": "pm_card_visa", "idempotency_key": order_id, "request_hash": "h",
        "email": "sam@example.com", "ship_name": "Sam", "ship_line1": "1 Main St",
        "ship_city": "Springfield", "ship_postal_code": "12345", "ship_country": "US",
        "version": 1, "created_at": at(created), "updated_at": at(created),
    }  # fmt: skip


def payment_row(order_id: str, created: float) -> dict[str, Any]:
    return {
        "id": f"pay-{order_id}", "order_id": order_id, "status": "CAPTURED",
        "amount_minor": 100, "refunded_minor": 0, "currency": "USD",
        "method": "pm_card_visa", "created_at": at(created), "updated_at": at(created),
    }  # fmt: skip


def published(topic: str, event_type: str, order_id: str, when: float | None) -> dict[str, Any]:
    row = outbox_row(topic, Event.new(event_type, order_id, {}))
    return row | {"published_at": None if when is None else at(when)}


def paid(order_id: str, when: float) -> dict[str, Any]:
    return {"order_id": order_id, "status": "PAID", "previous_status": "PENDING",
            "actor": "payments", "at": at(when)}  # fmt: skip


async def write(url: str, metadata: MetaData, rows: list[tuple[Table, dict[str, Any]]]) -> None:
    db = Database(url, pool_size=1)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            for table, row in rows:
                await conn.execute(table.insert().values(row))
    finally:
        await db.dispose()


async def test_each_hop_of_each_placed_order_from_its_own_rows(tmp_path: Path) -> None:
    orders, payments = order_models, payment_models
    await write(
        f"sqlite+aiosqlite:///{tmp_path}/orders.db",
        orders.metadata,
        [
            (orders.orders, order_row("paid", 0.1)),
            (orders.orders, order_row("unpaid", 0.2)),
            (orders.orders, order_row("not-the-benchs", 0.1)),
            (orders.outbox, published("orders", "OrderCreated", "paid", 0.3)),
            (orders.outbox, published("orders", "OrderPaid", "paid", 1.6)),
            (orders.outbox, published("orders", "OrderCreated", "unpaid", 0.5)),
            (orders.order_status_history, paid("paid", 1.5)),
        ],
    )
    await write(
        f"sqlite+aiosqlite:///{tmp_path}/payments.db",
        payments.metadata,
        [
            (payments.payments, payment_row("paid", 0.6)),
            (payments.payments, payment_row("unpaid", 0.9)),
            (payments.outbox, published("payments", "PaymentSucceeded", "paid", 1.0)),
            (payments.outbox, published("payments", "PaymentSucceeded", "unpaid", None)),
        ],
    )
    sent = SENT.timestamp()

    hops = await hop_seconds(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db", {"paid": sent, "unpaid": sent}
    )

    assert list(hops) == list(HOPS)
    assert [sorted(seconds) for seconds in hops.values()] == [
        pytest.approx([0.1, 0.2]),  # placeOrder sent → order row
        pytest.approx([0.2, 0.3]),  # → OrderCreated published
        pytest.approx([0.3, 0.4]),  # → payment row
        pytest.approx([0.4]),  # → PaymentSucceeded published (unpaid's is not yet)
        pytest.approx([0.5]),  # → order PAID
    ]
