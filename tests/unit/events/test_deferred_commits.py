"""Offsets of applied events are committed at most every interval, when idle and on a
graceful stop; a crash in between redelivers them (the inbox absorbs that)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from shopgraph.events import Event, HandlerRegistry
from shopgraph.events.bus import Delivery
from shopgraph.events.memory import InMemoryBus
from workers import ConsumerRuntime
from workers.commits import DeferredCommits


class RecordingConsumer:
    def __init__(self) -> None:
        self.commits: list[list[int]] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def getmany(self, timeout: float, max_records: int) -> list[Delivery]:  # noqa: ASYNC109
        return []

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        self.commits.append([d.offset for d in deliveries])

    def high_watermarks(self) -> dict[tuple[str, int], int]:
        return {}


def _delivery(offset: int) -> Delivery:
    event = Event.new("Counted", "p-1", {})
    return Delivery("t", 0, offset, b"p-1", event.to_bytes(), event)


async def test_commits_wait_for_the_interval_unless_idle_or_flushed() -> None:
    consumer = RecordingConsumer()
    now = [100.0]
    commits = DeferredCommits(consumer, 0.25, clock=lambda: now[0])

    commits.add([_delivery(0), _delivery(1)])
    await commits.commit_due(idle=False)
    assert consumer.commits == []

    now[0] += 0.3
    commits.add([_delivery(2)])
    await commits.commit_due(idle=False)
    assert consumer.commits == [[0, 1, 2]]

    commits.add([_delivery(3)])
    await commits.commit_due(idle=True)
    commits.add([_delivery(4)])
    await commits.flush()
    await commits.flush()  # nothing left: no empty commit
    assert consumer.commits == [[0, 1, 2], [3], [4]]


async def test_a_crash_before_the_commit_redelivers_and_the_inbox_absorbs_it(topic: str) -> None:
    bus = InMemoryBus()
    deliveries: list[str] = []
    applied: set[str] = set()  # the "inbox": an effect per event id
    registry = HandlerRegistry()

    @registry.on(topic, "Counted")
    async def count(event: Event) -> None:
        deliveries.append(event.id)
        applied.add(event.id)

    events = [Event.new("Counted", f"p-{n}", {}) for n in range(3)]
    await bus.publish_many([(topic, e) for e in events])

    def runtime(poll_seconds: float) -> ConsumerRuntime:
        return ConsumerRuntime(
            bus, "g", [topic], registry, poll_seconds=poll_seconds, commit_interval_seconds=3600
        )

    crashed = runtime(poll_seconds=60)  # never idle long enough to commit
    task = asyncio.create_task(crashed.run())
    async with asyncio.timeout(5):
        while len(deliveries) < 3:  # noqa: ASYNC110 - waiting for the handler
            await asyncio.sleep(0.005)
    task.cancel()  # a crash: nothing is committed
    await asyncio.gather(task, return_exceptions=True)
    assert bus.lag("g", topic) == 3

    restarted = runtime(poll_seconds=0.05)
    task = asyncio.create_task(restarted.run())
    async with asyncio.timeout(5):
        while len(deliveries) < 6:  # noqa: ASYNC110 - waiting for the redelivery
            await asyncio.sleep(0.005)
    await restarted.stop()  # a graceful stop commits what was applied
    await task

    assert sorted(deliveries) == sorted([e.id for e in events] * 2)
    assert applied == {e.id for e in events}
    assert bus.lag("g", topic) == 0
