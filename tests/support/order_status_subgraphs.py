"""Two small Strawberry subgraphs for relaying subscriptions through the router.

``orders`` owns ``Subscription.orderStatusChanged`` (its events reference a ``Product`` by
key; each stream sends PENDING and PAID, then FULFILLED once ``OrdersState.release`` is set);
``catalog`` owns ``Product.name``. :func:`order_status_subgraphs` serves both on free ports
(real uvicorn) and composes their supergraph.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import strawberry
import uvicorn
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from router.compose import compose
from router.composition.sources import SubgraphSource
from tests.support.platform import free_port

SUBSCRIPTION = """subscription Watch($id: ID!) {
  orderStatusChanged(orderId: $id) { orderId status product { id name } }
}"""


@dataclass
class OrdersState:
    """What the orders subgraph saw: lets tests check the upstream side of the relay."""

    auth_seen: list[str | None] = field(default_factory=list)
    open_streams: int = 0
    closed_streams: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)


@strawberry.federation.type(
    name="Product", directives=[Key(fields=FieldSet("id"), resolvable=False)]
)
class OrderedProduct:
    id: strawberry.ID


@strawberry.type
class OrderStatusEvent:
    order_id: strawberry.ID
    status: str
    product: OrderedProduct


@strawberry.type
class OrdersQuery:
    @strawberry.field
    def order_count(self) -> int:
        return 1


def event(order_id: strawberry.ID, status: str) -> OrderStatusEvent:
    return OrderStatusEvent(
        order_id=order_id, status=status, product=OrderedProduct(id=strawberry.ID("p1"))
    )


@strawberry.type
class OrdersSubscription:
    @strawberry.subscription
    async def order_status_changed(
        self, info: strawberry.Info, order_id: strawberry.ID
    ) -> AsyncGenerator[OrderStatusEvent]:
        state: OrdersState = info.context["state"]
        params = info.context.get("connection_params") or {}
        state.auth_seen.append(params.get("Authorization"))
        state.open_streams += 1
        try:
            yield event(order_id, "PENDING")
            yield event(order_id, "PAID")
            await state.release.wait()  # hold the stream open until the test says so
            yield event(order_id, "FULFILLED")
        finally:
            state.closed_streams += 1


ORDERS_SCHEMA = strawberry.federation.Schema(
    query=OrdersQuery, subscription=OrdersSubscription, federation_version="2.9"
)
CATALOG_NAMES = {"p1": "Blue Mug"}


@strawberry.federation.type(keys=["id"], name="Product")
class CatalogProduct:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogProduct:
        return cls(id=id, name=CATALOG_NAMES[str(id)])


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def products(self) -> list[CatalogProduct]:
        return [CatalogProduct(id=strawberry.ID(k), name=v) for k, v in CATALOG_NAMES.items()]


CATALOG_SCHEMA = strawberry.federation.Schema(
    query=CatalogQuery, types=[CatalogProduct], federation_version="2.9"
)


class OrdersGraphQL(GraphQL[Any, Any]):
    def __init__(self, state: OrdersState) -> None:
        super().__init__(ORDERS_SCHEMA)
        self.state = state

    async def get_context(self, request: Any, response: Any) -> Any:
        return {"request": request, "response": response, "state": self.state}


@contextlib.asynccontextmanager
async def serving(
    app: Any, port: int, lifespan: Literal["on", "off"] = "off"
) -> AsyncIterator[uvicorn.Server]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def sdl_of(url: str) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json={"query": "{ _service { sdl } }"})
    return str(response.json()["data"]["_service"]["sdl"])


@dataclass
class OrderStatusSubgraphs:
    orders: OrdersState
    orders_server: uvicorn.Server
    supergraph: str


@contextlib.asynccontextmanager
async def order_status_subgraphs() -> AsyncIterator[OrderStatusSubgraphs]:
    state = OrdersState()
    orders_port, catalog_port = free_port(), free_port()
    orders_url = f"http://127.0.0.1:{orders_port}/graphql"
    catalog_url = f"http://127.0.0.1:{catalog_port}/graphql"
    async with (
        serving(OrdersGraphQL(state), orders_port) as orders_server,
        serving(GraphQL(CATALOG_SCHEMA), catalog_port),
    ):
        supergraph = compose(
            [
                SubgraphSource("orders", orders_url, await sdl_of(orders_url)),
                SubgraphSource("catalog", catalog_url, await sdl_of(catalog_url)),
            ]
        )
        yield OrderStatusSubgraphs(state, orders_server, supergraph)


async def eventually(check: Callable[[], bool], seconds: float = 60) -> None:
    """Waits until ``check()`` holds (the bound only matters on a loaded machine)."""
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not true within {seconds}s")
