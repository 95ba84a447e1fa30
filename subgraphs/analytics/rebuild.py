"""``shopgraph analytics rebuild``: empty the reporting tables and replay the topics.

1. Note where each consumed topic ends now (:meth:`EventBus.end_offsets`).
2. Empty the fact tables and the inbox in one transaction.
3. Read the topics from offset 0 with a fresh consumer group (``analytics-rebuild-<id>``;
   a group that never committed starts at the beginning on both bus adapters) and apply
   every event through the same handlers as the worker, until every partition reached the
   end noted in step 1.

The live ``analytics`` worker may keep running meanwhile: both claim events in the same
inbox, so whichever applies an event first is the only one that counts it, and the
numbers end the same. Events published after step 1 are left to the live worker. While
the replay runs, reports show partial numbers.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from shopgraph.db import Database
from shopgraph.events.bus import EventBus, bus_from_url
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from subgraphs.analytics.handlers import GROUP
from subgraphs.analytics.ingest import TOPICS
from subgraphs.analytics.service import AnalyticsService

log = get_logger(__name__)

POLL_SECONDS = 1.0
BATCH_SIZE = 500
# A replay that receives nothing for this long while events are still due has stalled.
STALL_SECONDS = 60.0


class RebuildRefused(RuntimeError):
    """This process cannot see the events a rebuild would replay."""


def require_shared_bus(settings: Settings) -> None:
    """A separate process (the CLI) sees nothing on ``memory://``: every in-process bus is
    private to its process, so a rebuild there would only empty the tables."""
    if settings.bus_url.startswith("memory://"):
        raise RebuildRefused(
            "SHOPGRAPH_BUS_URL is memory://: the events live inside the `make dev` process; "
            "rebuild against Kafka (kafka://host:port)"
        )


class RebuildStalled(RuntimeError):
    """The bus stopped delivering before the replay reached the noted end of the topics."""


@dataclass(frozen=True, slots=True)
class RebuildResult:
    events_read: int
    events_applied: int  # the rest were redeliveries, or types analytics ignores
    events_rejected: int  # payloads analytics cannot read (the live worker dead-letters them)


async def rebuild(settings: Settings, *, bus: EventBus | None = None) -> RebuildResult:
    """Replay every consumed topic from its beginning into emptied reporting tables."""
    own_bus = bus is None
    events = bus or bus_from_url(settings.bus_url)
    db = Database(settings.database_url_for("analytics"), pool_size=2)
    await events.start()
    try:
        return await _replay(AnalyticsService(db), events)
    finally:
        await db.dispose()
        if own_bus:
            await events.stop()


async def _replay(service: AnalyticsService, bus: EventBus) -> RebuildResult:
    due: dict[tuple[str, int], int] = {}
    for topic in TOPICS:
        for partition, end in (await bus.end_offsets(topic)).items():
            if end > 0:
                due[(topic, partition)] = end
    await service.reset()
    group = f"{GROUP}-rebuild-{uuid.uuid4().hex[:12]}"
    consumer = bus.consumer(TOPICS, group)
    await consumer.start()
    read = applied = rejected = 0
    loop = asyncio.get_running_loop()
    try:
        last_progress = loop.time()
        while due:
            deliveries = await consumer.getmany(POLL_SECONDS, BATCH_SIZE)
            for delivery in deliveries:
                position = (delivery.topic, delivery.partition)
                if position in due and delivery.offset + 1 >= due[position]:
                    del due[position]
                if delivery.event is None:
                    continue  # malformed: the live worker dead-lettered it already
                read += 1
                try:
                    applied += await service.apply(delivery.topic, delivery.event)
                except ValueError as exc:
                    rejected += 1
                    log.warning("analytics_rebuild_rejected", error=str(exc))
            await consumer.commit(deliveries)
            if deliveries:
                last_progress = loop.time()
            elif loop.time() - last_progress > STALL_SECONDS:
                waiting = ", ".join(f"{t}[{p}]" for t, p in sorted(due))
                raise RebuildStalled(f"no events for {STALL_SECONDS:.0f}s; still due: {waiting}")
    finally:
        await consumer.stop()
    log.info("analytics_rebuilt", group=group, read=read, applied=applied, rejected=rejected)
    return RebuildResult(events_read=read, events_applied=applied, events_rejected=rejected)
