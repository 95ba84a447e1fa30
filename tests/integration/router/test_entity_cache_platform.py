"""The entity cache through a running router in front of ShopGraph's subgraphs, on the
embedded stack of ``make dev`` and on PostgreSQL, Kafka and Redis: a cached product is
served without asking its subgraphs, a price change is visible as soon as its event arrives,
private data never crosses users."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from router.config import RouterConfig
from router.plugins.entity_cache import EntityCacheSection, EntityCacheTypeSection
from router.serve import RouterOptions
from shopgraph.settings import Settings
from tests.support.platform import column_settings, running_platform
from tests.support.router import router_in_front

pytestmark = pytest.mark.integration

PRODUCT = """query($id: ID!) { product(id: $id) {
    id name price { amount } stock { available } rating { count } } }"""
CART = "{ cart { lines { quantity product { id price { amount } } } } }"
AUTHOR_EMAIL = "query($id: ID!) { review(id: $id) { id author { id email } } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { accessToken errors { code } } }"
ADD_REVIEW = """mutation($i: AddReviewInput!) { addReview(input: $i) {
    review { id } errors { code } } }"""


@contextlib.asynccontextmanager
async def caching_router(settings: Settings) -> AsyncIterator[str]:
    # Users are cached per user only when told how long (private types have no default TTL).
    section = EntityCacheSection(
        enabled=True,
        default_ttl_seconds=300,
        types={"User": EntityCacheTypeSection(ttl_seconds=300)},
    )
    config = RouterConfig(entity_cache=section)
    async with router_in_front(settings, RouterOptions(rate_limit=0, config=config)) as url:
        yield url


class Client:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def send(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        strict: bool = True,
    ) -> dict[str, Any]:
        body = {"query": query, "variables": variables or {}, "extensions": {"cache": True}}
        response = await self.http.post(self.url, json=body, headers=headers)
        answer: dict[str, Any] = response.json()
        assert not (strict and answer.get("errors")), answer
        return answer

    async def token(self, mutation: str, variables: dict[str, Any]) -> str:
        data = (await self.send(mutation, variables))["data"]
        (payload,) = data.values()
        assert payload["errors"] == [], payload
        token: str = payload["accessToken"]
        return token


def fetches_to(subgraph: str) -> float:
    """Requests the router has sent ``subgraph`` (its fetch-latency histogram's count)."""
    value = REGISTRY.get_sample_value(
        "shopgraph_router_subgraph_fetch_seconds_count", {"subgraph": subgraph}
    )
    return value or 0.0


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def customer(client: Client) -> str:
    return await client.token(
        REGISTER,
        {
            "i": {
                "email": f"cache-{uuid.uuid4().hex[:10]}@example.com",
                "password": "cache-pass-1234",
                "firstName": "Cache",
                "lastName": "Test",
            }
        },
    )


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_entity_cache_through_the_router(column: str, tmp_path: Path) -> None:
    settings = column_settings(column, tmp_path)
    async with running_platform(settings) as platform, caching_router(platform.settings) as url:
        client = Client(platform.http, url)
        page = await client.send("{ products(first: 2) { edges { node { id } } } }")
        first, second = (edge["node"]["id"] for edge in page["data"]["products"]["edges"])

        # a product's stock and rating: once cached, reads ask neither inventory nor reviews.
        # The router's fresh consumer group first replays the seed's events, each of which
        # invalidates its product; on a busy machine it can still be replaying after the
        # first hit, so wait for two reads in a row served by the cache alone.
        cold = await client.send(PRODUCT, {"id": first})
        whole_hit = {"hits": 2, "misses": 0, "uncached": 0}
        async with asyncio.timeout(60):
            while True:
                asked = fetches_to("inventory"), fetches_to("reviews")
                reads = [await client.send(PRODUCT, {"id": first}) for _ in range(2)]
                unasked = (fetches_to("inventory"), fetches_to("reviews")) == asked
                if unasked and all(r["extensions"]["cache"] == whole_hit for r in reads):
                    break
                await asyncio.sleep(0.1)
        assert [r["data"] for r in reads] == [cold["data"], cold["data"]]

        # a guest cart shows the product's price from the cache, then the new price
        added = await client.send(
            """mutation($i: AddToCartInput!) { addToCart(input: $i) { cartToken
                 errors { code } } }""",
            {"i": {"productId": first, "quantity": 1}},
        )
        cart_token = {"x-cart-token": added["data"]["addToCart"]["cartToken"]}
        await client.send(CART, None, cart_token)
        cached = await client.send(CART, None, cart_token)
        assert cached["extensions"]["cache"]["hits"] == 1
        old_price = cached["data"]["cart"]["lines"][0]["product"]["price"]["amount"]
        new_price = "9999.99" if old_price != "9999.99" else "8888.88"
        admin = await client.token(
            LOGIN,
            {"i": {"email": platform.settings.admin_email, "password": settings.admin_password}},
        )
        changed = await client.send(
            """mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) {
                 errors { code } } }""",
            {"id": first, "i": {"price": {"amount": new_price, "currency": "USD"}}},
            bearer(admin),
        )
        assert changed["data"]["updateProduct"]["errors"] == []
        seen = old_price
        async with asyncio.timeout(30):  # the TTL is 300 s: only the event can refresh it
            while seen != new_price:
                await asyncio.sleep(0.1)
                fresh = await client.send(CART, None, cart_token)
                seen = fresh["data"]["cart"]["lines"][0]["product"]["price"]["amount"]
        assert seen == new_price

        # private (User): alice's email, cached for her, never reaches anyone else
        alice, bob = await customer(client), await customer(client)
        review = await client.send(
            ADD_REVIEW,
            {"i": {"productId": second, "rating": 4, "title": "Fine", "body": "Fine."}},
            bearer(alice),
        )
        review_id = review["data"]["addReview"]["review"]["id"]
        await client.send(
            "mutation($id: ID!) { approveReview(id: $id) { errors { code } } }",
            {"id": review_id},
            bearer(admin),
        )
        own = await client.send(AUTHOR_EMAIL, {"id": review_id}, bearer(alice))
        email = own["data"]["review"]["author"]["email"]
        assert email.startswith("cache-")
        again = await client.send(AUTHOR_EMAIL, {"id": review_id}, bearer(alice))
        assert again["data"] == own["data"]
        assert again["extensions"]["cache"]["hits"] == 1, "alice's entry is cached for alice"
        for headers in (bearer(bob), {}):
            other = await client.send(AUTHOR_EMAIL, {"id": review_id}, headers, strict=False)
            assert email not in str(other["data"])
            assert other["extensions"]["cache"]["hits"] == 0

        metrics = (await platform.http.get(url.replace("/graphql", "/metrics"))).text
        hits = [
            line
            for line in metrics.splitlines()
            if line.startswith("shopgraph_router_entity_cache_lookups_total{")
            and 'result="hit"' in line
            and 'subgraph="inventory"' in line
        ]
        assert hits and float(hits[0].rsplit(" ", 1)[1]) >= 1
