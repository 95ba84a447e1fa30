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
batches). The lock is only *tried*: a relay that finds it taken gives the round up at the
cost of one statement, because the holder publishes its rows. The holder cannot have missed
them: after each batch it releases the lock and then looks (one plain read) for unpublished
rows, and rows committed before another relay's failed try are visible to that read. A
relay polls with the same read, so an idle outbox costs no lock and no transaction. A woken
relay lingers ``linger_seconds`` (10 ms) first, so a burst of commits is one round and one
produce request rather than one per commit.
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
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.bus import EventBus
from shopgraph.events.envelope import Event
from shopgraph.events.tracing import producer_spans
from shopgraph.logging import get_logger
from shopgraph.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE

log = get_logger(__name__)


def outbox_row(topic: str, event: Event) -> dict[str, object]:
    """The outbox row that publishes ``event`` on ``topic`` (for a statement that writes it
    together with other rows; :func:`add_to_outbox` otherwise)."""
    return {
        "id": event.id,
        "topic": topic,
        "key": event.aggregate_id,
        "event": event.to_bytes(),
        "created_at": datetime.now(UTC),
    }


async def add_to_outbox(session: AsyncSession, table: Table, topic: str, event: Event) -> None:
    """Insert ``event`` for ``topic`` in the caller's transaction (it commits with it)."""
    await session.execute(table.insert().values(outbox_row(topic, event)))


# A woken relay waits this long before its round, so the commits of a burst go out as one
# produce request (and one wake-up of every group on the topic) instead of one each.
PUBLISH_LINGER_SECONDS: Final = 0.01


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
        linger_seconds: float = PUBLISH_LINGER_SECONDS,
    ) -> None:
        self.db = db
        self.bus = bus
        self.table = table
        self.poll_seconds = poll_seconds
        self.linger_seconds = linger_seconds
        self.batch_size = batch_size
        self.service = service or table.name  # the metrics label
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        self.rounds = 0  # publishing rounds run() has finished (woken, polled or the first)
        # Lock key: one per outbox table name, shared by all relays of that database.
        self._lock_key = zlib.crc32(f"shopgraph.outbox.{table.name}".encode()) & 0x7FFFFFFF

    async def publish_pending(self, *, known_pending: bool = True) -> int:
        """Publish every unpublished row now; returns how many this relay published (rows
        another relay is publishing meanwhile are that one's). ``known_pending=False`` (a
        poll) first looks without a lock whether anything waits."""
        total, empty_rounds = 0, 0
        pending = known_pending or await self._has_unpublished()
        while pending:
            published = await self._publish_batch()
            if published is None:
                return total  # another relay holds the outbox: it publishes what is left
            total += published
            empty_rounds = empty_rounds + 1 if published == 0 else 0
            # Read after the lock is released: sees every row whose relay gave up meanwhile.
            # Twice nothing under the lock while the read sees rows: a foreign row lock;
            # leave those rows to the next poll rather than spin. On SQLite no relay gives
            # up (the batch waits for the file's one writer): a batch short of full took
            # every row committed before it, and later committers wake their relay.
            pending = published == self.batch_size or (
                not self.db.is_sqlite and empty_rounds < 2 and await self._has_unpublished()
            )
        OUTBOX_BACKLOG.labels(self.service).set(0)
        OUTBOX_OLDEST_AGE.labels(self.service).set(0)
        return total

    async def _has_unpublished(self) -> bool:
        table = self.table
        async with self.db.read() as session:
            found = await session.scalar(
                select(table.c.seq).where(table.c.published_at.is_(None)).limit(1)
            )
        return found is not None

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
        woken = True  # the first round publishes what accumulated while no relay ran
        while not self._stopping.is_set():
            self._wakeup.clear()  # a wake() during the publish below triggers another round
            try:
                await self.publish_pending(known_pending=woken)
            except Exception:
                log.exception(
                    "outbox_relay_failed", table=self.table.name, retry_in=self.poll_seconds
                )
                await self._measure_backlog()
            self.rounds += 1
            woken = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_seconds)
                woken = True
            if woken and self.linger_seconds > 0 and not self._stopping.is_set():
                await asyncio.sleep(self.linger_seconds)  # the burst's other commits join in

    def wake(self) -> None:
        """Publish now instead of at the next poll (e.g. right after a commit)."""
        self._wakeup.set()

    async def _try_lock(self, session: AsyncSession) -> bool:
        """The outbox's transaction-scoped advisory lock, if no other relay holds it."""
        lock = func.pg_try_advisory_xact_lock(text(str(self._lock_key)))
        return bool(await session.scalar(select(lock)))

    async def stop(self) -> None:
        """Stop after the batch in flight (it is published and marked) and wait for it."""
        self._stopping.set()
        self._wakeup.set()
        if self._running:
            await self._finished.wait()

    async def _publish_batch(self) -> int | None:
        """One batch under the outbox's lock; None if another relay holds it."""
        table = self.table
        async with self.db.transaction() as session:
            if self.db.is_postgres and not await self._try_lock(session):
                return None
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
