"""A worker group with ``concurrency`` handles different orders' events at once, each
order's events in order, and commits only what every earlier event of the partition allows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from shopgraph.events import Event, HandlerRegistry
from shopgraph.events.memory import InMemoryBus
from workers import ConsumerRuntime


async def _wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - polling state the handlers change
            await asyncio.sleep(0.005)


def _runtime(
    bus: InMemoryBus, topic: str, registry: HandlerRegistry, concurrency: int
) -> ConsumerRuntime:
    return ConsumerRuntime(
        bus, "g", [topic], registry, max_attempts=3, backoff_seconds=0.001, concurrency=concurrency
    )


async def test_events_of_different_orders_are_handled_at_once(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    arrived: dict[str, asyncio.Event] = {"a": asyncio.Event(), "b": asyncio.Event()}
    finished: list[str] = []

    @registry.on(topic, "Paid")
    async def paid(event: Event) -> None:
        # Each order's handler waits until the other one has started: one by one, neither
        # could finish.
        arrived[event.aggregate_id].set()
        other = "b" if event.aggregate_id == "a" else "a"
        await arrived[other].wait()
        finished.append(event.aggregate_id)

    await bus.publish_many([(topic, Event.new("Paid", key, {})) for key in ("a", "b")])
    runtime = _runtime(bus, topic, registry, concurrency=2)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: len(finished) == 2)
    await runtime.stop()
    await task
    assert sorted(finished) == ["a", "b"]
    assert bus.lag("g", topic) == 0


async def test_one_orders_events_keep_their_order(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    seen: list[tuple[str, int]] = []

    @registry.on(topic, "Step")
    async def step(event: Event) -> None:
        await asyncio.sleep(0.001 * (5 - event.payload["n"]))  # later steps are quicker
        seen.append((event.aggregate_id, event.payload["n"]))

    steps = [(topic, Event.new("Step", key, {"n": n})) for n in range(5) for key in ("a", "b")]
    await bus.publish_many(steps)
    runtime = _runtime(bus, topic, registry, concurrency=8)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: len(seen) == 10)
    await runtime.stop()
    await task
    for key in ("a", "b"):
        assert [n for k, n in seen if k == key] == [0, 1, 2, 3, 4]


async def test_offsets_stop_before_an_event_a_stop_interrupted(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    handled: list[str] = []
    tried = asyncio.Event()

    @registry.on(topic, "E")
    async def handler(event: Event) -> None:
        if event.aggregate_id == "stuck":
            tried.set()
            raise ConnectionError("provider down")
        handled.append(event.aggregate_id)

    await bus.publish_many(
        [(topic, Event.new("E", key, {})) for key in ("first", "stuck", "after")]
    )
    runtime = ConsumerRuntime(
        bus, "g", [topic], registry, max_attempts=50, backoff_seconds=10, concurrency=4
    )
    task = asyncio.create_task(runtime.run())
    await tried.wait()
    await _wait_until(lambda: sorted(handled) == ["after", "first"])
    await runtime.stop()  # interrupts the stuck event's backoff
    await task
    # "after" was applied, but its offset comes after the stuck one: both are redelivered
    # (the inbox absorbs "after" the second time).
    assert bus.committed("g", topic) == {0: 1}


def test_concurrency_must_be_positive(topic: str) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        ConsumerRuntime(InMemoryBus(), "g", [topic], HandlerRegistry(), concurrency=0)
