"""The search service's tables (its own database).

* ``search_categories`` — the category tree as the catalog's events describe it: filters
  expand a category to its descendants, facets roll counts up and label them.
* ``search_products`` — the per-product version table: the newest state seen from each
  source (catalog ``updatedAt``, stock and rating event times) and a ``revision`` that grows
  with every change. Events older than the stored version change nothing, so replays and
  out-of-order delivery never bring an older state back.
* ``search_documents`` / ``search_document_attributes`` — the SQL index adapter's documents
  (unused with Elasticsearch). Migrations add the full-text part per dialect: an FTS5
  table kept by triggers on SQLite, generated ``tsvector`` columns on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from shopgraph.db import UTCDateTime, new_metadata

metadata = new_metadata()

categories = Table(
    "search_categories",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("parent_id", String(36), nullable=True),
    Column("deleted", Boolean, nullable=False),
    Column("version", UTCDateTime(), nullable=False),
)

products = Table(
    "search_products",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("catalog_version", UTCDateTime(), nullable=True),
    Column("stock_version", UTCDateTime(), nullable=True),
    Column("rating_version", UTCDateTime(), nullable=True),
    Column("name", String(200), nullable=True),
    Column("description", Text, nullable=True),
    Column("status", String(16), nullable=True),
    Column("category_id", String(36), nullable=True),
    Column("price_minor", BigInteger, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("attributes", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=True),
    Column("available", Integer, nullable=True),
    Column("rating_count", Integer, nullable=False),
    Column("rating_total", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)
Index("ix_search_products_changed_at", products.c.changed_at)

documents = Table(
    "search_documents",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("searchable", Boolean, nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("name_terms", Text, nullable=False),
    Column("body_terms", Text, nullable=False),
    Column("name_words", Text, nullable=False),
    Column("category_id", String(36), nullable=True),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("in_stock", Boolean, nullable=False),
    Column("rating", Float, nullable=False),
    Column("rating_count", Integer, nullable=False),
    Column("created_micros", BigInteger, nullable=False),
)
Index("ix_search_documents_price", documents.c.price_minor, documents.c.product_id)
Index("ix_search_documents_created", documents.c.created_micros, documents.c.product_id)
Index("ix_search_documents_rating", documents.c.rating, documents.c.product_id)
Index("ix_search_documents_category", documents.c.category_id)

document_attributes = Table(
    "search_document_attributes",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("value", String(500), primary_key=True),
)
Index("ix_search_document_attributes_name_value", document_attributes.c.name,
      document_attributes.c.value, document_attributes.c.product_id)  # fmt: skip
