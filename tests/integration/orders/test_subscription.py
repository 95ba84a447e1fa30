"""orderStatusChanged over a real WebSocket (uvicorn on a free port), fed by the real
worker groups: a payment event on the bus → the ``orders`` group marks the order PAID →
the app's outbox relay publishes OrderStatusChanged → the ``order-status`` group publishes
it on the key-value channel → the subscription sends it. Embedded column (SQLite,
in-process bus and store) and real column (PostgreSQL, Kafka, Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bootstrap.migrate import migrate
from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from shopgraph.runner import Background, Served, run_together
from subgraphs.orders import handlers
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    real_service_url,
    unique_name,
)
from tests.integration.orders.conftest import (
    Orders,
    Upstream,
    build_orders,
    orders_settings,
    placed_order,
    staff_of,
)
from tests.support.graphql_ws import subscribed
from tests.support.platform import free_port
from workers.runtime import WorkerGroup


@dataclass
class Live:
    orders: Orders  # HTTP goes to the first replica
    ws_url: str  # the first replica's WebSocket
    replica_ws_url: str  # a second replica of the app on the same database, bus and store


@pytest.fixture(params=["embedded", "postgres+kafka+redis"])
async def live(
    request: pytest.FixtureRequest, tmp_path: Path, upstream: Upstream
) -> AsyncIterator[Live]:
    db_name = ""
    if request.param == "embedded":
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    else:
        admin = real_service_url("postgres")
        db_name = unique_name("sgorders")
        database_url = await create_postgres_database(admin, db_name)
    shop = await upstream.shop_for(database_url)
    await migrate("orders", database_url)
    port, replica_port = free_port(), free_port()
    # Kafka and Redis beside PostgreSQL (orders_settings picks them by the database).
    ports = {**shop.platform.settings.ports, "orders": port}
    settings = orders_settings(shop, database_url, tmp_path, outbox_poll_seconds=0.05, ports=ports)
    app, resources = build_orders(settings)
    replica, _ = build_orders(settings)
    # Own group ids, so a platform running against the same Kafka cannot take our events.
    groups = [
        WorkerGroup(unique_name("orders"), ("payments",), handlers.order_handlers),
        WorkerGroup(unique_name("order-status"), handlers.STATUS_TOPICS, handlers.status_handlers),
    ]
    runtimes = [group.build(settings) for group in groups]
    background = [Background(g.name, r.run, r.stop) for g, r in zip(groups, runtimes, strict=True)]
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        run_together(
            [
                Served("orders", app, "127.0.0.1", port),
                Served("orders-replica", replica, "127.0.0.1", replica_port),
            ],
            background,
            ready=ready,
            stop=stop,
            handle_signals=False,
        )
    )
    await asyncio.wait_for(ready.wait(), 30)
    staff = staff_of(shop)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            orders = Orders(app, client, settings, resources, shop, staff, "")
            yield Live(
                orders,
                f"ws://127.0.0.1:{port}/graphql",
                f"ws://127.0.0.1:{replica_port}/graphql",
            )
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        if db_name:
            await drop_postgres_database(real_service_url("postgres"), db_name)


SUBSCRIBE = """subscription($id: ID!) {
  orderStatusChanged(orderId: $id) { orderId status previousStatus at } }"""


@contextlib.asynccontextmanager
async def stream(
    live: Live, token: str | None, order_id: str, *, replica: bool = False
) -> AsyncIterator[Any]:
    url = live.replica_ws_url if replica else live.ws_url
    async with subscribed(url, token, SUBSCRIBE, {"id": order_id}) as ws:
        yield ws


async def next_frame(ws: Any, seconds: float = 30) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), seconds))
    return frame


async def publish_payment(live: Live, order_id: str, kind: str = "PaymentSucceeded") -> None:
    bus = bus_from_url(live.orders.settings.bus_url)
    await bus.start()
    try:
        payload: dict[str, Any] = {"orderId": order_id, "paymentId": str(uuid.uuid4())}
        if kind == "PaymentSucceeded":  # the whole contract: other groups read this topic
            payload |= {"amountMinor": 3149, "currency": "USD"}
        else:
            payload["reason"] = "card declined"
        event = Event.new(kind, order_id, payload)
        await bus.publish("payments", event)
        await bus.publish("payments", event)  # redelivered: one status change only
    finally:
        await bus.stop()


async def test_owner_gets_current_status_then_each_change(live: Live) -> None:
    shopper = await live.orders.shopper()
    order_id = await placed_order(live.orders, shopper)
    # Watching on one replica while the change is made on the other: the fan-out goes
    # through the key-value pub/sub, not through the process.
    async with stream(live, shopper.token, order_id, replica=True) as ws:
        first = await next_frame(ws)
        assert first["type"] == "next", first
        assert first["payload"]["data"]["orderStatusChanged"]["status"] == "PENDING"
        assert first["payload"]["data"]["orderStatusChanged"]["orderId"] == order_id

        await publish_payment(live, order_id)
        paid = (await next_frame(ws))["payload"]["data"]["orderStatusChanged"]
        assert (paid["previousStatus"], paid["status"]) == ("PENDING", "PAID")

        body = await live.orders.gql(
            "mutation($id: ID!) { fulfillOrder(id: $id) { errors { code } } }",
            {"id": order_id},
            live.orders.staff.token,
        )
        assert body["data"]["fulfillOrder"]["errors"] == []
        done = (await next_frame(ws))["payload"]["data"]["orderStatusChanged"]
        assert (done["previousStatus"], done["status"]) == ("PAID", "FULFILLED")
        # The duplicate payment event changed nothing and sent nothing more.
        with pytest.raises(TimeoutError):
            await next_frame(ws, seconds=1)
    assert await live.orders.count_history(order_id) == 3


async def test_staff_may_watch_and_a_late_subscriber_gets_the_current_status(
    live: Live,
) -> None:
    shopper = await live.orders.shopper()
    order_id = await placed_order(live.orders, shopper)
    await publish_payment(live, order_id)
    async with asyncio.timeout(30):
        while (await live.orders.service.get(order_id)).status.value != "PAID":  # type: ignore[union-attr]  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    async with stream(live, live.orders.staff.token, order_id) as ws:
        first = (await next_frame(ws))["payload"]["data"]["orderStatusChanged"]
        assert (first["previousStatus"], first["status"]) == ("PENDING", "PAID")
        body = await live.orders.gql(
            "mutation($id: ID!) { cancelOrder(id: $id) { errors { code } } }",
            {"id": order_id},
            shopper.token,
        )
        assert body["data"]["cancelOrder"]["errors"] == []
        cancelled = (await next_frame(ws))["payload"]["data"]["orderStatusChanged"]
        assert (cancelled["previousStatus"], cancelled["status"]) == ("PAID", "CANCELLED")


async def test_others_cannot_subscribe_to_an_order(live: Live) -> None:
    owner, stranger = await live.orders.shopper(), await live.orders.shopper()
    order_id = await placed_order(live.orders, owner)
    missing = str(uuid.uuid4())
    refusals = []
    for token, wanted in ((stranger.token, order_id), (stranger.token, missing), (None, order_id)):
        async with stream(live, token, wanted) as ws:
            frame = await next_frame(ws)
            assert frame["type"] == "error", frame
            refusals.append(frame["payload"][0]["message"])
            # Nothing is streamed afterwards, even when the order changes.
            await publish_payment(live, order_id)
            with pytest.raises(TimeoutError):
                await next_frame(ws, seconds=1)
    # Someone else's order is refused exactly like one that does not exist.
    assert refusals[0] == refusals[1] == "No such order"
    assert refusals[2].startswith("Authentication required")
