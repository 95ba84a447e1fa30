"""Event handlers of the reviews service: verified purchases from ``OrderStatusChanged``.

It is read on ``order-status``, and on ``orders``, where it was written before it had a
topic of its own (an upgrade leaves such events unconsumed there).

``OrderStatusChanged`` with status ``PAID`` (payload ``orderId``, ``userId``, ``status``,
``items: [{productId, quantity}]``) records that the user bought those products, and marks
their existing reviews of them ``verifiedPurchase``; a review added later is verified at
once. The inbox claim and the effect commit together, so a redelivered event counts once.
A run of such events is applied in one transaction (the batch form).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.settings import Settings
from subgraphs.reviews.service import ReviewService
from workers.runtime import WorkerGroup

GROUP = "reviews"
STATUS_TOPIC = "order-status"
LEGACY_STATUS_TOPIC = "orders"
STATUS_TOPICS = (STATUS_TOPIC, LEGACY_STATUS_TOPIC)


def registry_for(service: ReviewService, topics: Sequence[str] = STATUS_TOPICS) -> HandlerRegistry:
    registry = HandlerRegistry()

    async def order_status_changed(event: Event) -> None:
        await service.record_purchase(event)

    async def orders_status_changed(events: Sequence[Event]) -> None:
        await service.record_purchases(events)

    for topic in topics:
        registry.register(
            topic, "OrderStatusChanged", order_status_changed, batch=orders_status_changed
        )
    return registry


@asynccontextmanager
async def handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    db = Database(settings.database_url_for("reviews"), pool_size=5, ping=False)
    try:
        yield registry_for(ReviewService(db))
    finally:
        await db.dispose()


# Verified purchases may show a quarter second later; the group fetches a checkout burst
# in a few larger batches instead of one broker response per event.
LINGER_SECONDS = 0.25

WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(GROUP, STATUS_TOPICS, handlers, linger_seconds=LINGER_SECONDS),
)
