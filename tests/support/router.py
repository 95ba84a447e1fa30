"""The router of ``make dev`` (``router.serve.dev_router``) in front of a test platform's
subgraphs, and a storefront's client of it: every call goes to the router's ``/graphql``."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn

from bootstrap.registry import service_names
from router.serve import RouterOptions, dev_router
from shopgraph.settings import Settings
from tests.support.platform import free_port
from tests.support.shop import ADDRESS

PLACE_ORDER = """mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
    order { id status } errors { code message } } }"""


def new_order_input() -> dict[str, Any]:
    """A ``PlaceOrderInput`` with a key of its own (never a replay of another order)."""
    return {"shippingAddress": ADDRESS, "paymentMethod": "pm_card_visa",
            "idempotencyKey": uuid.uuid4().hex}  # fmt: skip


@contextlib.asynccontextmanager
async def router_in_front(
    settings: Settings, options: RouterOptions | None = None
) -> AsyncIterator[str]:
    """The router on a free port, composed from the subgraphs of ``settings``; yields its
    ``/graphql`` URL. ``options`` default to no rate limit a test could reach."""
    router = dev_router(settings, service_names(), options or RouterOptions(rate_limit=10_000))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(router.app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        assert router.holder.version == "composed", "the router could not compose the supergraph"
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


class Storefront:
    """Operations sent to the router as the storefront sends them."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http = http
        self.url = url

    async def send(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The whole response body (``data`` and ``errors``)."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The ``data`` of an operation that must answer without errors."""
        body = await self.send(query, variables, token)
        assert not body.get("errors"), body
        result: dict[str, Any] = body["data"]
        return result

    async def place_order(self, token: str) -> str:
        """``placeOrder`` of the shopper's cart to ``ADDRESS``, paid by a card the payment
        provider accepts; the new order's id."""
        placed = (await self.data(PLACE_ORDER, {"i": new_order_input()}, token))["placeOrder"]
        assert placed["errors"] == [], placed
        return str(placed["order"]["id"])
