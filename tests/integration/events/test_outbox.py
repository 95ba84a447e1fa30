"""Outbox writes and the relay on both columns."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import event as sqlalchemy_events
from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.events import Event, EventBus, OutboxRelay, add_to_outbox
from shopgraph.events.memory import memory_bus
from tests.integration.events.conftest import COLUMNS
from tests.integration.events.effects_app import metadata, outbox

pytestmark = pytest.mark.integration


class Boom(Exception):
    pass


@COLUMNS
async def test_relay_loop_publishes_committed_rows_in_order_per_key(
    db: Database, bus: EventBus, topic: str
) -> None:
    consumer = bus.consumer([topic], f"{topic}-reader")
    await consumer.start()
    relay = OutboxRelay(db, bus, outbox, poll_seconds=0.05, batch_size=7)
    running = asyncio.create_task(relay.run())
    sent: list[Event] = []
    try:
        for t in range(6):
            events = [Event.new("Step", f"cart-{i % 3}", {"t": t, "i": i}) for i in range(5)]
            try:
                async with db.transaction() as session:
                    for event in events:
                        await add_to_outbox(session, outbox, topic, event)
                    if t == 3:
                        raise Boom
            except Boom:
                continue
            sent += events
            relay.wake()
        received: list[Event] = []
        async with asyncio.timeout(60):
            while len(received) < len(sent):
                batch = await consumer.getmany(0.5, 100)
                received += [d.event for d in batch if d.event is not None]
                await consumer.commit(batch)
    finally:
        await relay.stop()
        await running
        await consumer.stop()

    assert sorted(e.id for e in received) == sorted(e.id for e in sent)
    assert {e.id: e for e in received} == {e.id: e for e in sent}  # envelopes intact
    order: dict[str, list[str]] = defaultdict(list)
    for event in received:
        order[event.aggregate_id].append(event.id)
    for key, ids in order.items():
        assert ids == [e.id for e in sent if e.aggregate_id == key]
    async with db.session() as session:
        unpublished = await session.scalars(
            select(outbox.c.id).where(outbox.c.published_at.is_(None))
        )
        assert unpublished.all() == []


class _HeldBus:
    """A bus whose ``publish_many`` waits for ``release``: a relay caught mid-batch."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.publishing = asyncio.Event()
        self.release = asyncio.Event()

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        self.publishing.set()
        await self.release.wait()
        await self.bus.publish_many(messages)


@pytest.mark.parametrize(
    ("database_url", "bus_url"), [("postgres", "memory")], indirect=True, ids=["postgres"]
)
async def test_a_relay_woken_while_another_publishes_leaves_its_rows_to_that_one(
    db: Database, bus: EventBus, topic: str
) -> None:
    async def write(event: Event) -> None:
        async with db.transaction() as session:
            await add_to_outbox(session, outbox, topic, event)

    first, second = Event.new("Step", "a", {}), Event.new("Step", "b", {})
    held = _HeldBus(bus)
    busy = OutboxRelay(db, held, outbox)  # type: ignore[arg-type]
    woken = OutboxRelay(db, bus, outbox)
    await write(first)
    busy_batch = asyncio.create_task(busy.publish_pending())
    await held.publishing.wait()
    await write(second)  # committed while the other relay holds the outbox
    assert await woken.publish_pending() == 0  # gives up at once instead of queueing
    held.release.set()

    assert await busy_batch == 2  # the holder looked again after its batch: not a poll later
    consumer = bus.consumer([topic], f"{topic}-reader")
    await consumer.start()
    received = [d.event.id for d in await consumer.getmany(0.5, 10) if d.event is not None]
    await consumer.stop()
    assert sorted(received) == sorted([first.id, second.id])


async def test_on_sqlite_a_short_batch_costs_the_relay_no_second_look(
    tmp_path: Path, topic: str
) -> None:
    """make dev's relays run a round per commit: one transaction, not one plus a read."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}")
    bus = memory_bus(f"memory://{topic}")
    statements: list[str] = []
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        async with db.transaction() as session:
            for i in range(3):
                await add_to_outbox(session, outbox, topic, Event.new("Step", f"cart-{i}", {}))
        sqlalchemy_events.listen(
            db.engine.sync_engine,
            "before_cursor_execute",
            lambda _conn, _cursor, sql, *_rest: statements.append(sql.split()[0].upper()),
        )
        assert await OutboxRelay(db, bus, outbox, batch_size=10).publish_pending() == 3
    finally:
        await db.dispose()
    assert statements == ["SELECT", "UPDATE"]
    assert bus.lag("nobody", topic) == 3  # all three are on the bus


class _CountingBus:
    """A bus that records how many events each ``publish_many`` (one produce request) sent."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.sends: list[int] = []

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        self.sends.append(len(messages))
        await self.bus.publish_many(messages)


@pytest.mark.parametrize(
    ("database_url", "bus_url"), [("sqlite", "memory")], indirect=True, ids=["sqlite+memory"]
)
async def test_commits_woken_during_the_linger_go_out_in_one_send(
    db: Database, bus: EventBus, topic: str
) -> None:
    counting = _CountingBus(bus)
    # A long linger, so the burst's commits surely fit in it however slow the machine is.
    relay = OutboxRelay(db, counting, outbox, poll_seconds=60, linger_seconds=2)  # type: ignore[arg-type]
    running = asyncio.create_task(relay.run())
    burst = [Event.new("Step", f"order-{i}", {"i": i}) for i in range(5)]
    try:
        async with asyncio.timeout(30):
            while relay.rounds < 1:  # noqa: ASYNC110 - the start-up round publishes at once
                await asyncio.sleep(0.01)
        for event in burst:  # one transaction per commit, as one order per checkout
            async with db.transaction() as session:
                await add_to_outbox(session, outbox, topic, event)
            relay.wake()
        async with asyncio.timeout(30):
            while sum(counting.sends) < len(burst):  # noqa: ASYNC110 - waiting for the relay
                await asyncio.sleep(0.05)
    finally:
        await relay.stop()
        await running

    assert counting.sends == [len(burst)]
