"""Subscriptions through the router against real Strawberry subgraphs on free ports.

``orders`` owns ``Subscription.orderStatusChanged`` (its events reference a ``Product`` by
key); ``catalog`` owns ``Product.name`` (``tests/support/order_status_subgraphs.py``). The
router (real uvicorn, real gateway, supergraph composed by ``router.compose``) relays
graphql-transport-ws between a ``websockets`` client and the ``orders`` subgraph and resolves
``product { name }`` from ``catalog`` per event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
import websockets

from router.gateway import Gateway
from router.plugins.hot_reload import GatewayHolder
from router.server import ServerConfig, create_router_app
from tests.support.order_status_subgraphs import (
    SUBSCRIPTION,
    OrdersState,
    eventually,
    order_status_subgraphs,
    serving,
)
from tests.support.platform import free_port

PROTOCOL = "graphql-transport-ws"


@dataclass
class Stack:
    router_ws: str
    orders: OrdersState
    orders_server: uvicorn.Server


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    async with order_status_subgraphs() as subgraphs:
        gateway = Gateway.from_supergraph(subgraphs.supergraph, timeout_seconds=10)
        app = create_router_app(GatewayHolder(gateway), ServerConfig())
        router_port = free_port()
        async with serving(app, router_port, "on"):
            yield Stack(
                f"ws://127.0.0.1:{router_port}/graphql",
                subgraphs.orders,
                subgraphs.orders_server,
            )


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
