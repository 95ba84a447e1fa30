"""The kernel's outbox and inbox tables, attached to a service's own ``MetaData``.

Each service has its own database, so each calls these from its models module and its
Alembic migration creates them alongside the domain tables::

    metadata = new_metadata()
    outbox = outbox_table(metadata)
    inbox = inbox_table(metadata)
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

OUTBOX = "outbox"
INBOX = "inbox"

# SQLite only auto-increments an ``INTEGER PRIMARY KEY``; PostgreSQL gets a BIGINT identity.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData, name: str = OUTBOX) -> Table:
    """Rows written in the producer's transaction; the relay publishes them in ``seq`` order."""
    table = Table(
        name,
        metadata,
        Column("seq", _SEQ, primary_key=True, autoincrement=True),
        Column("id", String(36), nullable=False, unique=True),
        Column("topic", String(249), nullable=False),
        Column("key", String(255), nullable=False),
        Column("event", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )
    # Partial index: the relay's scan only ever touches unpublished rows.
    Index(
        f"ix_{name}_unpublished",
        table.c.seq,
        postgresql_where=table.c.published_at.is_(None),
        sqlite_where=table.c.published_at.is_(None),
    )
    return table


def inbox_table(metadata: MetaData, name: str = INBOX) -> Table:
    """One row per (consumer, event id) whose effect has been committed."""
    return Table(
        name,
        metadata,
        Column("consumer", String(200), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name=f"pk_{name}"),
    )
