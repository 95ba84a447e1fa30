"""Consumer-side de-duplication: claim an event id inside the effect's transaction.

A handler that writes to its database does::

    async with db.transaction() as session:
        if not await claim(session, inbox, "inventory.reservations", event.id):
            return  # already applied: a redelivery
        ... apply the effect ...

The claim and the effect commit (or roll back) together, so a redelivered event has its
effect exactly once. The (consumer, event_id) primary key makes it safe under concurrency:
on PostgreSQL a second concurrent claim waits for the first transaction and then sees the
conflict; on SQLite writers are serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import insert_if_absent


async def claim(session: AsyncSession, inbox: Table, consumer: str, event_id: str) -> bool:
    """Record that ``consumer`` processes ``event_id``; False if it already did."""
    values = {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}
    return await insert_if_absent(session, inbox, values, unique=("consumer", "event_id"))


async def claim_many(
    session: AsyncSession, inbox: Table, consumer: str, event_ids: Sequence[str]
) -> set[str]:
    """:func:`claim` for several events at once (one statement on PostgreSQL); the ids
    ``consumer`` had not processed yet. An id given twice is claimed once."""
    unique_ids = list(dict.fromkeys(event_ids))
    if not unique_ids:
        return set()
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return {i for i in unique_ids if await claim(session, inbox, consumer, i)}
    now = datetime.now(UTC)
    statement = (
        postgresql.insert(inbox)
        .values([{"consumer": consumer, "event_id": i, "processed_at": now} for i in unique_ids])
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(inbox.c.event_id)
    )
    return set((await session.execute(statement)).scalars())
