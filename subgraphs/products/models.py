"""The products service's tables (its own database; nobody else reads them).

* ``categories`` — the category tree (``parent_id`` → ``categories.id``); ``slug`` unique.
* ``products`` — one row per product; ``sku`` (normalised upper-case) and ``slug`` unique.
  Money is ``price_minor`` (integer minor units) + ``currency``. ``images`` and
  ``attributes`` are small ordered JSON lists owned by the product (never queried by
  content, so a JSON column keeps a product one row: one statement per batch of products).
  ``sort_name`` is the case-folded name the NAME sort uses; on PostgreSQL it has the ``C``
  collation so both backends order it by code point, like Python does.
* ``outbox`` / ``inbox`` — the kernel's event tables (:mod:`shopgraph.events.tables`).

Foreign keys are ``RESTRICT``: a category with products or children cannot be deleted, even
by a transaction racing the check in :mod:`subgraphs.products.categories`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

NAME_MAX = 200
SLUG_MAX = 220
SKU_MAX = 64
CATEGORY_NAME_MAX = 100
DESCRIPTION_MAX = 10_000

# Code-point order on both backends (SQLite's default BINARY collation is already that).
SORT_NAME_TYPE = String(NAME_MAX).with_variant(String(NAME_MAX, collation="C"), "postgresql")


metadata = new_metadata()

categories = Table(
    "categories",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(CATEGORY_NAME_MAX), nullable=False),
    Column("slug", String(SLUG_MAX), nullable=False),
    Column("description", Text, nullable=True),
    Column(
        "parent_id",
        String(36),
        ForeignKey("categories.id", ondelete="RESTRICT"),
        nullable=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
Index("uq_categories_slug", categories.c.slug, unique=True)
Index("ix_categories_parent_id", categories.c.parent_id)

products = Table(
    "products",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("sort_name", SORT_NAME_TYPE, nullable=False),
    Column("slug", String(SLUG_MAX), nullable=False),
    Column("sku", String(SKU_MAX), nullable=False),
    Column("description", Text, nullable=True),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("weight_grams", Integer, nullable=True),
    Column("images", JSON, nullable=False),
    Column("attributes", JSON, nullable=False),
    Column(
        "category_id",
        String(36),
        ForeignKey("categories.id", ondelete="RESTRICT"),
        nullable=True,
    ),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
Index("uq_products_sku", products.c.sku, unique=True)
Index("uq_products_slug", products.c.slug, unique=True)
Index("ix_products_category_id", products.c.category_id)
# Keyset pagination: one index per sort, the id as tie-breaker.
Index("ix_products_sort_name", products.c.sort_name, products.c.id)
Index("ix_products_price", products.c.price_minor, products.c.id)
Index("ix_products_created_at", products.c.created_at, products.c.id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
