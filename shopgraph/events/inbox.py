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

from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import insert_if_absent


async def claim(session: AsyncSession, inbox: Table, consumer: str, event_id: str) -> bool:
    """Record that ``consumer`` processes ``event_id``; False if it already did."""
    values = {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}
    return await insert_if_absent(session, inbox, values, unique=("consumer", "event_id"))
