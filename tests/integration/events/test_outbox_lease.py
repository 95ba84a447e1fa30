"""The PostgreSQL outbox lease: one relay publishes an outbox, the others wake it or stand
by, and a standby takes over when the holder is SIGKILLed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.events import Event, EventBus, OutboxRelay, add_to_outbox
from tests.integration.events.effects_app import outbox

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
ON_POSTGRES = pytest.mark.parametrize(
    ("database_url", "bus_url"), [("postgres", "kafka")], indirect=True, ids=["postgres+kafka"]
)


async def write(db: Database, topic: str, events: list[Event]) -> None:
    async with db.transaction() as session:
        for event in events:
            await add_to_outbox(session, outbox, topic, event)


async def unpublished(db: Database) -> list[str]:
    async with db.session() as session:
        rows = await session.scalars(select(outbox.c.id).where(outbox.c.published_at.is_(None)))
        return list(rows.all())


async def received_ids(bus: EventBus, topic: str, expected: int) -> set[str]:
    consumer = bus.consumer([topic], f"{topic}-reader")
    await consumer.start()
    seen: set[str] = set()
    try:
        async with asyncio.timeout(60):
            while len(seen) < expected:
                seen |= {d.event.id for d in await consumer.getmany(0.5, 100) if d.event}
    finally:
        await consumer.stop()
    return seen


@asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[OutboxRelay]:
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        await relay.stop()
        await task


async def until_leading(relay: OutboxRelay) -> None:
    async with asyncio.timeout(60):  # a slow shared machine included
        while not relay.leading:  # noqa: ASYNC110 - leadership has no event to await
            await asyncio.sleep(0.05)


async def until_all_published(db: Database) -> None:
    async with asyncio.timeout(60):
        while await unpublished(db):  # noqa: ASYNC110 - polling the outbox
            await asyncio.sleep(0.05)


@ON_POSTGRES
async def test_a_subgraphs_commit_wakes_the_leading_relay_without_a_poll(
    db: Database, bus: EventBus, topic: str
) -> None:
    # Pollers that would not look again within the test: only the notification can wake it.
    leader = OutboxRelay(db, bus, outbox, poll_seconds=600, lead=True)
    borrower = OutboxRelay(db, bus, outbox, poll_seconds=600)
    async with running(leader):
        await until_leading(leader)
        events = [Event.new("Step", f"order-{i}", {"i": i}) for i in range(3)]
        await write(db, topic, events)
        # The subgraph's relay finds the lease held: it only notifies the holder.
        assert await borrower.publish_pending() == 0
        await until_all_published(db)
    assert await received_ids(bus, topic, 3) == {e.id for e in events}


@ON_POSTGRES
async def test_without_a_leader_a_subgraphs_relay_publishes_and_gives_the_lease_back(
    db: Database, bus: EventBus, topic: str
) -> None:
    events = [Event.new("Step", "order-1", {"i": i}) for i in range(4)]
    await write(db, topic, events)
    assert await OutboxRelay(db, bus, outbox).publish_pending() == 4
    later = OutboxRelay(db, bus, outbox, poll_seconds=0.05, lead=True)
    async with running(later):  # a worker started afterwards takes the lease
        await until_leading(later)
    assert await received_ids(bus, topic, 4) == {e.id for e in events}


def _spawn_leader(db_url: str, bus_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.events.relay_proc", db_url, bus_url],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@ON_POSTGRES
async def test_a_standby_takes_the_lease_over_when_the_holder_is_sigkilled(
    db: Database, bus: EventBus, bus_url: str, topic: str
) -> None:
    holder = _spawn_leader(db.url, bus_url)
    standby = OutboxRelay(db, bus, outbox, poll_seconds=0.1, lead=True)
    try:
        assert holder.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(holder.stdout.readline), 120)
        assert json.loads(line) == {"leading": True}
        before = [Event.new("Step", f"order-{i}", {"i": i}) for i in range(5)]
        async with running(standby):
            await write(db, topic, before)
            await until_all_published(db)
            assert not standby.leading  # the holder published them
            holder.send_signal(signal.SIGKILL)
            await asyncio.to_thread(holder.wait, 10)
            after = [Event.new("Step", f"order-{i}", {"i": i}) for i in range(5, 10)]
            await write(db, topic, after)
            await until_all_published(db)
            assert standby.leading
    finally:
        if holder.poll() is None:
            holder.kill()
    assert holder.returncode == -signal.SIGKILL
    assert await received_ids(bus, topic, 10) == {e.id for e in before + after}
