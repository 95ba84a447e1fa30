"""A Kafka group member waits long at the broker while idle, yet gets the next event at once,
and fetches in its group's own shape while events flow (shopgraph.events.kafka_fetch)."""

from __future__ import annotations

from shopgraph.events.envelope import Event
from shopgraph.events.kafka import KafkaBus, KafkaConsumer
from shopgraph.events.kafka_fetch import IDLE, FetchShape, busy_shape
from tests.support.columns import private_kafka_url


def fetch_shape(consumer: KafkaConsumer) -> FetchShape:
    """What the member's next fetch request will ask the broker for (aiokafka's fetcher)."""
    fetcher = consumer._consumer._fetcher  # type: ignore[union-attr]
    return FetchShape(fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms)


async def test_an_idle_member_waits_long_and_still_gets_the_next_event_at_once(
    topic: str,
) -> None:
    bus = KafkaBus.from_url(private_kafka_url())
    await bus.start()
    consumer = bus.consumer([topic], "pacing", linger_seconds=0.25)
    try:
        await consumer.start()
        assert fetch_shape(consumer) == busy_shape(0.25)
        assert await consumer.getmany(timeout=0.5, max_records=10) == []
        assert fetch_shape(consumer) == IDLE

        sent = Event.new("Ping", "a1", {"n": 1})
        await bus.publish(topic, sent)
        # Well within the idle wait: the idle fetch is answered by the first byte.
        received = await consumer.getmany(timeout=IDLE.max_wait_ms / 1000 / 2, max_records=10)
        assert [d.event.id for d in received if d.event is not None] == [sent.id]
        assert fetch_shape(consumer) == busy_shape(0.25)

        # A poll that does not wait says nothing about idleness: the shape stays busy.
        assert await consumer.getmany(timeout=0, max_records=10) == []
        assert fetch_shape(consumer) == busy_shape(0.25)
    finally:
        await consumer.stop()
        await bus.stop()


def test_a_prompt_group_is_answered_per_event_and_a_lingering_one_per_burst() -> None:
    assert busy_shape(0).min_bytes == 1
    lingering = busy_shape(0.25)
    assert lingering.max_wait_ms == 250
    assert lingering.min_bytes > 1
    assert IDLE.min_bytes == 1
    assert IDLE.max_wait_ms > max(busy_shape(0).max_wait_ms, lingering.max_wait_ms)
