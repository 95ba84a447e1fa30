"""Seeding the demo reviews (``shopgraph seed`` / ``make dev``), approved and idempotent.

Ids are derived from (product SKU, author email), so running it again inserts nothing new;
products and authors come from :mod:`shopgraph.demo_catalog` (the products and users seeds
create them with the same ids).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from shopgraph.db import Database
from shopgraph.demo_catalog import PRODUCTS, REVIEWS, demo_id, reviewer_id
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from subgraphs.reviews.models import reviews
from subgraphs.reviews.records import Status

log = get_logger(__name__)


def demo_rows(now: datetime) -> list[dict[str, Any]]:
    product_ids = {product.sku: product.id for product in PRODUCTS}
    rows = []
    for index, review in enumerate(REVIEWS):
        created = now - timedelta(days=len(REVIEWS) - index)
        rows.append(
            {
                "id": demo_id(f"review:{review.product_sku}:{review.author_email}"),
                "product_id": product_ids[review.product_sku],
                "author_id": reviewer_id(review.author_email),
                "rating": review.rating,
                "title": review.title,
                "body": review.body,
                "status": Status.APPROVED.value,
                "hold_reason": None,
                "rejection_reason": None,
                "verified_purchase": False,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


async def seed_reviews(db: Database) -> int:
    """Insert the demo reviews that are missing; returns how many were inserted."""
    insert: Any = postgresql.insert(reviews) if db.is_postgres else sqlite.insert(reviews)
    inserted = 0
    async with db.transaction() as session:
        for row in demo_rows(datetime.now(UTC)):
            result: Any = await session.execute(insert.values(row).on_conflict_do_nothing())
            inserted += int(result.rowcount or 0)
    log.info("demo_reviews_seeded", inserted=inserted, total=len(REVIEWS))
    return inserted


async def seed(settings: Settings) -> None:
    """The reviews part of ``shopgraph seed``: the demo catalog's reviews."""
    db = Database(settings.database_url_for("reviews"), pool_size=2)
    try:
        await seed_reviews(db)
    finally:
        await db.dispose()
