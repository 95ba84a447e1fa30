"""The reviews service's tables (its own database; nobody else reads them).

* ``reviews`` — one row per (product, author): the unique constraint
  ``uq_reviews_product_author`` is what refuses a second review, also under concurrency.
  ``status`` is APPROVED / PENDING / REJECTED; ``hold_reason`` says why moderation held it,
  ``rejection_reason`` why staff rejected it.
* ``purchases`` — (user, product) pairs learnt from ``OrderStatusChanged(PAID)`` events,
  with the quantity bought so far; they make reviews ``verified_purchase``.
* ``outbox`` / ``inbox`` — the kernel's event tables (:mod:`shopgraph.events.tables`).

Ratings are not stored: ``Product.rating`` is one grouped query over the APPROVED reviews of
a batch of products (a DataLoader), served by ``ix_reviews_product_status_rating``, so it can
never drift from the reviews themselves.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

TITLE_MAX = 120
BODY_MAX = 5000
REASON_MAX = 500


metadata = new_metadata()

reviews = Table(
    "reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("product_id", String(36), nullable=False),
    Column("author_id", String(36), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("hold_reason", String(200), nullable=True),
    Column("rejection_reason", String(REASON_MAX), nullable=True),
    Column("verified_purchase", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("product_id", "author_id", name="uq_reviews_product_author"),
)
Index(
    "ix_reviews_product_status_created",
    reviews.c.product_id,
    reviews.c.status,
    reviews.c.created_at,
)
Index("ix_reviews_product_status_rating", reviews.c.product_id, reviews.c.status, reviews.c.rating)
Index("ix_reviews_author_created", reviews.c.author_id, reviews.c.created_at)
Index("ix_reviews_status_created", reviews.c.status, reviews.c.created_at)

purchases = Table(
    "purchases",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("product_id", String(36), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("last_order_id", String(36), nullable=False),
    Column("first_purchased_at", UTCDateTime(), nullable=False),
    Column("last_purchased_at", UTCDateTime(), nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
