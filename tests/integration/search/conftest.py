"""A migrated search subgraph on each index column, fed by events, behind an HTTP client.

Columns: ``sqlite`` (SQL adapter on SQLite FTS5), ``postgres`` (SQL adapter on PostgreSQL
tsvector) and ``elasticsearch`` (the ES adapter; its version table on SQLite), each with a
private index (a unique alias on Elasticsearch).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.auth.keys import SigningKey
from shopgraph.events.envelope import Event
from subgraphs.search.app import create_app
from subgraphs.search.es_index import ElasticIndex
from subgraphs.search.handlers import registry_for
from subgraphs.search.indexer import Indexer
from subgraphs.search.repository import SearchIndex
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    real_service_url,
    unique_name,
)
from tests.support.subgraph import migrated_subgraph

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class GraphQLErrors(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [(e.get("extensions") or {}).get("code", "") for e in self.errors]


@dataclass
class SearchHarness:
    app: Starlette
    client: httpx.AsyncClient
    indexer: Indexer
    column: str
    clock: list[datetime] = field(default_factory=lambda: [T0])

    @property
    def index(self) -> SearchIndex:
        index: SearchIndex = self.app.state.index
        return index

    def tick(self) -> datetime:
        self.clock[0] += timedelta(seconds=1)
        return self.clock[0]

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        assert response.status_code == 200, body
        data: dict[str, Any] = body["data"]
        return data

    async def search(self, **variables: Any) -> dict[str, Any]:
        data = await self.gql(SEARCH, variables)
        result: dict[str, Any] = data["search"]
        return result

    async def names(self, **variables: Any) -> list[str]:
        result = await self.search(**variables)
        return [self.name_of[e["node"]["id"]] for e in result["edges"]]

    async def ids(self, **variables: Any) -> list[str]:
        result = await self.search(**variables)
        return [e["node"]["id"] for e in result["edges"]]

    name_of: dict[str, str] = field(default_factory=dict)

    async def deliver(self, topic: str, event: Event) -> None:
        """Hand one event to the worker group's handler, as the consumer runtime does, and
        make it visible at once (index refresh, category tree re-read)."""
        handler = registry_for(self.indexer).lookup(topic, event.type)
        assert handler is not None, (topic, event.type)
        await handler(event)
        await self.index.refresh()
        self.app.state.search.categories.forget()

    def event(
        self, type_: str, aggregate: str, payload: dict[str, Any], at: datetime | None = None
    ) -> Event:
        return Event(
            id=str(uuid.uuid4()),
            type=type_,
            version=1,
            occurred_at=at or self.tick(),
            aggregate_id=aggregate,
            payload=payload,
        )

    async def category(self, name: str, parent: str | None = None, change: str = "CREATED") -> str:
        category_id = str(uuid.uuid4())
        await self.put_category(category_id, name, parent, change)
        return category_id

    async def put_category(
        self, category_id: str, name: str, parent: str | None, change: str = "UPDATED"
    ) -> None:
        payload = {"categoryId": category_id, "name": name, "slug": name.lower(),
                   "parentId": parent, "change": change}  # fmt: skip
        await self.deliver("catalog", self.event("CategoryChanged", category_id, payload))

    async def product(
        self,
        name: str,
        *,
        price_minor: int,
        category: str | None = None,
        description: str = "",
        attributes: dict[str, str] | None = None,
        available: int = 5,
        ratings: Sequence[int] = (),
        status: str = "ACTIVE",
    ) -> str:
        product_id = str(uuid.uuid4())
        created = self.tick()
        await self.put_product(
            product_id, name, price_minor=price_minor, category=category,
            description=description, attributes=attributes, status=status,
            created=created, updated=created, type_="ProductCreated",
        )  # fmt: skip
        await self.stock(product_id, available)
        if ratings:
            await self.rating(product_id, len(ratings), sum(ratings))
        self.name_of[product_id] = name
        return product_id

    async def put_product(
        self,
        product_id: str,
        name: str,
        *,
        price_minor: int,
        category: str | None,
        created: datetime,
        updated: datetime,
        description: str = "",
        attributes: dict[str, str] | None = None,
        status: str = "ACTIVE",
        type_: str = "ProductUpdated",
    ) -> Event:
        payload = {
            "productId": product_id, "sku": name.upper()[:20], "name": name,
            "slug": name.lower(), "status": status, "priceMinor": price_minor,
            "currency": "USD", "categoryId": category, "weightGrams": None,
            "description": description,
            "attributes": [{"name": k, "value": v} for k, v in (attributes or {}).items()],
            "createdAt": created.isoformat(), "updatedAt": updated.isoformat(),
        }  # fmt: skip
        event = self.event(type_, product_id, payload)
        await self.deliver("catalog", event)
        self.name_of[product_id] = name
        return event

    async def stock(self, product_id: str, available: int, at: datetime | None = None) -> None:
        payload = {"productId": product_id, "onHand": available, "reserved": 0,
                   "available": available, "reason": "RESTOCK"}  # fmt: skip
        await self.deliver("inventory", self.event("StockChanged", product_id, payload, at))

    async def rating(self, product_id: str, count: int, total: int) -> None:
        review_id = str(uuid.uuid4())
        payload = {
            "reviewId": review_id,
            "productId": product_id,
            "userId": str(uuid.uuid4()),
            "rating": 5,
            "productRatingCount": count,
            "productRatingTotal": total,
        }
        await self.deliver("reviews", self.event("ReviewApproved", review_id, payload))


SEARCH = """
query($query: String, $filter: ProductSearchFilter, $sort: ProductSearchSort,
      $first: Int, $after: String) {
  search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount correctedQuery
    edges { cursor node { id } highlights }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    facets { field label values { value label count selected } }
  }
}"""

SUGGEST = """
query($prefix: String!, $first: Int) {
  searchSuggestions(prefix: $prefix, first: $first) { text product { id } }
}"""


@pytest.fixture(params=["sqlite", "postgres", "elasticsearch"])
async def search(
    request: pytest.FixtureRequest, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[SearchHarness]:
    column = request.param
    admin_url = database_name = None
    search_url = "sql://"
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'search.db'}"
    if column == "postgres":
        admin_url = real_service_url("postgres")
        database_name = unique_name("sgtest")
        database_url = await create_postgres_database(admin_url, database_name)
    if column == "elasticsearch":
        search_url = f"{real_service_url('elasticsearch')}/{unique_name('sgtest-products')}"
    settings, resources = await migrated_subgraph(
        "search", database_url, tmp_path, signing_key, outbox=None, search_url=search_url
    )
    app = create_app(settings, resources=resources)
    index: SearchIndex = app.state.index
    await resources.start()
    await index.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://search") as client:
            yield SearchHarness(app, client, Indexer(resources.db, index), column)
    finally:
        if isinstance(index, ElasticIndex):
            await index.drop()
        await index.close()
        await resources.stop()
        if admin_url is not None and database_name is not None:
            await drop_postgres_database(admin_url, database_name)
