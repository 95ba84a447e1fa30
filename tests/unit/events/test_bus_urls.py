from __future__ import annotations

import pytest

from shopgraph.events import bus_from_url
from shopgraph.events.kafka import KafkaBus
from shopgraph.events.memory import InMemoryBus


def test_kafka_url_gives_a_kafka_bus_with_options() -> None:
    bus = bus_from_url("kafka://k1:9092,k2:9092?partitions=6&session_timeout_ms=6000")
    assert isinstance(bus, KafkaBus)
    assert bus.bootstrap_servers == "k1:9092,k2:9092"
    assert bus.partitions == 6
    assert bus.consumer_options == {"session_timeout_ms": 6000}


def test_plain_kafka_url_uses_defaults() -> None:
    bus = KafkaBus.from_url("kafka://127.0.0.1:9092")
    assert (bus.partitions, bus.replication_factor, bus.consumer_options) == (3, 1, {})
    assert bus.connect_seconds == 60


def test_how_long_start_up_waits_for_the_broker_is_an_option() -> None:
    assert KafkaBus.from_url("kafka://127.0.0.1:9092?connect_seconds=0").connect_seconds == 0


@pytest.mark.parametrize(
    "url", ["kafka://", "kafka://h:1?colour=blue", "redis://h:1", "nats://h:4222"]
)
def test_bad_bus_urls_are_rejected_clearly(url: str) -> None:
    with pytest.raises(ValueError, match=r"Kafka URL|event bus URL"):
        bus_from_url(url)


def test_memory_urls() -> None:
    assert isinstance(bus_from_url("memory://"), InMemoryBus)
    assert bus_from_url("memory://") is bus_from_url("memory:///")
