"""The inventory service's tables (its own database; nobody else reads them).

* ``warehouses`` — where stock is held; ``DEFAULT`` is created by the first migration.
* ``stock`` — one row per (product, warehouse): ``on_hand`` units physically there, of which
  ``reserved`` are held for orders. CHECK constraints keep ``0 <= reserved <= on_hand``, so
  the database itself refuses an oversell even if the code were wrong.
* ``reservations`` / ``reservation_lines`` — one reservation per order id (the idempotency
  key), its state (``RESERVED`` → ``COMMITTED`` | ``RELEASED`` | ``EXPIRED``) and the units
  it holds per product and warehouse.
* ``stock_movements`` — the append-only ledger: one row per change of a stock row (staff
  set/adjust, reserve, commit, release, expiry, seed) with the deltas and the values after.
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

DEFAULT_WAREHOUSE_CODE = "DEFAULT"
# Fixed so every database (and the migration that creates it) agrees on it.
DEFAULT_WAREHOUSE_ID = "c2442aad-b38d-546c-acdb-eff2f42bc472"

CODE_MAX = 32
NAME_MAX = 100
REASON_MAX = 200


# SQLite only auto-increments an ``INTEGER PRIMARY KEY``; PostgreSQL gets a BIGINT.
SEQ = BigInteger().with_variant(Integer(), "sqlite")

metadata = new_metadata()

warehouses = Table(
    "warehouses",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(CODE_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
Index("uq_warehouses_code", warehouses.c.code, unique=True)

stock = Table(
    "stock",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column(
        "warehouse_id",
        String(36),
        ForeignKey("warehouses.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
    CheckConstraint("reserved >= 0", name="reserved_non_negative"),
    CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    # The checkout attempt that holds the order id, or gave it up (orders: time-ordered
    # text, compared as strings): a reserve of an older attempt is a no-op.
    Column("attempt", String(24), nullable=False, server_default=""),
)
# The sweeper's scan: live reservations by expiry.
Index("ix_reservations_status_expires_at", reservations.c.status, reservations.c.expires_at)

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column(
        "order_id",
        String(36),
        ForeignKey("reservations.order_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("product_id", String(36), primary_key=True),
    Column("warehouse_id", String(36), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("product_id", String(36), nullable=False),
    Column("warehouse_id", String(36), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on_hand_delta", Integer, nullable=False),
    Column("reserved_delta", Integer, nullable=False),
    Column("on_hand_after", Integer, nullable=False),
    Column("reserved_after", Integer, nullable=False),
    Column("reason", String(REASON_MAX), nullable=True),
    Column("order_id", String(36), nullable=True),
    Column("actor", String(100), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
)
Index("ix_stock_movements_product_id_seq", stock_movements.c.product_id, stock_movements.c.seq)
Index("ix_stock_movements_order_id", stock_movements.c.order_id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
