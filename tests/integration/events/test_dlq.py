"""Dead-letter topic on both buses: give up after max_attempts, publish, move on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from shopgraph.events import DEAD_LETTER, Event, EventBus, HandlerRegistry, dlq_topic
from workers.runtime import ConsumerRuntime

pytestmark = pytest.mark.integration


async def _wait_until(predicate: Callable[[], bool], seconds: float = 60) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - polling handler state
            await asyncio.sleep(0.02)


async def _read(bus: EventBus, topic: str, group: str, n: int) -> list[Event]:
    reader = bus.consumer([topic], group)
    await reader.start()
    events: list[Event] = []
    try:
        async with asyncio.timeout(60):
            while len(events) < n:
                events += [d.event for d in await reader.getmany(0.5, 100) if d.event]
    finally:
        await reader.stop()
    return events


async def test_always_failing_handler_dead_letters_after_max_attempts_and_moves_on(
    bus: EventBus, topic: str
) -> None:
    attempts: list[str] = []
    handled: list[str] = []
    registry = HandlerRegistry()

    @registry.on(topic, "Poison")
    async def always_fails(event: Event) -> None:
        attempts.append(event.id)
        raise RuntimeError(f"cannot handle {event.payload['n']}")

    @registry.on(topic, "Fine")
    async def fine(event: Event) -> None:
        handled.append(event.id)

    poison = Event.new("Poison", "order-7", {"n": 7})
    fine_event = Event.new("Fine", "order-7", {})
    await bus.publish(topic, poison)
    await bus.publish(topic, fine_event)
    await bus.publish_raw(topic, b"order-7", b"\xff not an envelope")

    group = f"{topic}-worker"
    runtime = ConsumerRuntime(bus, group, [topic], registry, max_attempts=4, backoff_seconds=0.01)
    task = asyncio.create_task(runtime.run())
    try:
        await _wait_until(lambda: handled == [fine_event.id] and runtime.stats.dead_lettered == 2)
    finally:
        await runtime.stop()
        await task

    assert attempts == [poison.id] * 4
    letters = await _read(bus, dlq_topic(topic), f"{topic}-dlq-reader", 2)
    by_kind = {letter.payload["original"] is None: letter for letter in letters}
    dead = by_kind[False]
    assert dead.type == DEAD_LETTER
    assert dead.aggregate_id == "order-7"
    assert dead.payload["original"] == poison.to_dict()
    assert Event.from_dict(dead.payload["original"]) == poison
    assert dead.payload["error"] == "RuntimeError: cannot handle 7"
    assert dead.payload["attempts"] == 4
    assert dead.payload["group"] == group
    malformed = by_kind[True]
    assert malformed.payload["error"].startswith("MalformedEvent:")
    assert malformed.payload["raw"].encode("latin-1") == b"\xff not an envelope"

    # Everything was committed: a new member of the group finds nothing left to do.
    again = ConsumerRuntime(bus, group, [topic], registry, max_attempts=1)
    task = asyncio.create_task(again.run())
    await asyncio.sleep(1.0)
    await again.stop()
    await task
    assert again.stats.handled == again.stats.dead_lettered == 0
    assert attempts == [poison.id] * 4
