"""The search part of ``shopgraph seed`` / ``make dev``: the demo reviews' ratings.

The demo catalog and stock reach the index through the events the products and inventory
seeds publish; the reviews seed writes approved reviews without events, so their ratings
are recorded here from :mod:`shopgraph.demo_catalog`, at a version older than any event
(a real review event always wins). Idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from shopgraph.db import Database
from shopgraph.demo_catalog import PRODUCTS, REVIEWS
from shopgraph.settings import Settings
from subgraphs.search.indexer import Change, Indexer
from subgraphs.search.repository import index_from_url

SEED_VERSION: Final = datetime(2000, 1, 1, tzinfo=UTC)


def demo_rating_changes() -> list[Change]:
    ids = {product.sku: product.id for product in PRODUCTS}
    totals: dict[str, tuple[int, int]] = {}
    for review in REVIEWS:
        count, total = totals.get(ids[review.product_sku], (0, 0))
        totals[ids[review.product_sku]] = (count + 1, total + review.rating)
    return [
        Change(product_id, "rating_version", SEED_VERSION,
               {"rating_count": count, "rating_total": total})
        for product_id, (count, total) in sorted(totals.items())
    ]  # fmt: skip


async def seed(settings: Settings) -> None:
    db = Database(settings.database_url_for("search"), pool_size=2)
    index = index_from_url(settings.search_url, db)
    try:
        await index.start()
        await Indexer(db, index).apply(demo_rating_changes())
    finally:
        await index.close()
        await db.dispose()
