"""inventory: warehouses (with DEFAULT), stock, reservations, ledger, outbox, inbox

Revision ID: 0001_inventory_initial
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shopgraph.events.migration import create_event_tables_v1, drop_event_tables_v1

revision = "0001_inventory_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DEFAULT_WAREHOUSE_ID = "c2442aad-b38d-546c-acdb-eff2f42bc472"


def upgrade() -> None:
    warehouses = op.create_table(
        "warehouses",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warehouses"),
    )
    op.create_index("uq_warehouses_code", "warehouses", ["code"], unique=True)
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as models.UTCDateTime stores it
    op.bulk_insert(
        warehouses,
        [{"id": DEFAULT_WAREHOUSE_ID, "code": "DEFAULT", "name": "Default warehouse",
          "created_at": now}],
    )  # fmt: skip

    op.create_table(
        "stock",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_on_hand_non_negative"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_reserved_non_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="ck_stock_reserved_within_on_hand"),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name="fk_stock_warehouse_id_warehouses",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("product_id", "warehouse_id", name="pk_stock"),
    )

    op.create_table(
        "reservations",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_reservations"),
    )
    op.create_index("ix_reservations_status_expires_at", "reservations", ["status", "expires_at"])

    op.create_table(
        "reservation_lines",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_reservation_lines_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["reservations.order_id"],
            name="fk_reservation_lines_order_id_reservations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "product_id", "warehouse_id", name="pk_reservation_lines"
        ),
    )

    op.create_table(
        "stock_movements",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_hand_delta", sa.Integer(), nullable=False),
        sa.Column("reserved_delta", sa.Integer(), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("reserved_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("order_id", sa.String(36), nullable=True),
        sa.Column("actor", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_stock_movements"),
        sa.UniqueConstraint("id", name="uq_stock_movements_id"),
    )
    op.create_index("ix_stock_movements_product_id_seq", "stock_movements", ["product_id", "seq"])
    op.create_index("ix_stock_movements_order_id", "stock_movements", ["order_id"])

    create_event_tables_v1()


def downgrade() -> None:
    drop_event_tables_v1()
    op.drop_index("ix_stock_movements_order_id", table_name="stock_movements")
    op.drop_index("ix_stock_movements_product_id_seq", table_name="stock_movements")
    op.drop_table("stock_movements")
    op.drop_table("reservation_lines")
    op.drop_index("ix_reservations_status_expires_at", table_name="reservations")
    op.drop_table("reservations")
    op.drop_table("stock")
    op.drop_index("uq_warehouses_code", table_name="warehouses")
    op.drop_table("warehouses")
