"""The orders service's tables (its own database; nobody else reads them).

* ``orders`` — one row per order. The id is derived from (user, idempotency key), so a
  duplicate ``placeOrder`` hits the primary key; ``request_hash`` is the sha256 of the
  request (address + payment method) that made it, to refuse a reused key with another
  payload. ``version`` grows with every status change (optimistic concurrency).
* ``order_lines`` — snapshots of what was bought: product id, name, sku, unit price and
  quantity at the time of the order (later catalog changes do not alter an order).
* ``order_status_history`` — one row per status (the first is ``PENDING``), with the
  actor (a user id, ``staff:<id>``, ``system`` or ``payments``) and the time.
* ``outbox`` / ``inbox`` — the kernel's event tables (:mod:`shopgraph.events.tables`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

_SEQ = BigInteger().with_variant(Integer(), "sqlite")

metadata = new_metadata()

orders = Table(
    "orders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal_minor", BigInteger, nullable=False),
    Column("shipping_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("payment_method", String(100), nullable=False),
    Column("idempotency_key", String(100), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("email", String(254), nullable=False),
    Column("ship_name", String(100), nullable=False),
    Column("ship_line1", String(200), nullable=False),
    Column("ship_line2", String(200), nullable=True),
    Column("ship_city", String(100), nullable=False),
    Column("ship_postal_code", String(20), nullable=False),
    Column("ship_country", String(2), nullable=False),
    Column("ship_phone", String(30), nullable=True),
    Column("cancel_reason", String(500), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("subtotal_minor >= 0", name="subtotal_non_negative"),
    CheckConstraint("shipping_minor >= 0", name="shipping_non_negative"),
    CheckConstraint("total_minor = subtotal_minor + shipping_minor", name="total_is_sum"),
)
# Keyset pagination: a user's orders and the staff list, newest first.
Index("ix_orders_user_created", orders.c.user_id, orders.c.created_at, orders.c.id)
Index("ix_orders_created", orders.c.created_at, orders.c.id)
Index("ix_orders_status_created", orders.c.status, orders.c.created_at)

order_lines = Table(
    "order_lines",
    metadata,
    Column(
        "order_id",
        String(36),
        ForeignKey("orders.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("product_id", String(36), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("unit_price_minor >= 0", name="price_non_negative"),
)

order_status_history = Table(
    "order_status_history",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column(
        "order_id",
        String(36),
        ForeignKey("orders.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("status", String(20), nullable=False),
    Column("previous_status", String(20), nullable=True),
    Column("actor", String(100), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("at", UTCDateTime(), nullable=False),
)
Index("ix_order_status_history_order_id", order_status_history.c.order_id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
