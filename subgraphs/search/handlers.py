"""The ``search`` worker group: keeps the index in step with the catalog, inventory and
reviews topics (see :mod:`subgraphs.search.indexer` for ordering and idempotency).

| topic | events |
|---|---|
| ``catalog`` | ProductCreated, ProductUpdated, ProductArchived, CategoryChanged |
| ``inventory`` | StockChanged (in stock = ``available`` > 0) |
| ``reviews`` | ReviewApproved, ReviewRejected, ReviewHeld, ReviewDeleted (the product's rating) |

Consecutive product, stock and rating events of a fetched batch are applied together, the
newest stock and rating per product only (:meth:`Indexer.changes_observed`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shopgraph.db import Database
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.settings import Settings
from subgraphs.search.indexer import Indexer
from subgraphs.search.repository import index_from_url
from workers.runtime import WorkerGroup

GROUP = "search"
CATALOG_TOPIC = "catalog"
INVENTORY_TOPIC = "inventory"
REVIEWS_TOPIC = "reviews"


def registry_for(
    indexer: Indexer,
    *,
    catalog: str = CATALOG_TOPIC,
    inventory: str = INVENTORY_TOPIC,
    reviews: str = REVIEWS_TOPIC,
) -> HandlerRegistry:
    registry = HandlerRegistry()
    batch = indexer.changes_observed
    registry.register(catalog, "ProductCreated", indexer.product_changed, batch=batch)
    registry.register(catalog, "ProductUpdated", indexer.product_changed, batch=batch)
    registry.register(catalog, "ProductArchived", indexer.product_archived, batch=batch)
    registry.register(catalog, "CategoryChanged", indexer.category_changed)
    registry.register(inventory, "StockChanged", indexer.stock_changed, batch=batch)
    for event_type in ("ReviewApproved", "ReviewRejected", "ReviewHeld", "ReviewDeleted"):
        registry.register(reviews, event_type, indexer.rating_changed, batch=batch)
    return registry


@asynccontextmanager
async def handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    db = Database(settings.database_url_for("search"), pool_size=5, ping=False)
    index = index_from_url(settings.search_url, db)
    await index.start()
    try:
        yield registry_for(Indexer(db, index))
    finally:
        await index.close()
        await db.dispose()


# A batch waits this long for more events, so a checkout burst's stock changes of one
# product become one index write (the index may lag the stock by that much more).
LINGER_SECONDS = 0.25

WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(
        GROUP,
        (CATALOG_TOPIC, INVENTORY_TOPIC, REVIEWS_TOPIC),
        handlers,
        linger_seconds=LINGER_SECONDS,
    ),
)
