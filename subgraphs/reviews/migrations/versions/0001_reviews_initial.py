"""reviews: reviews, purchases, outbox, inbox

Revision ID: 0001_reviews_initial
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shopgraph.events.migration import create_event_tables_v1, drop_event_tables_v1

revision = "0001_reviews_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("author_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("hold_reason", sa.String(200), nullable=True),
        sa.Column("rejection_reason", sa.String(500), nullable=True),
        sa.Column("verified_purchase", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("product_id", "author_id", name="uq_reviews_product_author"),
    )
    op.create_index(
        "ix_reviews_product_status_created", "reviews", ["product_id", "status", "created_at"]
    )
    op.create_index(
        "ix_reviews_product_status_rating", "reviews", ["product_id", "status", "rating"]
    )
    op.create_index("ix_reviews_author_created", "reviews", ["author_id", "created_at"])
    op.create_index("ix_reviews_status_created", "reviews", ["status", "created_at"])

    op.create_table(
        "purchases",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("last_order_id", sa.String(36), nullable=False),
        sa.Column("first_purchased_at", TS, nullable=False),
        sa.Column("last_purchased_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "product_id", name="pk_purchases"),
    )

    create_event_tables_v1()


def downgrade() -> None:
    drop_event_tables_v1()
    op.drop_table("purchases")
    op.drop_index("ix_reviews_status_created", table_name="reviews")
    op.drop_index("ix_reviews_author_created", table_name="reviews")
    op.drop_index("ix_reviews_product_status_rating", table_name="reviews")
    op.drop_index("ix_reviews_product_status_created", table_name="reviews")
    op.drop_table("reviews")
