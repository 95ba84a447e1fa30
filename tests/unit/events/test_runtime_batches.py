"""A handler's batch form: consecutive events that share it are applied in one call, and
when it raises each of them falls back to the one-event handler (retries, dead letters)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial

from opentelemetry.trace import SpanKind

from shopgraph.events import Event, HandlerRegistry, dlq_topic
from shopgraph.events.memory import InMemoryBus
from tests.support.spans import recorded_spans
from workers import ConsumerRuntime


async def _wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - polling state the handlers change
            await asyncio.sleep(0.005)


async def _run_until(
    bus: InMemoryBus, topic: str, registry: HandlerRegistry, done: Callable[[], bool]
) -> ConsumerRuntime:
    runtime = ConsumerRuntime(bus, "g", [topic], registry, max_attempts=2, backoff_seconds=0.001)
    task = asyncio.create_task(runtime.run())
    await _wait_until(done)
    await runtime.stop()
    await task
    return runtime


async def test_consecutive_events_go_to_the_batch_form_together_in_order(topic: str) -> None:
    bus = InMemoryBus()
    singles: list[str] = []
    batches: list[list[str]] = []
    registry = HandlerRegistry()

    async def one(event: Event) -> None:
        singles.append(event.payload["n"])

    async def many(events: Sequence[Event]) -> None:
        batches.append([e.payload["n"] for e in events])

    registry.register(topic, "Counted", one, batch=many)
    await bus.publish_many([(topic, Event.new("Counted", "p-1", {"n": str(n)})) for n in range(5)])

    runtime = await _run_until(bus, topic, registry, lambda: sum(map(len, batches)) == 5)

    assert batches == [["0", "1", "2", "3", "4"]]
    assert singles == []
    assert runtime.stats.handled == 5
    assert bus.lag("g", topic) == 0


def _recording(topic: str, seen: list[str], refused: str = "") -> HandlerRegistry:
    """``Counted`` events with a batch form, ``Renamed`` without; each call noted in ``seen``
    (the batch form raises for a run holding ``refused``)."""
    registry = HandlerRegistry()

    async def one(event: Event) -> None:
        seen.append(f"one:{event.payload['n']}")

    async def many(events: Sequence[Event]) -> None:
        if any(e.payload["n"] == refused for e in events):
            raise ValueError("the batch form refuses it")
        seen.append("many:" + ",".join(e.payload["n"] for e in events))

    registry.register(topic, "Counted", one, batch=many)
    registry.register(topic, "Renamed", one)
    return registry


async def test_an_event_without_a_batch_form_splits_the_run_and_order_holds(topic: str) -> None:
    bus = InMemoryBus()
    seen: list[str] = []
    registry = _recording(topic, seen)
    kinds = ["Counted", "Counted", "Renamed", "Counted", "Counted"]
    await bus.publish_many(
        [(topic, Event.new(kind, "p-1", {"n": str(n)})) for n, kind in enumerate(kinds)]
    )

    await _run_until(bus, topic, registry, lambda: len(seen) == 3)

    assert seen == ["many:0,1", "one:2", "many:3,4"]
    assert bus.lag("g", topic) == 0


async def test_a_failing_batch_falls_back_to_one_by_one_and_only_the_bad_event_is_dead_lettered(
    topic: str,
) -> None:
    bus = InMemoryBus()
    applied: list[str] = []
    batch_calls = 0
    registry = HandlerRegistry()

    async def one(event: Event) -> None:
        if event.payload["n"] == "bad":
            raise ValueError("payload refused")
        applied.append(event.payload["n"])

    async def many(events: Sequence[Event]) -> None:
        nonlocal batch_calls
        batch_calls += 1
        if any(e.payload["n"] == "bad" for e in events):
            raise ValueError("payload refused")  # all or nothing: nothing applied
        applied.extend(e.payload["n"] for e in events)

    registry.register(topic, "Counted", one, batch=many)
    events = [Event.new("Counted", "p-1", {"n": n}) for n in ("a", "bad", "c")]
    await bus.publish_many([(topic, e) for e in events])

    runtime = await _run_until(bus, topic, registry, lambda: applied == ["a", "c"])

    assert batch_calls == 1
    assert runtime.stats.dead_lettered == 1
    reader = bus.consumer([dlq_topic(topic)], "dlq-reader")
    await reader.start()
    [letter] = [d.event for d in await reader.getmany(0.05, 10) if d.event is not None]
    await reader.stop()
    assert letter.payload["original"]["id"] == events[1].id
    assert bus.lag("g", topic) == 0


async def test_events_the_group_does_not_handle_do_not_split_a_run(topic: str) -> None:
    bus = InMemoryBus()
    batches: list[list[str]] = []
    registry = HandlerRegistry()

    async def one(event: Event) -> None:
        batches.append([event.payload["n"]])

    async def many(events: Sequence[Event]) -> None:
        batches.append([e.payload["n"] for e in events])

    registry.register(topic, "Counted", one, batch=many)
    kinds = ["Counted", "Ignored", "Counted", "Ignored", "Counted"]
    await bus.publish_many(
        [(topic, Event.new(kind, "p-1", {"n": str(n)})) for n, kind in enumerate(kinds)]
    )

    runtime = await _run_until(bus, topic, registry, lambda: sum(map(len, batches)) == 3)

    assert batches == [["0", "2", "4"]]
    assert runtime.stats.skipped == 2
    assert bus.lag("g", topic) == 0


async def test_a_concurrent_group_applies_a_run_with_a_batch_form_in_one_call(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    seen: list[str] = []
    registry = HandlerRegistry()

    async def one(event: Event) -> None:
        seen.append(f"one:{event.aggregate_id}")

    async def many(events: Sequence[Event]) -> None:
        seen.append("many:" + ",".join(e.aggregate_id for e in events))

    registry.register(topic, "Paid", one, batch=many)
    registry.register(topic, "Shipped", one)
    kinds = [("Paid", "a"), ("Paid", "b"), ("Shipped", "a"), ("Paid", "c")]
    await bus.publish_many([(topic, Event.new(kind, key, {})) for kind, key in kinds])
    runtime = ConsumerRuntime(bus, "g", [topic], registry, concurrency=4)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: len(seen) == 3)
    await runtime.stop()
    await task

    # Order holds across runs: a's shipment comes after the run that paid it.
    assert seen == ["many:a,b", "one:a", "many:c"]  # c alone still takes the batch form
    assert bus.lag("g", topic) == 0


def _seen(seen: list[str], n: str) -> bool:
    return any(n in s for s in seen)


async def test_a_lone_event_goes_to_the_batch_form_in_its_consumer_span(topic: str) -> None:
    bus = InMemoryBus()
    seen: list[str] = []
    registry = _recording(topic, seen, refused="refused")
    with recorded_spans() as spans:
        for n in ("alone", "refused"):  # one fetch each
            await bus.publish(topic, Event.new("Counted", "p-1", {"n": n}))
            await _run_until(bus, topic, registry, partial(_seen, seen, n))
        consumed = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CONSUMER]

    assert seen == ["many:alone", "one:refused"]  # the one-event path after the batch raised
    assert len(consumed) == 3  # alone; refused, by the batch form then by its handler
    assert bus.lag("g", topic) == 0
