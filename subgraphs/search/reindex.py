"""``shopgraph search reindex``: rebuild the index from the source services.

1. Read the catalog (categories, every product), stock and ratings from the products,
   inventory and reviews subgraphs over GraphQL with an ``internal`` service token.
2. Record that snapshot in the per-product version table: a product's catalog state at its
   ``updatedAt``, stock and rating at the moment the reindex started, so an event newer than
   the snapshot keeps its (newer) state.
3. Build a new index from the version table and swap it in atomically
   (:meth:`SearchIndex.rebuild`): searches see the old index until the swap.
4. Catch up: rows changed by events while the new index was being built are written again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from shopgraph.db import Database
from shopgraph.internal import InternalClient
from shopgraph.money import to_minor
from shopgraph.settings import Settings
from subgraphs.search.indexer import Change, Indexer, parse_time
from subgraphs.search.repository import index_from_url

PAGE: Final = 100

CATEGORIES = "{ categories(flat: true) { id name parent { id } } }"
PRODUCTS = """
query($first: Int, $after: String) {
  products(first: $first, after: $after) {
    edges { node {
      id name description status createdAt updatedAt
      price { amount currency } category { id } attributes { name value }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
STOCK = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id stock { available } } }
}"""
RATINGS = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id rating { count histogram { stars count } } }
  }
}"""


@dataclass(frozen=True, slots=True)
class ReindexReport:
    categories: int
    products: int
    caught_up: int


def _utc_now() -> datetime:
    return datetime.now(UTC)


def catalog_change(node: dict[str, Any]) -> Change:
    """A products-subgraph ``Product`` as a catalog change at its ``updatedAt``."""
    price = node["price"]
    updated = parse_time(node["updatedAt"], _utc_now())
    values = {
        "name": node["name"],
        "description": node.get("description"),
        "status": node["status"],
        "category_id": (node.get("category") or {}).get("id"),
        "price_minor": to_minor(price["amount"], price["currency"]),
        "currency": price["currency"],
        "attributes": [{"name": a["name"], "value": a["value"]} for a in node["attributes"]],
        "created_at": parse_time(node["createdAt"], updated),
    }
    return Change(node["id"], "catalog_version", updated, values)


class SourceServices:
    """The products, inventory and reviews subgraphs, read with a service token."""

    def __init__(self, client: InternalClient) -> None:
        self.client = client

    async def categories(self) -> list[dict[str, Any]]:
        data = await self.client.query("products", CATEGORIES)
        found: list[dict[str, Any]] = data["categories"]
        return found

    async def product_pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        after: str | None = None
        while True:
            data = await self.client.query("products", PRODUCTS, {"first": PAGE, "after": after})
            page = data["products"]
            yield [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]

    async def _entities(self, service: str, query: str, ids: list[str]) -> list[dict[str, Any]]:
        reps = [{"__typename": "Product", "id": product_id} for product_id in ids]
        data = await self.client.query(service, query, {"representations": reps})
        return [entity for entity in data["_entities"] if entity]

    async def stock(self, ids: list[str]) -> dict[str, int]:
        found = await self._entities("inventory", STOCK, ids)
        return {e["id"]: int(e["stock"]["available"]) for e in found}

    async def ratings(self, ids: list[str]) -> dict[str, tuple[int, int]]:
        """Product id → (approved review count, sum of their stars)."""
        found = await self._entities("reviews", RATINGS, ids)
        return {
            e["id"]: (
                int(e["rating"]["count"]),
                sum(int(b["stars"]) * int(b["count"]) for b in e["rating"]["histogram"]),
            )
            for e in found
        }


async def reindex(
    indexer: Indexer, source: SourceServices, *, clock: Callable[[], datetime] = _utc_now
) -> ReindexReport:
    started = clock()
    categories = await source.categories()
    for category in categories:
        parent = (category.get("parent") or {}).get("id")
        await indexer.put_category(
            category["id"], category["name"], parent, deleted=False, version=started
        )
    products = 0
    async for nodes in source.product_pages():
        ids = [node["id"] for node in nodes]
        stock = await source.stock(ids)
        ratings = await source.ratings(ids)
        changes = [catalog_change(node) for node in nodes]
        for product_id in ids:
            if product_id in stock:
                values = {"available": stock[product_id]}
                changes.append(Change(product_id, "stock_version", started, values))
            if product_id in ratings:
                count, total = ratings[product_id]
                values = {"rating_count": count, "rating_total": total}
                changes.append(Change(product_id, "rating_version", started, values))
        await indexer.record(changes)
        products += len(nodes)
    building = clock()
    await indexer.index.rebuild(indexer.documents())
    late = [doc async for doc in indexer.documents(changed_since=building)]
    await indexer.index.upsert(late)
    return ReindexReport(categories=len(categories), products=products, caught_up=len(late))


async def run_reindex(settings: Settings) -> ReindexReport:
    """The whole command: its own database, index and service client."""
    db = Database(settings.database_url_for("search"), pool_size=2)
    index = index_from_url(settings.search_url, db)
    client = InternalClient(settings, "search", timeout_seconds=30)
    try:
        await index.start()
        return await reindex(Indexer(db, index), SourceServices(client))
    finally:
        await client.close()
        await index.close()
        await db.dispose()
