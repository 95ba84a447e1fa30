"""Event handlers of the analytics service (worker group ``analytics``).

Consumes ``orders`` (``OrderCreated``, ``OrderCancelled``), ``payments``
(``PaymentSucceeded``, ``PaymentFailed``, ``PaymentRefunded``), ``catalog``
(``ProductCreated``, ``ProductUpdated``, ``ProductArchived``) and ``carts``
(``CartCreated``) into the reporting tables (:mod:`subgraphs.analytics.ingest`). The inbox
claim (consumer ``analytics``) and the facts commit together, so a redelivered event
counts once. A fetched batch, whatever its topics, is applied in one transaction with one
statement per kind of fact (:meth:`AnalyticsService.apply_batch`); the group lingers a second
for it. The group also purges old inbox rows
(:mod:`shopgraph.events.retention`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import BatchHandler, Handler, HandlerRegistry
from shopgraph.events.retention import RetentionJob
from shopgraph.settings import Settings
from subgraphs.analytics.ingest import TOPICS, WRITERS
from subgraphs.analytics.models import inbox
from subgraphs.analytics.service import AnalyticsService
from workers.runtime import WorkerGroup

GROUP = "analytics"


# A batch waits this long for more events: fewer transactions under load, and nobody waits
# for a report to count an order within a second.
LINGER_SECONDS = 1.0
BATCH_SIZE = 1000


def registry_for(service: AnalyticsService) -> HandlerRegistry:
    registry = HandlerRegistry()
    batch = _batch_applier(service)  # one for every topic: a fetched batch is one run
    for topic, event_type in WRITERS:
        registry.register(topic, event_type, _applier(service, topic), batch=batch)
    return registry


def _applier(service: AnalyticsService, topic: str) -> Handler:
    async def apply(event: Event) -> None:
        await service.apply(topic, event)

    return apply


def _batch_applier(service: AnalyticsService) -> BatchHandler:
    async def apply_batch(events: Sequence[Event]) -> None:
        await service.apply_batch(events)

    return apply_batch


@asynccontextmanager
async def handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    db = Database(settings.database_url_for("analytics"), pool_size=5, ping=False)
    purging = RetentionJob.from_settings(
        settings, "analytics", db, outbox=None, inbox=inbox
    ).periodic()
    await purging.start()
    try:
        yield registry_for(AnalyticsService(db))
    finally:
        await purging.stop()
        await db.dispose()


WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(GROUP, TOPICS, handlers, linger_seconds=LINGER_SECONDS, batch_size=BATCH_SIZE),
)
