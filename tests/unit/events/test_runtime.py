from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from shopgraph.events import DEAD_LETTER, Event, HandlerRegistry, dlq_topic
from shopgraph.events.memory import InMemoryBus
from shopgraph.settings import Settings
from workers import ConsumerRuntime, WorkerGroup, get_group


async def _wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - polling state the handlers change
            await asyncio.sleep(0.005)


async def _dead_letters(bus: InMemoryBus, topic: str) -> list[Event]:
    reader = bus.consumer([dlq_topic(topic)], "dlq-reader")
    await reader.start()
    letters = [d.event for d in await reader.getmany(0.05, 100) if d.event is not None]
    await reader.stop()
    return letters


def _runtime(bus: InMemoryBus, topic: str, registry: HandlerRegistry) -> ConsumerRuntime:
    return ConsumerRuntime(bus, "g", [topic], registry, max_attempts=3, backoff_seconds=0.001)


async def test_failing_handler_is_retried_then_dead_lettered_and_the_group_moves_on(
    topic: str,
) -> None:
    bus = InMemoryBus()
    attempts: list[str] = []
    handled: list[str] = []
    registry = HandlerRegistry()

    @registry.on(topic, "Bad")
    async def always_fails(event: Event) -> None:
        attempts.append(event.id)
        raise ValueError("card reader on fire")

    @registry.on(topic, "Good")
    async def works(event: Event) -> None:
        handled.append(event.id)

    bad = Event.new("Bad", "order-1", {"x": 1}, traceparent="00-abc-def-01")
    good = Event.new("Good", "order-1", {})
    await bus.publish_many([(topic, bad), (topic, good)])
    runtime = _runtime(bus, topic, registry)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: handled == [good.id])
    await runtime.stop()
    await task

    assert attempts == [bad.id] * 3
    assert runtime.stats.retries == 2
    assert runtime.stats.dead_lettered == 1
    [letter] = await _dead_letters(bus, topic)
    assert letter.type == DEAD_LETTER
    assert letter.aggregate_id == "order-1"
    assert letter.traceparent == bad.traceparent
    assert letter.payload["original"] == bad.to_dict()
    assert letter.payload["error"] == "ValueError: card reader on fire"
    assert letter.payload["attempts"] == 3
    assert letter.payload["group"] == "g"
    assert letter.payload["source"]["topic"] == topic
    assert bus.lag("g", topic) == 0


async def test_transient_failure_succeeds_on_retry(topic: str) -> None:
    bus = InMemoryBus()
    calls = 0
    registry = HandlerRegistry()

    @registry.on(topic, "Flaky")
    async def flaky(event: Event) -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("try again")

    await bus.publish(topic, Event.new("Flaky", "a", {}))
    runtime = _runtime(bus, topic, registry)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: runtime.stats.handled == 1)
    await runtime.stop()
    await task
    assert calls == 3
    assert runtime.stats.dead_lettered == 0
    assert await _dead_letters(bus, topic) == []


async def test_malformed_messages_and_unknown_types(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    seen: list[str] = []

    @registry.on(topic, "Known")
    async def known(event: Event) -> None:
        seen.append(event.type)

    await bus.publish_raw(topic, b"k", b"\x00garbage")
    await bus.publish(topic, Event.new("Unknown", "k", {}))
    await bus.publish(topic, Event.new("Known", "k", {}))
    runtime = _runtime(bus, topic, registry)
    task = asyncio.create_task(runtime.run())
    await _wait_until(lambda: seen == ["Known"])
    await runtime.stop()
    await task
    assert runtime.stats.skipped == 1
    [letter] = await _dead_letters(bus, topic)
    assert letter.payload["original"] is None
    assert letter.payload["raw"] == "\x00garbage"
    assert letter.payload["error"].startswith("MalformedEvent:")
    assert bus.lag("g", topic) == 0


async def test_graceful_stop_finishes_the_current_event_and_commits_it(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    started, release = asyncio.Event(), asyncio.Event()
    done: list[int] = []

    @registry.on(topic, "Slow")
    async def slow(event: Event) -> None:
        started.set()
        await release.wait()
        done.append(event.payload["n"])

    await bus.publish_many([(topic, Event.new("Slow", "k", {"n": n})) for n in range(5)])
    runtime = _runtime(bus, topic, registry)
    task = asyncio.create_task(runtime.run())
    await started.wait()
    stopping = asyncio.create_task(runtime.stop())
    await asyncio.sleep(0.01)
    assert not stopping.done()  # waits for the event in flight
    release.set()
    await stopping
    await task
    assert done == [0]
    assert bus.committed("g", topic) == {0: 1}


async def test_cancellation_commits_nothing_more(topic: str) -> None:
    bus = InMemoryBus(partitions=1)
    registry = HandlerRegistry()
    done: list[int] = []
    hang = asyncio.Event()

    @registry.on(topic, "E")
    async def handler(event: Event) -> None:
        done.append(event.payload["n"])
        if event.payload["n"] == 2:
            await hang.wait()

    await bus.publish_many([(topic, Event.new("E", "k", {"n": n})) for n in range(5)])
    task = asyncio.create_task(_runtime(bus, topic, registry).run())
    await _wait_until(lambda: len(done) == 3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert bus.committed("g", topic) == {0: 0}  # like a crash: the batch is redelivered


async def test_handler_registry_rejects_duplicates() -> None:
    registry = HandlerRegistry()

    async def handler(event: Event) -> None: ...

    registry.register("t", "E", handler)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("t", "E", handler)
    assert registry.lookup("t", "E") is handler
    assert registry.lookup("t", "Other") is None
    assert registry.topics == ("t",)


async def test_worker_group_builds_a_runtime_that_runs_until_stopped(topic: str) -> None:
    bus_url = f"memory://runtime-{topic}"
    seen: list[str] = []
    closed: list[bool] = []

    @asynccontextmanager
    async def handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
        registry = HandlerRegistry()

        @registry.on(topic, "Ping")
        async def ping(event: Event) -> None:
            seen.append(event.id)

        yield registry
        closed.append(True)

    group = WorkerGroup(f"group-{topic}", (topic,), handlers)
    settings = Settings(bus_url=bus_url, consumer_max_attempts=2)
    runtime = group.build(settings)
    task = asyncio.create_task(runtime.run())
    from shopgraph.events import bus_from_url

    event = Event.new("Ping", "p", {})
    await bus_from_url(bus_url).publish(topic, event)
    await _wait_until(lambda: seen == [event.id])
    await runtime.stop()
    await task
    assert closed == [True]
    with pytest.raises(KeyError, match="unknown worker group"):
        get_group("no-such-group")
