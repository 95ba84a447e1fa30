"""The analytics service's reporting tables (its own database, filled only from events).

Every fact table is keyed by the id of what it records, and each event fills only its own
columns, so events may arrive in any order across topics (a payment before its order) and
the tables end the same. Days are UTC calendar days, stored beside each timestamp so that
reports group by a plain ``DATE`` column on SQLite and PostgreSQL alike.

* ``order_facts`` — one row per order: placement (``OrderCreated``), payment
  (``PaymentSucceeded`` / ``PaymentFailed``) and cancellation (``OrderCancelled``).
* ``line_facts`` — the order's lines as placed (product, quantity, unit price).
* ``refund_facts`` — one row per refund (``PaymentRefunded``), on the day it happened.
* ``cart_facts`` — one row per cart (``CartCreated``).
* ``product_names`` — the catalog's current SKU and name per product (``ProductCreated`` /
  ``ProductUpdated`` / ``ProductArchived``), newest event wins.
* ``inbox`` — the kernel's de-duplication table: a redelivered event counts once.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, String, Table

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table

metadata = new_metadata()

order_facts = Table(
    "order_facts",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=True),
    Column("currency", String(3), nullable=True),
    Column("total_minor", BigInteger, nullable=True),
    Column("units", Integer, nullable=True),
    Column("placed_at", UTCDateTime(), nullable=True),
    Column("placed_on", Date, nullable=True),
    Column("paid_at", UTCDateTime(), nullable=True),
    Column("payment_failed_at", UTCDateTime(), nullable=True),
    Column("cancelled_at", UTCDateTime(), nullable=True),
)
Index("ix_order_facts_placed_on", order_facts.c.placed_on)

line_facts = Table(
    "line_facts",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("product_id", String(36), nullable=False),
    Column("sku", String(64), nullable=True),
    Column("name", String(200), nullable=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
)
Index("ix_line_facts_product", line_facts.c.product_id)

refund_facts = Table(
    "refund_facts",
    metadata,
    Column("refund_id", String(64), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("refunded_at", UTCDateTime(), nullable=False),
    Column("refunded_on", Date, nullable=False),
)
Index("ix_refund_facts_refunded_on", refund_facts.c.refunded_on)

cart_facts = Table(
    "cart_facts",
    metadata,
    Column("cart_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=True),
    Column("guest", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_on", Date, nullable=False),
)
Index("ix_cart_facts_created_on", cart_facts.c.created_on)

product_names = Table(
    "product_names",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=True),
    Column("archived", Boolean, nullable=False, default=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

inbox = inbox_table(metadata)

# What ``shopgraph analytics rebuild`` empties before it replays the topics.
REPORTING_TABLES: tuple[Table, ...] = (
    line_facts,
    order_facts,
    refund_facts,
    cart_facts,
    product_names,
    inbox,
)
