"""The demo reviews seed, migrations in step with the models, health of the app."""

from __future__ import annotations

from shopgraph.demo_catalog import PRODUCTS, REVIEWS, reviewer_id
from subgraphs.reviews.models import metadata
from subgraphs.reviews.seed import seed, seed_reviews
from tests.integration.reviews.conftest import (
    PRODUCT_ENTITIES,
    USER_ENTITIES,
    Reviews,
    product_reps,
)
from tests.support.migrations import differences_from_models


async def test_seed_is_idempotent_and_shows_on_products(reviews: Reviews) -> None:
    assert await seed_reviews(reviews.resources.db) == len(REVIEWS)
    await seed(reviews.settings)  # the `shopgraph seed` entry point, run again: no change
    assert await seed_reviews(reviews.resources.db) == 0

    by_sku = {product.sku: product.id for product in PRODUCTS}
    reviewed = {by_sku[r.product_sku]: r for r in REVIEWS}
    product_ids = [product.id for product in PRODUCTS]
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(*product_ids)})
    for product_id, entity in zip(product_ids, data["_entities"], strict=True):
        demo = reviewed.get(product_id)
        if demo is None:
            assert entity["rating"]["count"] == 0
            continue
        assert entity["rating"] == {
            "average": float(demo.rating),
            "count": 1,
            "histogram": [{"stars": s, "count": int(s == demo.rating)} for s in range(1, 6)],
        }
        (edge,) = entity["reviews"]["edges"]
        assert edge["node"]["author"] == {"id": reviewer_id(demo.author_email)}
        assert edge["node"]["status"] == "APPROVED"

    grace = reviewer_id("grace@shopgraph.dev")
    mine = await reviews.data(USER_ENTITIES, {"reps": [{"__typename": "User", "id": grace}]})
    expected = sum(1 for r in REVIEWS if r.author_email == "grace@shopgraph.dev")
    assert len(mine["_entities"][0]["reviews"]["edges"]) == expected > 0


async def test_migrations_match_the_models(reviews: Reviews, database_url: str) -> None:
    assert await differences_from_models(database_url, metadata) == []


async def test_health_and_readiness(reviews: Reviews) -> None:
    assert (await reviews.client.get("/healthz")).json()["service"] == "reviews"
    ready = await reviews.client.get("/readyz")
    assert ready.status_code == 200, ready.text
