"""Transactional outbox: events are rows written with the domain change, published later.

Producer side, inside the unit of work::

    async with db.transaction() as session:
        session.add(order)  # or an insert
        await add_to_outbox(session, outbox, "orders", Event.new("OrderCreated", order_id, {...}))

The :class:`OutboxRelay` publishes unpublished rows in ``seq`` order and marks them
published only after the bus acknowledged them: at-least-once. A crash between the publish
and the mark publishes the rows again; consumers' inboxes absorb the duplicates.

On PostgreSQL several processes run a relay on one outbox (a subgraph and its worker
group): one of them holds the outbox's lease and publishes, the others wake it with a
notification (:mod:`shopgraph.events.outbox_lease`), so the topic order follows ``seq`` and
a relay's connection is its own, never one request work waits for. A woken relay lingers
``linger_seconds`` (10 ms) first, so a burst of commits is one round and one produce request
rather than one per commit.
On SQLite (one process, ``make dev``), :class:`~shopgraph.db.Database` serialises writers
in-process, so a batch holds the write lock while the bus acknowledges it (a few
milliseconds) and relays need no lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.bus import EventBus
from shopgraph.events.envelope import Event
from shopgraph.events.outbox_lease import OutboxLease
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
    """Publishes a service's outbox rows to the bus; ``run()`` until ``stop()``.

    ``lead``: on PostgreSQL, keep the outbox's lease and publish for every process (worker
    groups); otherwise borrow it per round and leave the publishing to a leader when one
    runs (subgraphs, whose event loops serve requests). See
    :mod:`shopgraph.events.outbox_lease`."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        table: Table,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
        service: str = "",
        linger_seconds: float = PUBLISH_LINGER_SECONDS,
        *,
        lead: bool = False,
    ) -> None:
        self.db = db
        self.bus = bus
        self.table = table
        self.poll_seconds = poll_seconds
        self.linger_seconds = linger_seconds
        self.batch_size = batch_size
        self.service = service or table.name  # the metrics label
        self.lead = lead
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        self.rounds = 0  # publishing rounds run() has finished (woken, polled or the first)
        # Lease key: one per outbox table name, shared by all relays of that database.
        lock_key = zlib.crc32(f"shopgraph.outbox.{table.name}".encode()) & 0x7FFFFFFF
        self._lease = (
            OutboxLease(db.url, table.name, lock_key, self.wake) if db.is_postgres else None
        )

    @property
    def leading(self) -> bool:
        """Whether this relay holds the outbox's lease now (PostgreSQL)."""
        return self._lease is not None and self._lease.held

    async def publish_pending(self, *, known_pending: bool = True) -> int:
        """Publish every unpublished row now; returns how many this relay published (0 when
        another relay holds the outbox: that one publishes them). ``known_pending=False``
        (a poll) first looks whether anything waits."""
        try:
            if self._lease is None:
                total = await self._publish_local(known_pending)
            elif self.lead:
                total = await self._publish_leading(self._lease, known_pending)
            else:
                total = await self._publish_borrowed(self._lease, known_pending)
        finally:
            if not self._running and self._lease is not None:
                await self._lease.close()  # a one-shot call leaves no connection behind
        OUTBOX_BACKLOG.labels(self.service).set(0)
        OUTBOX_OLDEST_AGE.labels(self.service).set(0)
        return total

    async def _publish_leading(self, lease: OutboxLease, woken: bool) -> int:
        if not lease.held:
            # A woken standby's commit may be for a leader that holds the lease: notify it.
            if not await lease.try_acquire(notify=woken):
                return 0
            await lease.listen()
            woken = True  # a new leader publishes what waited for it
        if not woken and not await lease.has_unpublished():
            return 0
        return await self._publish_held(lease)

    async def _publish_borrowed(self, lease: OutboxLease, woken: bool) -> int:
        total = 0
        if not woken and not await lease.has_unpublished():
            return 0
        while await lease.try_acquire(notify=woken):
            try:
                total += await self._publish_held(lease)
            finally:
                await lease.release()
            # Rows whose relay found the lease taken meanwhile: nobody else will look.
            if not await lease.has_unpublished():
                break
            woken = False
        return total

    async def _publish_held(self, lease: OutboxLease) -> int:
        """Every unpublished row, batch by batch, by the lease holder."""
        total = 0
        while True:
            rows = await lease.unpublished(self.batch_size)
            if rows:
                await self._send([(row["topic"], row["event"]) for row in rows])
                await lease.mark_published([row["seq"] for row in rows])
            total += len(rows)
            if len(rows) < self.batch_size:
                return total

    async def _send(self, rows: Sequence[tuple[str, bytes]]) -> None:
        messages = [(topic, Event.from_bytes(event)) for topic, event in rows]
        with producer_spans(messages) as stamped:
            await self.bus.publish_many(stamped)

    async def _publish_local(self, known_pending: bool) -> int:
        """SQLite: writers are serialised in-process, so a batch short of full took every
        row committed before it, and later committers wake their relay."""
        total = 0
        pending = known_pending or await self._has_unpublished()
        while pending:
            published = await self._publish_batch()
            total += published
            pending = published == self.batch_size
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
            if self._lease is not None:
                await self._lease.close()  # frees the lease for a standby at once
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
                if self._lease is not None:
                    self._lease.drop_if_broken()
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

    async def stop(self) -> None:
        """Stop after the batch in flight (it is published and marked) and wait for it."""
        self._stopping.set()
        self._wakeup.set()
        if self._running:
            await self._finished.wait()

    async def _publish_batch(self) -> int:
        """One batch in one transaction (SQLite)."""
        table = self.table
        async with self.db.transaction() as session:
            query = (
                select(table.c.seq, table.c.topic, table.c.event)
                .where(table.c.published_at.is_(None))
                .order_by(table.c.seq)
                .limit(self.batch_size)
            )
            rows = (await session.execute(query)).all()
            if not rows:
                return 0
            await self._send([(row.topic, row.event) for row in rows])
            await session.execute(
                update(table)
                .where(table.c.seq.in_([row.seq for row in rows]))
                .values(published_at=datetime.now(UTC))
            )
            return len(rows)
