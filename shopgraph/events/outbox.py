"""Transactional outbox: events are rows written with the domain change, published later.

Producer side, inside the unit of work::

    async with db.transaction() as session:
        session.add(order)  # or an insert
        await add_to_outbox(session, outbox, "orders", Event.new("OrderCreated", order_id, {...}))

The :class:`OutboxRelay` publishes unpublished rows in ``seq`` order and marks them
published only after the bus acknowledged them: at-least-once. A crash between the publish
and the mark publishes the rows again; consumers' inboxes absorb the duplicates.

Several relays may run against one PostgreSQL database: each batch is taken under a
transaction-scoped advisory lock (one relay publishes at a time, so the topic order follows
``seq``) and with ``SELECT ... FOR UPDATE SKIP LOCKED`` (a row is never in two relays'
batches). A relay woken while another publishes waits for that batch (up to
:data:`LOCK_WAIT`) and then publishes what is left, rather than sleeping a poll interval.
On SQLite, :class:`~shopgraph.db.Database` serialises writers in-process, so a
batch holds the write lock while the bus acknowledges it (a few milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.bus import EventBus
from shopgraph.events.envelope import Event
from shopgraph.events.tracing import producer_spans
from shopgraph.logging import get_logger
from shopgraph.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE

log = get_logger(__name__)

# How long a relay waits for another relay's batch before giving this round up.
LOCK_WAIT: Final = "2s"


async def add_to_outbox(session: AsyncSession, table: Table, topic: str, event: Event) -> None:
    """Insert ``event`` for ``topic`` in the caller's transaction (it commits with it)."""
    await session.execute(
        table.insert().values(
            id=event.id,
            topic=topic,
            key=event.aggregate_id,
            event=event.to_bytes(),
            created_at=datetime.now(UTC),
        )
    )


class OutboxRelay:
    """Publishes a service's outbox rows to the bus; ``run()`` until ``stop()``."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        table: Table,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
        service: str = "",
    ) -> None:
        self.db = db
        self.bus = bus
        self.table = table
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.service = service or table.name  # the metrics label
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        # Lock key: one per outbox table name, shared by all relays of that database.
        self._lock_key = zlib.crc32(f"shopgraph.outbox.{table.name}".encode()) & 0x7FFFFFFF

    async def publish_pending(self) -> int:
        """Publish every unpublished row now; returns how many were published."""
        total = 0
        while True:
            published = await self._publish_batch()
            total += published
            if published < self.batch_size:
                # Caught up: nothing is waiting (rows a concurrent relay holds are its own).
                OUTBOX_BACKLOG.labels(self.service).set(0)
                OUTBOX_OLDEST_AGE.labels(self.service).set(0)
                return total

    async def _measure_backlog(self) -> None:
        """Set the backlog gauges while publishing fails: unpublished rows, oldest row's age.

        A relay that keeps up sets them to 0 without asking the database."""
        table = self.table
        try:
            async with self.db.session() as session:
                row = (
                    await session.execute(
                        select(func.count(), func.min(table.c.created_at)).where(
                            table.c.published_at.is_(None)
                        )
                    )
                ).one()
        except Exception as exc:  # the database is what failed: keep the last reading
            log.warning("outbox_backlog_unavailable", table=table.name, error=str(exc))
            return
        count, oldest = row[0], row[1]
        OUTBOX_BACKLOG.labels(self.service).set(count)
        age = 0.0
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            age = max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        OUTBOX_OLDEST_AGE.labels(self.service).set(age)

    async def run(self) -> None:
        """Poll and publish until :meth:`stop`; bus or database errors are logged and retried."""
        self._running = True
        self._finished.clear()
        try:
            await self._loop()
        finally:
            self._running = False
            self._finished.set()

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wakeup.clear()  # a wake() during the publish below triggers another round
            try:
                await self.publish_pending()
            except Exception:
                log.exception(
                    "outbox_relay_failed", table=self.table.name, retry_in=self.poll_seconds
                )
                await self._measure_backlog()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_seconds)

    def wake(self) -> None:
        """Publish now instead of at the next poll (e.g. right after a commit)."""
        self._wakeup.set()

    async def stop(self) -> None:
        """Stop after the batch in flight (it is published and marked) and wait for it."""
        self._stopping.set()
        self._wakeup.set()
        if self._running:
            await self._finished.wait()

    async def _wait_for_turn(self, session: AsyncSession) -> None:
        """Take the outbox's advisory lock, waiting for another relay's batch; raises
        :class:`_OtherRelayPublishing` if that takes longer than :data:`LOCK_WAIT`."""
        await session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
        try:
            await session.execute(select(func.pg_advisory_xact_lock(text(str(self._lock_key)))))
        except DBAPIError as exc:
            if _sqlstate(exc) == LOCK_NOT_AVAILABLE:
                raise _OtherRelayPublishing from exc
            raise

    async def _publish_batch(self) -> int:
        try:
            return await self._publish_batch_in_turn()
        except _OtherRelayPublishing:
            return 0  # it publishes these rows; the next wake or poll looks again

    async def _publish_batch_in_turn(self) -> int:
        table = self.table
        async with self.db.transaction() as session:
            if self.db.is_postgres:
                await self._wait_for_turn(session)
            query = (
                select(table.c.seq, table.c.topic, table.c.event)
                .where(table.c.published_at.is_(None))
                .order_by(table.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            )
            rows = (await session.execute(query)).all()
            if not rows:
                return 0
            messages = [(row.topic, Event.from_bytes(row.event)) for row in rows]
            with producer_spans(messages) as stamped:
                await self.bus.publish_many(stamped)
            await session.execute(
                update(table)
                .where(table.c.seq.in_([row.seq for row in rows]))
                .values(published_at=datetime.now(UTC))
            )
            return len(rows)


LOCK_NOT_AVAILABLE: Final = "55P03"


class _OtherRelayPublishing(Exception):
    """Another relay held this outbox's lock for longer than :data:`LOCK_WAIT`."""


def _sqlstate(exc: DBAPIError) -> str | None:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return str(code) if code is not None else None
