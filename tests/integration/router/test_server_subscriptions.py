"""Subscriptions through the router against real Strawberry subgraphs on free ports.

``orders`` owns ``Subscription.orderStatusChanged`` (its events reference a ``Product`` by
key); ``catalog`` owns ``Product.name``. The router (real uvicorn, real gateway, supergraph
composed by ``router.compose``) relays graphql-transport-ws between a ``websockets`` client
and the ``orders`` subgraph and resolves ``product { name }`` from ``catalog`` per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest
import strawberry
import uvicorn
import websockets
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from router.compose import compose
from router.composition.sources import SubgraphSource
from router.gateway import Gateway
from router.plugins.hot_reload import GatewayHolder
from router.server import ServerConfig, create_router_app

PROTOCOL = "graphql-transport-ws"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    app: Any, port: int, lifespan: Literal["auto", "on", "off"] = "off"
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
class Stack:
    router_ws: str
    orders: OrdersState
    orders_server: uvicorn.Server


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    state = OrdersState()
    orders_port, catalog_port, router_port = free_port(), free_port(), free_port()
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
        holder = GatewayHolder(Gateway.from_supergraph(supergraph, timeout_seconds=10))
        app = create_router_app(holder, ServerConfig())
        async with serving(app, router_port, "on"):
            yield Stack(f"ws://127.0.0.1:{router_port}/graphql", state, orders_server)


SUBSCRIPTION = """subscription Watch($id: ID!) {
  orderStatusChanged(orderId: $id) { orderId status product { id name } }
}"""


async def open_client(url: str, token: str = "Bearer customer-1") -> Any:
    ws = await websockets.connect(url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": token}}))
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    await ws.send(
        json.dumps(
            {
                "id": "s1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIPTION, "variables": {"id": "o1"}},
            }
        )
    )
    return ws


async def receive(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return message


async def eventually(check: Any, seconds: float = 5) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not true within {seconds}s")


async def test_events_are_relayed_with_entity_fields_from_another_subgraph(stack: Stack) -> None:
    ws = await open_client(stack.router_ws)
    try:
        first, second = await receive(ws), await receive(ws)
        stack.orders.release.set()
        third, done = await receive(ws), await receive(ws)
    finally:
        await ws.close()
    expected = [
        {"orderId": "o1", "status": status, "product": {"id": "p1", "name": "Blue Mug"}}
        for status in ("PENDING", "PAID", "FULFILLED")
    ]
    assert [m["payload"]["data"]["orderStatusChanged"] for m in (first, second, third)] == expected
    assert {m["type"] for m in (first, second, third)} == {"next"}
    assert {m["id"] for m in (first, second, third, done)} == {"s1"}
    assert done == {"id": "s1", "type": "complete"}
    # the client's connection_init payload (its auth) reached the owning subgraph
    assert stack.orders.auth_seen == ["Bearer customer-1"]


async def test_client_disconnect_closes_the_upstream_subscription(stack: Stack) -> None:
    ws = await open_client(stack.router_ws)
    await receive(ws)
    await receive(ws)
    assert stack.orders.open_streams == 1
    await ws.close()
    await eventually(lambda: stack.orders.closed_streams == 1)


async def test_client_complete_closes_the_upstream_subscription(stack: Stack) -> None:
    ws = await open_client(stack.router_ws)
    try:
        await receive(ws)
        await ws.send(json.dumps({"id": "s1", "type": "complete"}))
        await eventually(lambda: stack.orders.closed_streams == 1)
        await ws.send(json.dumps({"type": "ping"}))
        while (message := await receive(ws))["type"] == "next":
            continue  # an event already in flight may still arrive
        assert message["type"] == "pong"  # the connection itself stays usable
    finally:
        await ws.close()


async def test_upstream_failure_ends_the_client_operation_with_an_error(stack: Stack) -> None:
    ws = await open_client(stack.router_ws)
    try:
        await receive(ws)
        await receive(ws)
        stack.orders_server.should_exit = True  # the orders subgraph goes away mid-stream
        stack.orders_server.force_exit = True
        error = await receive(ws)
        complete = await receive(ws)
    finally:
        await ws.close()
    assert error["type"] == "error" and error["id"] == "s1"
    assert error["payload"][0]["extensions"]["serviceName"] == "orders"
    assert error["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_UPSTREAM_FAILED"
    assert complete == {"id": "s1", "type": "complete"}


async def test_invalid_subscription_is_an_error_not_a_silent_close(stack: Stack) -> None:
    ws = await websockets.connect(stack.router_ws, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    try:
        await ws.send(json.dumps({"type": "connection_init"}))
        await receive(ws)
        await ws.send(
            json.dumps(
                {"id": "x", "type": "subscribe", "payload": {"query": "subscription { nope }"}}
            )
        )
        message = await receive(ws)
    finally:
        await ws.close()
    assert message["type"] == "error" and message["id"] == "x"
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_queries_over_http_reach_both_subgraphs(stack: Stack) -> None:
    url = stack.router_ws.replace("ws://", "http://")
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json={"query": "{ orderCount products { id name } }"})
    assert response.json() == {
        "data": {"orderCount": 1, "products": [{"id": "p1", "name": "Blue Mug"}]}
    }
