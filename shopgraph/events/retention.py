"""Retention: delete published outbox rows and inbox rows older than a window, in batches.

Both tables only grow otherwise: the relay marks outbox rows ``published_at`` and keeps
them; every handled event leaves an inbox row. Neither is needed for long: a published row
was acknowledged by the bus, and an inbox row only has to outlive redeliveries of its event
(the bus's own retention, Kafka's 7 days by default). So the default window is 7 days
(``SHOPGRAPH_EVENT_RETENTION_DAYS``); an unpublished outbox row is never deleted.

Each batch is one short transaction (``SHOPGRAPH_RETENTION_BATCH_SIZE`` rows, by primary
key), so a large backlog never holds a long lock. :class:`RetentionJob` runs a round every
``SHOPGRAPH_RETENTION_INTERVAL_SECONDS`` through :class:`~shopgraph.periodic.Periodic`:
every process that holds a service's database with an outbox runs it
(:class:`~shopgraph.resources.ServiceResources`, app and worker alike), and the consumers
with a database of their own (notifications, analytics) run it in their worker group.
Running it in several processes at once is safe: deleting the same rows twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, select, tuple_

from shopgraph.db import Database
from shopgraph.logging import get_logger
from shopgraph.periodic import Periodic
from shopgraph.settings import Settings

log = get_logger(__name__)


async def purge_published_outbox(
    db: Database, outbox: Table, older_than: datetime, batch_size: int
) -> int:
    """Delete outbox rows published before ``older_than``; how many were deleted."""
    stale = (
        select(outbox.c.seq)
        .where(outbox.c.published_at.is_not(None), outbox.c.published_at < older_than)
        .order_by(outbox.c.seq)
        .limit(batch_size)
    )

    def matching(rows: Sequence[Any]) -> ColumnElement[bool]:
        return outbox.c.seq.in_([row.seq for row in rows])

    return await _delete_in_batches(db, outbox, stale, matching, batch_size)


async def purge_inbox(db: Database, inbox: Table, older_than: datetime, batch_size: int) -> int:
    """Delete inbox rows processed before ``older_than``; how many were deleted."""
    stale = (
        select(inbox.c.consumer, inbox.c.event_id)
        .where(inbox.c.processed_at < older_than)
        .limit(batch_size)
    )

    def matching(rows: Sequence[Any]) -> ColumnElement[bool]:
        keys = [(row.consumer, row.event_id) for row in rows]
        return tuple_(inbox.c.consumer, inbox.c.event_id).in_(keys)

    return await _delete_in_batches(db, inbox, stale, matching, batch_size)


async def _delete_in_batches(
    db: Database,
    table: Table,
    stale: Select[Any],
    matching: Callable[[Sequence[Any]], ColumnElement[bool]],
    batch_size: int,
) -> int:
    total = 0
    while True:
        async with db.transaction() as session:
            rows = (await session.execute(stale)).all()
            if rows:
                await session.execute(delete(table).where(matching(rows)))
        total += len(rows)
        if len(rows) < batch_size:
            return total


@dataclass
class RetentionJob:
    """One database's outbox and/or inbox, purged every ``interval_seconds``."""

    name: str
    db: Database
    outbox: Table | None
    inbox: Table | None
    window: timedelta
    batch_size: int
    interval_seconds: float

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        name: str,
        db: Database,
        *,
        outbox: Table | None,
        inbox: Table | None,
    ) -> RetentionJob:
        return cls(
            name=name,
            db=db,
            outbox=outbox,
            inbox=inbox,
            window=timedelta(days=settings.event_retention_days),
            batch_size=settings.retention_batch_size,
            interval_seconds=settings.retention_interval_seconds,
        )

    async def run_once(self, now: datetime | None = None) -> tuple[int, int]:
        """One round: (outbox rows deleted, inbox rows deleted)."""
        cutoff = (now or datetime.now(UTC)) - self.window
        published = 0
        processed = 0
        if self.outbox is not None:
            published = await purge_published_outbox(self.db, self.outbox, cutoff, self.batch_size)
        if self.inbox is not None:
            processed = await purge_inbox(self.db, self.inbox, cutoff, self.batch_size)
        if published or processed:
            log.info("retention_purged", job=self.name, outbox=published, inbox=processed)
        return published, processed

    def periodic(self) -> Periodic:
        """Every ``interval_seconds``, the first round one interval after start (a restart
        loop never turns into a purge loop)."""
        return Periodic(
            f"retention:{self.name}",
            self.run_once,
            self.interval_seconds,
            first_delay=self.interval_seconds,
        )
