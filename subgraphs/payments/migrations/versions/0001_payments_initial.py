"""payments: payments (one per order), refunds, outbox, inbox

Revision ID: 0001_payments_initial
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shopgraph.events.migration import create_event_tables_v1, drop_event_tables_v1

revision = "0001_payments_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("failure_reason", sa.String(500), nullable=True),
        sa.Column("authorization_id", sa.String(100), nullable=True),
        sa.Column("capture_id", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name="ck_payments_amount_non_negative"),
        sa.CheckConstraint(
            "refunded_minor >= 0 AND refunded_minor <= amount_minor",
            name="ck_payments_refunded_within_amount",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
    )
    op.create_index("uq_payments_order_id", "payments", ["order_id"], unique=True)
    op.create_index("ix_payments_user_id", "payments", ["user_id"])

    op.create_table(
        "refunds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("provider_refund_id", sa.String(100), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_refunds_amount_positive"),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name="fk_refunds_payment_id_payments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
    )
    op.create_index("uq_refunds_idempotency_key", "refunds", ["idempotency_key"], unique=True)
    op.create_index("ix_refunds_payment_id", "refunds", ["payment_id"])

    create_event_tables_v1()


def downgrade() -> None:
    drop_event_tables_v1()
    op.drop_table("refunds")
    op.drop_table("payments")
