"""search: categories, per-product versions, SQL index documents with full text

Revision ID: 0001_search_initial
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_search_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# SQLite: an external-content FTS5 table over search_documents, kept in step by triggers.
SQLITE_FULL_TEXT = (
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        name_terms, body_terms, name_words,
        content='search_documents', content_rowid='rowid', prefix='1 2 3')""",
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, name_terms, body_terms, name_words)
        VALUES (new.rowid, new.name_terms, new.body_terms, new.name_words);
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, name_terms, body_terms, name_words)
        VALUES ('delete', old.rowid, old.name_terms, old.body_terms, old.name_words);
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, name_terms, body_terms, name_words)
        VALUES ('delete', old.rowid, old.name_terms, old.body_terms, old.name_words);
        INSERT INTO search_fts(rowid, name_terms, body_terms, name_words)
        VALUES (new.rowid, new.name_terms, new.body_terms, new.name_words);
    END""",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
)

# PostgreSQL: generated tsvector columns ('simple': the text is already stemmed) + GIN.
POSTGRES_FULL_TEXT = (
    """ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_terms), 'A')
        || setweight(to_tsvector('simple', body_terms), 'B')) STORED""",
    """ALTER TABLE search_documents ADD COLUMN words_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', name_words)) STORED""",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
    "CREATE INDEX ix_search_documents_words_tsv ON search_documents USING gin (words_tsv)",
)


def upgrade() -> None:
    op.create_table(
        "search_categories",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("parent_id", sa.String(36), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_categories"),
    )
    op.create_table(
        "search_products",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("catalog_version", TS, nullable=True),
        sa.Column("stock_version", TS, nullable=True),
        sa.Column("rating_version", TS, nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("category_id", sa.String(36), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=True),
        sa.Column("available", sa.Integer(), nullable=True),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("rating_total", sa.Integer(), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("product_id", name="pk_search_products"),
    )
    op.create_index("ix_search_products_changed_at", "search_products", ["changed_at"])
    op.create_table(
        "search_documents",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("name_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.Column("name_words", sa.Text(), nullable=False),
        sa.Column("category_id", sa.String(36), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("created_micros", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", name="pk_search_documents"),
    )
    op.create_index("ix_search_documents_price", "search_documents", ["price_minor", "product_id"])
    op.create_index(
        "ix_search_documents_created", "search_documents", ["created_micros", "product_id"]
    )
    op.create_index("ix_search_documents_rating", "search_documents", ["rating", "product_id"])
    op.create_index("ix_search_documents_category", "search_documents", ["category_id"])
    op.create_table(
        "search_document_attributes",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint(
            "product_id", "name", "value", name="pk_search_document_attributes"
        ),
    )
    op.create_index(
        "ix_search_document_attributes_name_value",
        "search_document_attributes",
        ["name", "value", "product_id"],
    )
    statements = SQLITE_FULL_TEXT if op.get_bind().dialect.name == "sqlite" else POSTGRES_FULL_TEXT
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts_vocab")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_document_attributes")
    op.drop_table("search_documents")
    op.drop_table("search_products")
    op.drop_table("search_categories")
