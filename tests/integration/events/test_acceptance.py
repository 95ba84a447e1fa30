"""Acceptance: outbox → bus → inbox gives each committed event's effect exactly once.

1,000 events are written through the outbox in 100 transactions of 10; every other
transaction rolls back. Two relays publish concurrently; then a relay "crash" between
publish and mark is replayed (100 rows published twice). A consumer applies the effects
(inbox claim + effect row in one transaction), is killed mid-batch (SIGKILL of a real
process on Kafka, task cancellation in-process on the memory bus) and restarted. Exactly
the 500 committed events must have one effect each.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Table, select, update

from shopgraph.db import Database
from shopgraph.events import Event, EventBus, OutboxRelay, add_to_outbox
from shopgraph.events.memory import InMemoryBus
from tests.integration.events.conftest import COLUMNS
from tests.integration.events.effects_app import (
    DONE,
    THING,
    Counters,
    count,
    done,
    effects,
    make_handlers,
    outbox,
)
from workers.runtime import ConsumerRuntime

pytestmark = pytest.mark.integration

TRANSACTIONS, PER_TRANSACTION, KEYS = 100, 10, 20
STALL_AFTER = 150
REPO = Path(__file__).resolve().parents[3]


class Rollback(Exception):
    pass


async def write_events(db: Database, topic: str) -> set[str]:
    """100 transactions of 10 events; odd ones roll back. Returns the committed ids."""
    committed: set[str] = set()
    for t in range(TRANSACTIONS):
        batch = [
            Event.new(THING, f"agg-{(t * PER_TRANSACTION + i) % KEYS}", {"t": t, "i": i})
            for i in range(PER_TRANSACTION)
        ]
        try:
            async with db.transaction() as session:
                for event in batch:
                    await add_to_outbox(session, outbox, topic, event)
                if t % 2:
                    raise Rollback
        except Rollback:
            continue
        committed.update(e.id for e in batch)
    return committed


async def publish_everything(db: Database, bus: EventBus, topic: str) -> None:
    relays = [OutboxRelay(db, bus, outbox, batch_size=64) for _ in range(2)]
    published = await asyncio.gather(*(relay.publish_pending() for relay in relays))
    published_total = sum(published)
    published_total += await relays[0].publish_pending()  # whatever the lock made one skip
    assert published_total == TRANSACTIONS * PER_TRANSACTION // 2  # no row published twice

    # A relay that crashed after publishing but before marking: the rows go out again.
    hundredth = await _nth_seq(db, 100)
    async with db.transaction() as session:
        await session.execute(
            update(outbox).where(outbox.c.seq <= hundredth).values(published_at=None)
        )
    assert await relays[1].publish_pending() == 100

    async with db.transaction() as session:  # markers last: per-key order puts them at the end
        for k in range(KEYS):
            await add_to_outbox(session, outbox, topic, Event.new(DONE, f"agg-{k}", {}))
    assert await relays[0].publish_pending() == KEYS


async def _nth_seq(db: Database, n: int) -> int:
    async with db.session() as session:
        seqs = (await session.scalars(select(outbox.c.seq).order_by(outbox.c.seq))).all()
    return int(seqs[n - 1])


async def wait_for(db: Database, table: Table, at_least: int, seconds: float = 90) -> int:
    async with asyncio.timeout(seconds):
        while (n := await count(db, table)) < at_least:  # noqa: ASYNC110 - polling the DB
            await asyncio.sleep(0.05)
    return n


async def applied_ids(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.scalars(select(effects.c.event_id))).all())


async def consume_in_process(db: Database, bus: InMemoryBus, topic: str, group: str) -> Counters:
    counters = Counters()
    stalled = asyncio.Event()

    async def stall(applied: int) -> None:
        if applied >= STALL_AFTER:
            stalled.set()
            await asyncio.Event().wait()

    crashing = ConsumerRuntime(bus, group, [topic], make_handlers(db, topic, counters, stall))
    task = asyncio.create_task(crashing.run())
    async with asyncio.timeout(30):
        await stalled.wait()
    task.cancel()  # the crash: mid-batch, nothing committed for the batch in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await count(db, effects) == STALL_AFTER
    assert bus.lag(group, topic) > 0

    restarted = ConsumerRuntime(bus, group, [topic], make_handlers(db, topic, counters))
    task = asyncio.create_task(restarted.run())
    await wait_for(db, done, KEYS)
    await restarted.stop()
    await task
    assert bus.lag(group, topic) == 0
    return counters


def _spawn(db_url: str, bus_url: str, topic: str, group: str, stall: int) -> subprocess.Popen[str]:
    args = [db_url, bus_url, topic, group, str(stall)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.events.consumer_proc", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


async def consume_in_subprocesses(db: Database, bus_url: str, topic: str, group: str) -> Counters:
    # Short sessions so the group notices the killed member quickly (broker minimum: 6 s).
    separator = "&" if "?" in bus_url else "?"
    url = f"{bus_url}{separator}session_timeout_ms=6000&heartbeat_interval_ms=500"
    first = _spawn(db.url, url, topic, group, STALL_AFTER)
    try:
        await wait_for(db, effects, STALL_AFTER, seconds=60)
        first.send_signal(signal.SIGKILL)  # a real crash, mid-batch
        await asyncio.to_thread(first.wait, 10)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert STALL_AFTER <= await count(db, effects) < TRANSACTIONS * PER_TRANSACTION // 2

    second = _spawn(db.url, url, topic, group, 0)
    try:
        await wait_for(db, done, KEYS, seconds=90)
        second.send_signal(signal.SIGTERM)  # graceful: commits and leaves the group
        out, _ = await asyncio.to_thread(second.communicate, timeout=30)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0
    stats = json.loads(out.strip().splitlines()[-1])
    return Counters(applied=stats["applied"], absorbed=stats["absorbed"])


@COLUMNS
async def test_each_committed_event_has_its_effect_exactly_once_across_a_crash(
    db: Database, bus: EventBus, bus_url: str, topic: str
) -> None:
    committed = await write_events(db, topic)
    assert len(committed) == 500
    await publish_everything(db, bus, topic)
    group = f"{topic}-effects"

    if isinstance(bus, InMemoryBus):
        counters = await consume_in_process(db, bus, topic, group)
        assert counters.absorbed >= 100 + 1  # republished rows + the redelivered batch
    else:
        counters = await consume_in_subprocesses(db, bus_url, topic, group)
        assert counters.absorbed >= 1  # at least the effect applied in the killed batch

    ids = await applied_ids(db)
    assert len(ids) == 500
    assert len(set(ids)) == 500
    assert set(ids) == committed
    assert await count(db, done) == KEYS
