"""``shopgraph compose --fetch``: SDLs asked from running Strawberry subgraphs over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import strawberry
import uvicorn
from strawberry.asgi import GraphQL

from router.compose import compose
from router.composition.sources import SourceError, fetch_all
from tests.support.platform import free_port as _free_port


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return Product(id=id, name="x")


@strawberry.federation.type(name="Product", keys=["id"])
class StockedProduct:
    id: strawberry.ID
    stock: int


@strawberry.type
class StockQuery:
    @strawberry.field
    def in_stock(self) -> list[StockedProduct]:
        return []


@asynccontextmanager
async def serving(schema: strawberry.federation.Schema) -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(GraphQL(schema), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(1000):  # up to 10 s
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "the test subgraph did not start"
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


async def test_fetched_subgraph_sdls_compose() -> None:
    products = strawberry.federation.Schema(query=ProductsQuery)
    stock = strawberry.federation.Schema(query=StockQuery)
    async with (
        serving(products) as products_url,
        serving(stock) as stock_url,
        httpx.AsyncClient(timeout=10) as client,
    ):
        sources = await fetch_all([("products", products_url), ("stock", stock_url)], client)
    sdl = compose(sources)
    assert f'PRODUCTS @join__graph(name: "products", url: "{products_url}")' in sdl
    assert (
        'type Product @join__type(graph: PRODUCTS, key: "id") @join__type(graph: STOCK, key: "id")'
        in sdl
    )
    assert "stock: Int! @join__field(graph: STOCK)" in sdl
    assert "_entities" not in sdl and "_Service" not in sdl


async def test_an_unreachable_subgraph_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/graphql"
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            await fetch_all([("gone", url)], client)
        except SourceError as exc:
            assert "gone" in str(exc) and url in str(exc)
        else:
            raise AssertionError("expected SourceError")
