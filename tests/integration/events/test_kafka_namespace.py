"""Two platforms on one Kafka cluster keep to their own topics and groups."""

from __future__ import annotations

import uuid

from shopgraph.events.envelope import Event
from shopgraph.events.kafka import KafkaBus
from tests.conftest import real_service_url


async def drain(bus: KafkaBus, topic: str, group: str) -> list[Event]:
    consumer = bus.consumer([topic], group)
    await consumer.start()
    try:
        deliveries = []
        for _ in range(10):
            deliveries += await consumer.getmany(timeout=0.5, max_records=100)
            if deliveries:
                break
        await consumer.commit(deliveries)
        return [d.event for d in deliveries if d.event is not None]
    finally:
        await consumer.stop()


async def test_namespaces_isolate_topics_and_groups() -> None:
    url = real_service_url("kafka")
    first = KafkaBus.from_url(f"{url}?namespace=ns{uuid.uuid4().hex[:6]}")
    second = KafkaBus.from_url(f"{url}?namespace=ns{uuid.uuid4().hex[:6]}")
    try:
        sent = Event.new("Ping", "a1", {"n": 1})
        await first.publish("orders", sent)
        received = await drain(first, "orders", "workers")
        assert [e.id for e in received] == [sent.id]
        # Same logical topic and group in another namespace: nothing there.
        assert await drain(second, "orders", "workers") == []
    finally:
        await first.stop()
        await second.stop()


def test_namespace_maps_names_both_ways() -> None:
    bus = KafkaBus.from_url("kafka://127.0.0.1:9092?namespace=staging")
    assert bus.physical("orders") == "staging.orders"
    assert bus.logical("staging.orders.dlq") == "orders.dlq"
    assert KafkaBus.from_url("kafka://127.0.0.1:9092").physical("orders") == "orders"
