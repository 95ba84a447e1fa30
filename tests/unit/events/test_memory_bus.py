from __future__ import annotations

import asyncio
from collections import defaultdict

from shopgraph.events import Delivery, Event, bus_from_url
from shopgraph.events.memory import InMemoryBus, InMemoryConsumer, memory_bus


def _events(n: int, keys: int = 7) -> list[Event]:
    return [Event.new("Tick", f"agg-{i % keys}", {"n": i}) for i in range(n)]


async def _drain(consumer: InMemoryConsumer, idle: float = 0.05) -> list[Delivery]:
    got: list[Delivery] = []
    while batch := await consumer.getmany(idle, 10):
        got.extend(batch)
    return got


def _ids(deliveries: list[Delivery]) -> list[str]:
    return [d.event.id for d in deliveries if d.event is not None]


def test_buses_are_shared_per_url_and_isolated_by_name() -> None:
    assert bus_from_url("memory://shared-x") is bus_from_url("memory://shared-x")
    assert memory_bus("memory://shared-x") is not memory_bus("memory://shared-y")
    assert isinstance(bus_from_url("memory://"), InMemoryBus)


async def test_every_group_gets_every_event_once(topic: str) -> None:
    bus = InMemoryBus()
    events = _events(30)
    await bus.publish_many([(topic, e) for e in events])
    a, b = bus.consumer([topic], "group-a"), bus.consumer([topic], "group-b")
    await a.start()
    await b.start()
    assert sorted(_ids(await _drain(a))) == sorted(e.id for e in events)
    assert sorted(_ids(await _drain(b))) == sorted(e.id for e in events)


async def test_members_of_a_group_share_partitions_and_keep_per_key_order(topic: str) -> None:
    bus = InMemoryBus(partitions=4)
    first, second = bus.consumer([topic], "g"), bus.consumer([topic], "g")
    await first.start()
    await second.start()
    assert first.assignment and second.assignment
    assert not first.assignment & second.assignment
    events = _events(100)
    for event in events:
        await bus.publish(topic, event)
    got_first, got_second = await _drain(first), await _drain(second)
    ids = _ids(got_first) + _ids(got_second)
    assert sorted(ids) == sorted(e.id for e in events)  # each once, none twice
    by_key: dict[str, list[int]] = defaultdict(list)
    for d in got_first + got_second:
        assert d.event is not None
        by_key[d.event.aggregate_id].append(d.event.payload["n"])
    assert all(ns == sorted(ns) for ns in by_key.values())


async def test_uncommitted_deliveries_go_to_the_next_member_after_a_stop(topic: str) -> None:
    bus = InMemoryBus(partitions=2)
    events = _events(20)
    await bus.publish_many([(topic, e) for e in events])
    crashed = bus.consumer([topic], "g")
    await crashed.start()
    batch = await crashed.getmany(0.1, 8)
    await crashed.commit(batch[:5])  # 5 committed, 3 received but not committed
    await crashed.stop()

    successor = bus.consumer([topic], "g")
    await successor.start()
    rest = await _drain(successor)
    committed = set(_ids(batch[:5]))
    assert set(_ids(rest)) == {e.id for e in events} - committed
    assert set(_ids(batch[5:])) <= set(_ids(rest))  # redelivered
    await successor.commit(rest)
    assert bus.lag("g", topic) == 0


async def test_joining_member_takes_over_from_committed_offsets(topic: str) -> None:
    bus = InMemoryBus(partitions=2)
    only = bus.consumer([topic], "g")
    await only.start()
    await bus.publish_many([(topic, e) for e in _events(10)])
    received = await _drain(only)
    assert len(received) == 10
    late = bus.consumer([topic], "g")
    await late.start()  # rebalance: the late member starts at the (zero) committed offset
    again = await _drain(late)
    assert again and {d.partition for d in again} <= {p for _, p in late.assignment}


async def test_getmany_wakes_up_on_publish_and_returns_empty_on_timeout(topic: str) -> None:
    bus = InMemoryBus()
    consumer = bus.consumer([topic], "g")
    await consumer.start()
    assert await consumer.getmany(0.01, 10) == []
    waiting = asyncio.create_task(consumer.getmany(5, 10))
    await asyncio.sleep(0.01)
    event = Event.new("Tick", "k", {})
    await bus.publish(topic, event)
    got = await asyncio.wait_for(waiting, 1)
    assert _ids(got) == [event.id]


async def test_raw_bytes_arrive_as_a_delivery_with_a_parse_error(topic: str) -> None:
    bus = InMemoryBus()
    await bus.publish_raw(topic, b"k", b"{oops")
    consumer = bus.consumer([topic], "g")
    await consumer.start()
    [delivery] = await consumer.getmany(0.05, 10)
    assert delivery.event is None
    assert delivery.raw == b"{oops"
    assert delivery.error and "JSON" in delivery.error
