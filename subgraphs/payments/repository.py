"""Data access of the payments service: the ``payments`` and ``refunds`` tables.

Functions take the caller's session, so the service decides the unit of work (inbox claim,
row lock, provider call and outbox row commit together). Rows are locked ``FOR UPDATE``
where the service changes them; ``PENDING`` payments (a charge in progress) are invisible
to readers and refunds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Queryable, insert_if_absent
from subgraphs.payments.models import payments, refunds
from subgraphs.payments.records import (
    PENDING,
    OrderCharge,
    PaymentRecord,
    PaymentStatus,
    RefundRecord,
)


async def payments_by_ids(
    session: Queryable, payment_ids: Sequence[str]
) -> list[PaymentRecord | None]:
    rows = (await session.execute(select(payments).where(payments.c.id.in_(payment_ids)))).all()
    by_id = {row.id: PaymentRecord.from_row(row) for row in rows}
    return [by_id.get(pid) for pid in payment_ids]


async def payments_by_orders(
    session: Queryable, order_ids: Sequence[str]
) -> list[PaymentRecord | None]:
    rows = (
        await session.execute(
            select(payments).where(payments.c.order_id.in_(order_ids), payments.c.status != PENDING)
        )
    ).all()
    by_order = {row.order_id: PaymentRecord.from_row(row) for row in rows}
    return [by_order.get(oid) for oid in order_ids]


async def refunds_by_payments(
    session: Queryable, payment_ids: Sequence[str]
) -> list[list[RefundRecord]]:
    """Each payment's refunds, oldest first."""
    rows = (
        await session.execute(
            select(refunds)
            .where(refunds.c.payment_id.in_(payment_ids))
            .order_by(refunds.c.created_at, refunds.c.id)
        )
    ).all()
    grouped: dict[str, list[RefundRecord]] = {pid: [] for pid in payment_ids}
    for row in rows:
        grouped[row.payment_id].append(RefundRecord.from_row(row))
    return [grouped[pid] for pid in payment_ids]


def _pending_row(order: OrderCharge, now: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "order_id": order.order_id,
        "user_id": order.user_id,
        "status": PENDING,
        "amount_minor": order.amount_minor,
        "refunded_minor": 0,
        "currency": order.currency,
        "method": order.method,
        "created_at": now,
        "updated_at": now,
    }


async def claim_order_payment(session: AsyncSession, order: OrderCharge, now: datetime) -> Row[Any]:
    """The order's payment row, locked; created ``PENDING`` when the order has none."""
    await insert_if_absent(session, payments, _pending_row(order, now), unique=("order_id",))
    return (
        await session.execute(
            select(payments).where(payments.c.order_id == order.order_id).with_for_update()
        )
    ).one()


async def claim_order_payments(
    session: AsyncSession, orders: Sequence[OrderCharge], now: datetime
) -> dict[str, Row[Any]]:
    """:func:`claim_order_payment` for several orders: their rows by order id, locked in
    order id order (two batches never wait on each other crosswise). One insert and one
    locking select on PostgreSQL; SQLite's writer lock already serialises writers."""
    by_order = {order.order_id: order for order in orders}
    order_ids = sorted(by_order)
    if session.bind is None or session.bind.dialect.name != "postgresql":
        claimed = [await claim_order_payment(session, by_order[i], now) for i in order_ids]
        return {str(row.order_id): row for row in claimed}
    await session.execute(
        postgresql.insert(payments).on_conflict_do_nothing(index_elements=["order_id"]),
        [_pending_row(by_order[i], now) for i in order_ids],
    )
    locked = await session.execute(
        select(payments)
        .where(payments.c.order_id.in_(order_ids))
        .order_by(payments.c.order_id)
        .with_for_update()
    )
    return {str(row.order_id): row for row in locked.all()}


async def set_payment(session: AsyncSession, payment_id: str, values: dict[str, Any]) -> None:
    """Apply ``values`` to the payment."""
    await session.execute(update(payments).where(payments.c.id == payment_id).values(values))


async def update_payment(
    session: AsyncSession, payment_id: str, values: dict[str, Any]
) -> PaymentRecord:
    """Apply ``values`` to the payment; the payment as it is now."""
    await set_payment(session, payment_id, values)
    row = (await session.execute(select(payments).where(payments.c.id == payment_id))).one()
    return PaymentRecord.from_row(row)


async def lock_settled_payment(
    session: AsyncSession, *, payment_id: str | None = None, order_id: str | None = None
) -> PaymentRecord | None:
    """A settled (not ``PENDING``) payment by id or by order, locked for a refund."""
    column, value = (
        (payments.c.id, payment_id) if payment_id is not None else (payments.c.order_id, order_id)
    )
    row = (
        await session.execute(
            select(payments).where(column == value, payments.c.status != PENDING).with_for_update()
        )
    ).one_or_none()
    return None if row is None else PaymentRecord.from_row(row)


async def refund_payment_of_key(session: AsyncSession, key: str) -> str | None:
    """The payment id an idempotency key already refunded, if any."""
    row = (
        await session.execute(select(refunds.c.payment_id).where(refunds.c.idempotency_key == key))
    ).one_or_none()
    return None if row is None else str(row.payment_id)


async def add_refund(
    session: AsyncSession,
    payment: PaymentRecord,
    *,
    amount_minor: int,
    reason: str | None,
    key: str,
    provider_refund_id: str,
    requested_by: str | None,
    now: datetime,
) -> tuple[str, PaymentRecord]:
    """Record a refund and its effect on the payment: (refund id, the payment now)."""
    refund_id = str(uuid.uuid4())
    refunded = payment.refunded_minor + amount_minor
    status = (
        PaymentStatus.REFUNDED
        if refunded == payment.amount_minor
        else PaymentStatus.PARTIALLY_REFUNDED
    )
    await session.execute(
        refunds.insert().values(
            id=refund_id,
            payment_id=payment.id,
            amount_minor=amount_minor,
            currency=payment.currency,
            reason=reason,
            idempotency_key=key,
            provider_refund_id=provider_refund_id,
            requested_by=requested_by,
            created_at=now,
        )
    )
    updated = await update_payment(
        session, payment.id, {"refunded_minor": refunded, "status": status, "updated_at": now}
    )
    return refund_id, updated
