"""Invalidation of the entity cache by domain events (``docs/events.md``).

:func:`invalidations` says which cached entities an event makes stale; the router runs one
:class:`InvalidationConsumer` per process, in a consumer group of its own (a fresh id each
start), so every replica hears every event even when each keeps its cache in memory.

A fresh group reads the topics from their beginning; events older than the longest TTL are
skipped, since anything cached before them has expired already. A store that cannot be
written keeps the batch and retries it, so an event is never dropped while the router runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from router.entity_cache import EntityCache
from router.entity_cache_keys import EntityRef
from shopgraph.events.bus import Consumer, EventBus
from shopgraph.events.envelope import Event
from shopgraph.kv.port import KeyValueError
from shopgraph.logging import get_logger

log = get_logger(__name__)

TOPICS = ("catalog", "inventory", "reviews")
RETRY_SECONDS = 1.0
POLL_SECONDS = 1.0

Target = tuple[EntityRef, str | None]


def invalidations(event: Event) -> list[Target]:
    """The entities (and the subgraph whose fields changed, None: all) ``event`` changes."""
    payload = event.payload
    if event.type in {"ProductCreated", "ProductUpdated", "ProductArchived"}:
        return _targets(("Product", payload.get("productId"), None))
    if event.type == "CategoryChanged":
        return _targets(("Category", payload.get("categoryId"), None))
    if event.type == "StockChanged":
        return _targets(("Product", payload.get("productId"), "inventory"))
    if event.type == "ReservationExpired":
        lines = payload.get("lines")
        return _targets(
            *(
                ("Product", line.get("productId"), "inventory")
                for line in (lines if isinstance(lines, list) else ())
                if isinstance(line, dict)
            )
        )
    if event.type in {"ReviewApproved", "ReviewRejected", "ReviewDeleted"}:
        return _targets(
            ("Product", payload.get("productId"), "reviews"),
            ("Review", payload.get("reviewId"), None),
            ("User", payload.get("userId"), "reviews"),
        )
    return []


def _targets(*wanted: tuple[str, Any, str | None]) -> list[Target]:
    return [
        (EntityRef(type_name, identity), subgraph)
        for type_name, entity_id, subgraph in wanted
        for identity in _identities(entity_id)
    ]


def _identities(entity_id: Any) -> Iterator[str]:
    if isinstance(entity_id, str) and entity_id:
        ref = EntityRef.of({"__typename": "_", "id": entity_id})
        if ref is not None:
            yield ref.identity


class InvalidationConsumer:
    def __init__(
        self,
        bus: EventBus,
        cache: EntityCache,
        *,
        group: str | None = None,
        max_records: int = 500,
    ) -> None:
        self.bus = bus
        self.cache = cache
        self.group = group or f"router-entity-cache-{uuid.uuid4().hex[:12]}"
        self.max_records = max_records
        self.invalidated = 0
        self._task: asyncio.Task[None] | None = None
        self._consumer: Consumer | None = None

    async def start(self) -> None:
        """Join the topics (returns once subscribed) and consume in the background."""
        await self.bus.start()
        self._consumer = self.bus.consumer(TOPICS, self.group)
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="entity-cache-invalidation")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()
        await self.bus.stop()

    async def _run(self) -> None:
        assert self._consumer is not None
        oldest = datetime.now(UTC) - timedelta(seconds=self.cache.max_ttl_seconds)
        while True:
            try:
                deliveries = await self._consumer.getmany(POLL_SECONDS, self.max_records)
            except Exception as exc:  # a broker outage must not end invalidation for good
                log.warning("entity_cache_events_unavailable", error=repr(exc))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            targets = [
                target
                for delivery in deliveries
                if delivery.event is not None and delivery.event.occurred_at >= oldest
                for target in invalidations(delivery.event)
            ]
            while targets:
                try:
                    self.invalidated += await self.cache.invalidate(targets)
                    break
                except KeyValueError as exc:
                    log.warning("entity_cache_invalidation_failed", error=str(exc))
                    await asyncio.sleep(RETRY_SECONDS)
