"""The outbox backlog an operator watches: rows waiting while the bus cannot take them."""

from __future__ import annotations

import asyncio
import uuid

from prometheus_client import REGISTRY

from shopgraph.db import Database
from shopgraph.events import Event, OutboxRelay, add_to_outbox, bus_from_url
from tests.integration.events.effects_app import outbox


def backlog(service: str) -> tuple[float | None, float | None]:
    labels = {"service": service}
    return (
        REGISTRY.get_sample_value("shopgraph_outbox_backlog", labels),
        REGISTRY.get_sample_value("shopgraph_outbox_oldest_age_seconds", labels),
    )


async def test_rows_the_bus_refuses_show_as_backlog_then_clear(
    db: Database, topic: str, bus_url: str
) -> None:
    service = f"backlog-{uuid.uuid4().hex[:8]}"
    async with db.transaction() as session:
        for i in range(3):
            await add_to_outbox(session, outbox, topic, Event.new("Step", f"k-{i}", {"i": i}))
    # Nothing listens on port 1: every publish fails and the rows stay unpublished (the bus
    # gives up on the broker at once instead of waiting for it to come up).
    down = bus_from_url("kafka://127.0.0.1:1?connect_seconds=0")
    unreachable = OutboxRelay(db, down, outbox, service=service)
    running = asyncio.create_task(unreachable.run())
    try:
        async with asyncio.timeout(60):
            while backlog(service)[0] != 3:  # noqa: ASYNC110 - a gauge has no event to await
                await asyncio.sleep(0.1)
    finally:
        await unreachable.stop()
        await running
    oldest_age = backlog(service)[1]
    assert oldest_age is not None and oldest_age > 0  # the rows have been waiting

    bus = bus_from_url(bus_url)
    await bus.start()
    try:
        relay = OutboxRelay(db, bus, outbox, service=service)
        assert await relay.publish_pending() == 3
    finally:
        await bus.stop()
    assert backlog(service) == (0, 0)
