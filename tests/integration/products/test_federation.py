"""Entity resolution for the router (``_entities`` with either Product key), batched by
DataLoaders, and the demo seed."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select

from shopgraph.demo_catalog import CATEGORIES, PRODUCTS
from subgraphs.products.models import categories, metadata, products
from subgraphs.products.seed import seed, seed_catalog
from subgraphs.products.service import NewProduct
from subgraphs.products.validation import ProductStatus
from tests.integration.products.conftest import Catalog
from tests.support.migrations import differences_from_models
from tests.support.sql import count_statements

ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Product { id sku name status price { amount } category { id name } }
    ... on Category { id name breadcrumbs { name } }
  }
}"""

UNKNOWN = "00000000-0000-0000-0000-000000000000"


async def make_products(catalog: Catalog, n: int, category_id: str | None = None) -> list[Any]:
    service = catalog.app.state.catalog.products
    return [
        await service.create(
            NewProduct(
                name=f"Product {i:03d}",
                sku=f"ENT-{i:03d}",
                price_amount="10.00",
                currency="USD",
                category_id=category_id if i % 2 else None,
            )
        )
        for i in range(n)
    ]


def reps_for(records: list[Any]) -> list[dict[str, str]]:
    """Alternating keys: by id, then by sku (lower-cased: SKUs are matched normalised)."""
    return [
        {"__typename": "Product", "id": r.id}
        if i % 2 == 0
        else {"__typename": "Product", "sku": r.sku.lower()}
        for i, r in enumerate(records)
    ]


async def test_100_representations_come_back_in_order(catalog: Catalog) -> None:
    category = await catalog.create_category("Things")
    records = await make_products(catalog, 99, category["id"])
    random.Random(7).shuffle(records)
    reps = reps_for(records)
    reps.insert(50, {"__typename": "Product", "id": UNKNOWN})
    body = await catalog.gql(ENTITIES, {"reps": reps})
    assert "errors" not in body, body.get("errors")
    found = body["data"]["_entities"]
    assert len(found) == 100
    assert found[50] is None
    expected = [r.id for r in records[:50]] + [None] + [r.id for r in records[50:]]
    assert [e["id"] if e else None for e in found] == expected
    assert found[0]["sku"] == records[0].sku
    named = [e["category"] for e in found if e and e["category"]]
    assert named and all(c == {"id": category["id"], "name": "Things"} for c in named)


async def test_entity_batches_cost_the_same_sql_for_5_or_50(catalog: Catalog) -> None:
    category = await catalog.create_category("Batch")
    records = await make_products(catalog, 50, category["id"])
    engine = catalog.resources.db.engine
    counts = []
    for size in (5, 50):
        reps = [*reps_for(records[:size]), {"__typename": "Category", "id": category["id"]}]
        with count_statements(engine) as statements:
            body = await catalog.gql(ENTITIES, {"reps": reps})
        assert "errors" not in body, body.get("errors")
        assert sum(1 for e in body["data"]["_entities"] if e) == size + 1
        counts.append(len(statements))
    # products by id, products by sku, categories by id (shared by category + entity),
    # breadcrumbs: one statement each however many representations.
    assert counts[0] == counts[1] == 4, counts


async def test_drafts_resolve_only_for_staff_and_services(catalog: Catalog) -> None:
    service = catalog.app.state.catalog.products
    draft = await service.create(
        NewProduct(
            name="Secret", sku="SEC-1", price_amount="1", currency="USD", status=ProductStatus.DRAFT
        )
    )
    archived = await service.create(
        NewProduct(name="Old", sku="OLD-1", price_amount="1", currency="USD")
    )
    await service.archive(archived.id)
    reps = [
        {"__typename": "Product", "id": draft.id},
        {"__typename": "Product", "sku": "SEC-1"},
        {"__typename": "Product", "id": archived.id},
    ]
    for token in (None, catalog.customer_token):
        body = await catalog.gql(ENTITIES, {"reps": reps}, token=token)
        found = body["data"]["_entities"]
        assert found[:2] == [None, None]
        assert found[2]["status"] == "ARCHIVED"  # orders keep showing what was bought
    for token in (catalog.staff_token, catalog.service_token):
        body = await catalog.gql(ENTITIES, {"reps": reps}, token=token)
        assert [e["status"] for e in body["data"]["_entities"]] == ["DRAFT", "DRAFT", "ARCHIVED"]


async def test_sdl_declares_both_product_keys(catalog: Catalog) -> None:
    body = await catalog.gql("{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Product @key(fields: "id") @key(fields: "sku")' in sdl
    assert 'type Category @key(fields: "id")' in sdl


async def test_seed_loads_the_demo_catalog_idempotently(catalog: Catalog) -> None:
    db = catalog.resources.db
    assert await seed_catalog(db) == (len(CATEGORIES), len(PRODUCTS))
    await seed(catalog.settings)  # the `shopgraph seed` entry point: nothing left to add
    assert await seed_catalog(db) == (0, 0)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(products)) == 50
        assert await session.scalar(select(func.count()).select_from(categories)) == 10
    assert len(await catalog.events("ProductCreated")) == 50
    assert len(await catalog.events("CategoryChanged")) == 10

    demo = PRODUCTS[0]
    body = await catalog.gql(
        """query($id: ID) { product(id: $id) {
            id sku slug name price { amount currency } weightGrams
            images { url altText } attributes { name value }
            category { slug breadcrumbs { slug } } } }""",
        {"id": demo.id},
    )
    product = body["data"]["product"]
    assert (product["sku"], product["slug"], product["name"]) == (demo.sku, demo.slug, demo.name)
    assert product["price"] == {"amount": "19.00", "currency": "USD"}
    assert product["images"] == [{"url": demo.image_url, "altText": demo.name}]
    assert len(product["attributes"]) >= 2
    assert [c["slug"] for c in product["category"]["breadcrumbs"]] == ["apparel", "t-shirts"]
    knife = next(p for p in PRODUCTS if "'" in p.name)
    by_slug = await catalog.gql("query($s: String) { product(slug: $s) { id } }", {"s": knife.slug})
    assert by_slug["data"]["product"]["id"] == knife.id


async def test_migrations_match_the_models(catalog: Catalog, database_url: str) -> None:
    assert await differences_from_models(database_url, metadata) == []
