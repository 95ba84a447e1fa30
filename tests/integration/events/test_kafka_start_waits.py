"""A Kafka client started while the broker is restarting waits for it instead of failing
(shopgraph/events/kafka.py): a worker or service started meanwhile keeps running."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from urllib.parse import urlsplit

from shopgraph.events.envelope import Event
from shopgraph.events.kafka import KafkaBus
from tests.conftest import real_service_url
from tests.integration.events.test_kafka_namespace import drain
from tests.support.platform import free_port


class RestartingBroker:
    """A port in front of the real broker that hangs up on the first ``refusals``
    connections (a broker going down and coming back), then forwards the bytes."""

    def __init__(self, broker_host: str, broker_port: int, refusals: int) -> None:
        self.broker = (broker_host, broker_port)
        self.refusals = refusals
        self.hung_up = 0
        self.port = free_port()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.hung_up < self.refusals:
            self.hung_up += 1
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.broker)
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def test_a_bus_started_during_a_broker_restart_waits_and_then_works() -> None:
    broker = urlsplit(real_service_url("kafka").replace("kafka://", "tcp://"))
    restarting = RestartingBroker(broker.hostname or "127.0.0.1", broker.port or 9092, 3)
    server = await asyncio.start_server(restarting.handle, "127.0.0.1", restarting.port)
    bus = KafkaBus.from_url(
        f"kafka://127.0.0.1:{restarting.port}?namespace=late{uuid.uuid4().hex[:6]}"
    )
    try:
        sent = Event.new("Ping", "a1", {"n": 1})
        await bus.publish("orders", sent)  # starts the producer through the hang-ups
        received = await drain(bus, "orders", "workers")
    finally:
        await bus.stop()
        server.close()

    assert restarting.hung_up == 3
    assert [event.id for event in received] == [sent.id]
