"""analytics: order, line, refund and cart facts, product names, inbox

Revision ID: 0001_analytics_initial
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_analytics_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "order_facts",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("total_minor", sa.BigInteger(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("placed_at", TS, nullable=True),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("paid_at", TS, nullable=True),
        sa.Column("payment_failed_at", TS, nullable=True),
        sa.Column("cancelled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_order_facts"),
    )
    op.create_index("ix_order_facts_placed_on", "order_facts", ["placed_on"])
    op.create_table(
        "line_facts",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("sku", sa.String(64), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "line_no", name="pk_line_facts"),
    )
    op.create_index("ix_line_facts_product", "line_facts", ["product_id"])
    op.create_table(
        "refund_facts",
        sa.Column("refund_id", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_at", TS, nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("refund_id", name="pk_refund_facts"),
    )
    op.create_index("ix_refund_facts_refunded_on", "refund_facts", ["refunded_on"])
    op.create_table(
        "cart_facts",
        sa.Column("cart_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("guest", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("cart_id", name="pk_cart_facts"),
    )
    op.create_index("ix_cart_facts_created_on", "cart_facts", ["created_on"])
    op.create_table(
        "product_names",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_names"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("processed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def downgrade() -> None:
    op.drop_table("inbox")
    op.drop_table("product_names")
    op.drop_index("ix_cart_facts_created_on", table_name="cart_facts")
    op.drop_table("cart_facts")
    op.drop_index("ix_refund_facts_refunded_on", table_name="refund_facts")
    op.drop_table("refund_facts")
    op.drop_index("ix_line_facts_product", table_name="line_facts")
    op.drop_table("line_facts")
    op.drop_index("ix_order_facts_placed_on", table_name="order_facts")
    op.drop_table("order_facts")
