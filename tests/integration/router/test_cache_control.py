"""``@cacheControl`` through a running router (uvicorn) in front of two running Strawberry
subgraphs that compose the hints into the supergraph
(tests/integration/router/cache_control_subgraphs.py): the ``Cache-Control`` header of each
response, and entity cache entries that field hints keep out of the cache."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from strawberry.asgi import GraphQL

from router.config import parse_config
from router.plugins.hot_reload import GatewayHolder
from router.serve import RouterOptions, compose_from_running, load_gateway, pipeline_for
from router.serve import server_config as router_server_config
from router.server import create_router_app
from shopgraph.settings import load_settings
from tests.integration.router.cache_control_subgraphs import Served, catalog_schema, pricing_schema
from tests.support.order_status_subgraphs import serving
from tests.support.platform import free_port

CONFIG = """
[entity_cache]
enabled = true
invalidate_on_events = false
default_ttl_seconds = 300
"""


@dataclass
class Router:
    url: str
    pricing: Served

    async def post(self, query: str, **headers: str) -> httpx.Response:
        body = {"query": query, "extensions": {"cache": True}}
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.post(self.url, json=body, headers=headers)


@pytest.fixture
async def router(tmp_path: Path) -> AsyncIterator[Router]:
    pricing = Served()
    apps = {"catalog": GraphQL(catalog_schema()), "pricing": GraphQL(pricing_schema(pricing))}
    async with contextlib.AsyncExitStack() as stack:
        urls = {}
        for name, app in apps.items():
            port = free_port()
            await stack.enter_async_context(serving(app, port))
            urls[name] = f"http://127.0.0.1:{port}/graphql"
        sdl = await compose_from_running(list(urls.items()))
        settings = load_settings(
            environment="test", data_dir=tmp_path, kv_url=f"memory://cache-control-{free_port()}"
        )
        options = RouterOptions.from_config(parse_config(CONFIG, source="test.toml"))
        gateway = load_gateway(sdl, subgraph_urls=urls)
        router_app = create_router_app(
            GatewayHolder(gateway),
            router_server_config(settings, options),
            pipeline=pipeline_for(settings, options),
        )
        port = free_port()
        await stack.enter_async_context(serving(router_app, port, "on"))
        yield Router(f"http://127.0.0.1:{port}/graphql", pricing)


def cache_control(response: httpx.Response) -> str:
    return str(response.headers.get("cache-control", ""))


async def test_the_header_carries_the_shortest_age_of_the_fields_asked(router: Router) -> None:
    # Query.products: 60 (over Product's 120); Product.price: 30
    names = await router.post("{ products { id name } }")
    priced = await router.post("{ products { id name price } }")
    assert names.json()["data"]["products"][0] == {"id": "p1", "name": "Product p1"}
    assert cache_control(names) == "max-age=60, public"
    assert cache_control(priced) == "max-age=30, public"
    mine = await router.post("{ products { id myDiscount } }")
    assert cache_control(mine) == "max-age=30, private"


async def test_uncacheable_responses_are_no_store(router: Router) -> None:
    unhinted = await router.post("{ motd }")
    mutation = await router.post("mutation { touch }")
    failed = await router.post("{ broken }")
    assert unhinted.json()["data"] == {"motd": "hello"}
    assert mutation.json()["data"] == {"touch": True}
    assert failed.json()["errors"]
    assert [cache_control(r) for r in (unhinted, mutation, failed)] == ["no-store"] * 3


async def test_a_field_with_max_age_zero_keeps_its_entities_out_of_the_entity_cache(
    router: Router,
) -> None:
    async def served_twice(query: str) -> list[dict[str, Any]]:
        stats = []
        for _ in range(2):
            stats.append((await router.post(query)).json()["extensions"]["cache"])
        return stats

    priced = await served_twice("{ products { id price } }")
    assert [s["hits"] for s in priced] == [0, 2]  # Product with price: cached (30 s)
    before = router.pricing.entity_requests
    live = await served_twice("{ products { id livePrice } }")
    assert [s["hits"] for s in live] == [0, 0]
    assert [s["uncached"] for s in live] == [2, 2]
    assert router.pricing.entity_requests == before + 4  # asked every time
