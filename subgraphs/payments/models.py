"""The payments service's tables (its own database; nobody else reads them).

* ``payments`` — one row per order (``order_id`` is unique: the charge's idempotency key),
  with the order's owner (``user_id``, from ``OrderCreated``), the amount in integer minor
  units, the provider's authorization and capture ids and the running refunded total.
  CHECK constraints keep ``0 <= refunded_minor <= amount_minor``.
* ``refunds`` — one row per refund; ``idempotency_key`` is unique, so a repeated staff
  request or a redelivered ``OrderCancelled`` never refunds twice.
* ``outbox`` / ``inbox`` — the kernel's event tables (:mod:`shopgraph.events.tables`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, String, Table

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

METHOD_MAX = 100
REASON_MAX = 500
KEY_MAX = 200
PROVIDER_ID_MAX = 100

metadata = new_metadata()

payments = Table(
    "payments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=True),
    Column("status", String(32), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("method", String(METHOD_MAX), nullable=False),
    Column("failure_reason", String(REASON_MAX), nullable=True),
    Column("authorization_id", String(PROVIDER_ID_MAX), nullable=True),
    Column("capture_id", String(PROVIDER_ID_MAX), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("amount_minor >= 0", name="amount_non_negative"),
    CheckConstraint(
        "refunded_minor >= 0 AND refunded_minor <= amount_minor", name="refunded_within_amount"
    ),
)
Index("uq_payments_order_id", payments.c.order_id, unique=True)
Index("ix_payments_user_id", payments.c.user_id)

refunds = Table(
    "refunds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "payment_id",
        String(36),
        ForeignKey("payments.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(REASON_MAX), nullable=True),
    Column("idempotency_key", String(KEY_MAX), nullable=False),
    Column("provider_refund_id", String(PROVIDER_ID_MAX), nullable=False),
    Column("requested_by", String(100), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
)
Index("uq_refunds_idempotency_key", refunds.c.idempotency_key, unique=True)
Index("ix_refunds_payment_id", refunds.c.payment_id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
