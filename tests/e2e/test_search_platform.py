"""Search in the whole platform: the seeded catalog arrives through the search worker group,
the router composes the search subgraph with the owners of name, price and stock, a new
product is searchable moments after it is created, its rating follows its reviews (and
drops a review edited back to moderation), and ``reindex`` swaps the index with
no moment of empty results. Embedded column (SQLite index) and real column (PostgreSQL,
Kafka, Redis and Elasticsearch)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest

from shopgraph.demo_catalog import PRODUCTS
from subgraphs.search.reindex import run_reindex
from tests.conftest import real_service_url, unique_name
from tests.support.platform import column_settings, running_platform
from tests.support.router import Storefront, router_in_front

pytestmark = pytest.mark.e2e

SEARCH = """
query($q: String, $filter: ProductSearchFilter) {
  search(query: $q, filter: $filter, first: 5) {
    totalCount
    edges { node { id name price { amount currency } stock { available } } highlights }
    facets { field values { value label count selected } }
  }
}"""
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"
CREATE = """mutation($i: CreateProductInput!) { createProduct(input: $i) {
  product { id } errors { code } } }"""
ADD_REVIEW = """mutation($i: AddReviewInput!) { addReview(input: $i) {
  review { id status } errors { code } } }"""
EDIT_REVIEW = """mutation($id: ID!, $i: EditReviewInput!) { editReview(id: $id, input: $i) {
  review { status } errors { code } } }"""


async def eventually(check: Any, seconds: float = 180) -> Any:
    """Poll ``check`` (an async callable returning a value or None) until it returns one.
    The bound is generous: the first catalog waits for the search worker group to join its
    Kafka consumer group and index the seeded products, slow on a busy machine."""
    async with asyncio.timeout(seconds):
        while (found := await check()) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        return found


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_search_in_the_running_platform(column: str, tmp_path: Path) -> None:
    overrides: dict[str, Any] = {}
    if column != "embedded":
        alias = unique_name("sge2e-products")
        overrides["search_url"] = f"{real_service_url('elasticsearch')}/{alias}"
    settings = column_settings(column, tmp_path, **overrides)
    async with running_platform(settings) as platform, router_in_front(platform.settings) as url:
        shop = Storefront(platform.http, url)

        async def whole_catalog() -> dict[str, Any] | None:
            result: dict[str, Any] = (await shop.data(SEARCH, {}))["search"]
            return result if result["totalCount"] == len(PRODUCTS) else None

        await eventually(whole_catalog)
        sneakers = (await shop.data(SEARCH, {"q": "sneakers"}))["search"]
        assert sneakers["totalCount"] == 5
        first = sneakers["edges"][0]
        assert first["node"]["name"].endswith("Sneaker")
        assert first["node"]["price"]["currency"] == "USD"
        assert first["node"]["stock"]["available"] >= 0
        assert any("<em>Sneaker</em>" in h for h in first["highlights"])
        categories = {f["field"]: f for f in sneakers["facets"]}["category"]
        assert {v["label"]: v["count"] for v in categories["values"]} == {"Apparel": 5, "Shoes": 5}

        admin = (
            await shop.data(
                LOGIN, {"i": {"email": settings.admin_email, "password": settings.admin_password}}
            )
        )["login"]["accessToken"]
        sku = f"SRCH-{uuid.uuid4().hex[:8].upper()}"
        product = {"name": "Zephyr Kayak", "sku": sku, "price": {"amount": "499.00",
                   "currency": "USD"}, "description": "A sea kayak."}  # fmt: skip
        created = (await shop.data(CREATE, {"i": product}, admin))["createProduct"]
        assert created["errors"] == []

        async def kayak() -> list[Any] | None:
            edges: list[Any] = (await shop.data(SEARCH, {"q": "kayak"}))["search"]["edges"]
            return edges or None

        found = await eventually(kayak)
        assert [e["node"]["id"] for e in found] == [created["product"]["id"]]
        await a_review_counts_in_search_only_while_approved(shop, admin, created["product"]["id"])

        counts: list[int] = []

        async def keep_searching() -> None:
            while True:
                counts.append((await shop.data(SEARCH, {}))["search"]["totalCount"])
                await asyncio.sleep(0)

        searching = asyncio.create_task(keep_searching())
        try:
            report = await run_reindex(platform.settings)
        finally:
            searching.cancel()
        assert report.products == len(PRODUCTS) + 1
        assert counts and set(counts) == {len(PRODUCTS) + 1}
        after = (await shop.data(SEARCH, {"q": "kayak"}))["search"]
        assert [e["node"]["id"] for e in after["edges"]] == [created["product"]["id"]]


async def a_review_counts_in_search_only_while_approved(
    shop: Storefront, token: str, product_id: str
) -> None:
    """reviews → outbox → bus → the search worker group → the index, for the product's
    rating: approved, it matches ``minRating``; edited back to moderation, it no longer does."""
    rated = {"q": "kayak", "filter": {"minRating": 4}}

    async def rated_count(wanted: int) -> int | None:
        count: int = (await shop.data(SEARCH, rated))["search"]["totalCount"]
        return count if count == wanted else None

    assert await rated_count(0) == 0
    review = {"productId": product_id, "rating": 5, "title": "Great", "body": "Stable and fast."}
    added = (await shop.data(ADD_REVIEW, {"i": review}, token))["addReview"]
    assert (added["errors"], added["review"]["status"]) == ([], "APPROVED")
    await eventually(lambda: rated_count(1))
    link = {"id": added["review"]["id"], "i": {"body": "Cheaper at www.example.com"}}
    held = (await shop.data(EDIT_REVIEW, link, token))["editReview"]
    assert (held["errors"], held["review"]["status"]) == ([], "PENDING")
    await eventually(lambda: rated_count(0))
