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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


async def claim(session: AsyncSession, inbox: Table, consumer: str, event_id: str) -> bool:
    """Record that ``consumer`` processes ``event_id``; False if it already did."""
    values = {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        pg_stmt = (
            postgresql.insert(inbox)
            .values(values)
            .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
            .returning(inbox.c.event_id)
        )
        return (await session.execute(pg_stmt)).first() is not None
    if dialect == "sqlite":
        lite_stmt = sqlite.insert(inbox).values(values).on_conflict_do_nothing()
        lite_result = await session.execute(lite_stmt)
        return bool(getattr(lite_result, "rowcount", 0) == 1)
    try:  # any other dialect: rely on the primary key inside a savepoint
        async with session.begin_nested():
            await session.execute(inbox.insert().values(values))
    except IntegrityError:
        return False
    return True
