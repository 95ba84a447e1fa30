"""A storefront that cannot open a WebSocket follows its order over SSE and multipart HTTP.

The whole platform runs in the test process with ``make dev``'s router in front
(``tests/e2e/test_router_storefront.py``); the payments worker group is held back until both
streams are open, so each sees the order's status change from PENDING to PAID.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.http_streams import multipart_parts, sse_messages
from tests.support.platform import column_settings, running_platform
from tests.support.router import Storefront, router_in_front
from tests.support.shop import Shop

pytestmark = pytest.mark.e2e

WATCH = """subscription($id: ID!) { orderStatusChanged(orderId: $id) { orderId status } }"""
# A wait ends as soon as the event arrives; the bound only matters on a loaded machine.
EVENT_WAIT_SECONDS = 180.0
SSE = {"accept": "text/event-stream"}
MULTIPART = {"accept": 'multipart/mixed;subscriptionSpec="1.0", application/json'}


async def place_order(shop: Storefront, token: str, product_id: str) -> str:
    added = (
        await shop.data(
            """mutation($i: AddToCartInput!) { addToCart(input: $i) { errors { code } } }""",
            {"i": {"productId": product_id, "quantity": 1}},
            token,
        )
    )["addToCart"]
    assert added["errors"] == []
    return await shop.place_order(token)


@contextlib.asynccontextmanager
async def statuses_over(
    http: httpx.AsyncClient, url: str, token: str, order_id: str, accept: dict[str, str]
) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Each ``orderStatusChanged`` event the stream delivers, in a queue."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    body = {"query": WATCH, "variables": {"id": order_id}}
    headers = accept | {"authorization": f"Bearer {token}"}
    async with http.stream("POST", url, json=body, headers=headers) as response:
        assert response.status_code == 200, await response.aread()

        async def pump() -> None:
            if accept is SSE:
                async for event, data in sse_messages(response):
                    if event == "next":
                        await queue.put(json.loads(data))
            else:
                async for part in multipart_parts(response):
                    if isinstance(part, dict) and "payload" in part:
                        await queue.put(part["payload"] or part)

        task = asyncio.create_task(pump())
        try:
            yield queue
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def next_status(events: asyncio.Queue[dict[str, Any]], order_id: str) -> str:
    async with asyncio.timeout(EVENT_WAIT_SECONDS):
        event = await events.get()
    assert "errors" not in event, event
    change = event["data"]["orderStatusChanged"]
    assert change["orderId"] == order_id
    return str(change["status"])


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_order_status_over_sse_and_multipart(column: str, tmp_path: Path) -> None:
    settings = column_settings(column, tmp_path)
    async with (
        running_platform(settings, skip_groups=frozenset({"payments"})) as platform,
        router_in_front(platform.settings) as url,
        httpx.AsyncClient(timeout=30) as http,
    ):
        admin = Shop(platform)
        await admin.sign_in_admin()
        product_id = await admin.create_product(price="9.00", stock=5)
        shop = Storefront(http, url)
        token = await admin.register()
        order_id = await place_order(shop, token, product_id)

        async with (
            statuses_over(http, url, token, order_id, SSE) as over_sse,
            statuses_over(http, url, token, order_id, MULTIPART) as over_multipart,
        ):
            # First the order's current status, then each change as it happens.
            assert await next_status(over_sse, order_id) == "PENDING"
            assert await next_status(over_multipart, order_id) == "PENDING"
            platform.start_group("payments")
            assert await next_status(over_sse, order_id) == "PAID"
            assert await next_status(over_multipart, order_id) == "PAID"
