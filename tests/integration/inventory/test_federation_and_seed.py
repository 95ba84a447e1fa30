"""Product entity resolution (stock batched, shipping estimate from @requires fields), the
demo seed and the worker group end to end on the bus."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bootstrap.migrate import migrate
from bootstrap.registry import worker_groups
from shopgraph.demo_catalog import PRODUCTS
from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from shopgraph.settings import load_settings
from subgraphs.inventory.app import create_app
from subgraphs.inventory.domain import LineRequest, ReservationStatus
from subgraphs.inventory.handlers import WORKER_GROUPS
from subgraphs.inventory.models import outbox
from subgraphs.inventory.seed import seed, seed_stock
from tests.integration.inventory.conftest import Inventory, new_id, set_stock
from tests.support.columns import adapter_urls
from tests.support.sql import count_statements

ENTITIES = """
query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Product {
      id
      stock { available reserved onHand inStock }
      shippingEstimate { cost { amount currency } minDays maxDays }
    }
  }
}"""

STOCK_ONLY = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id stock { available } } } }
"""


def representation(
    product_id: str, grams: int, amount: str, currency: str = "USD"
) -> dict[str, Any]:
    return {
        "__typename": "Product",
        "id": product_id,
        "weightGrams": grams,
        "price": {"amount": amount, "currency": currency},
    }


async def test_hundred_products_resolve_in_order_with_stock_and_shipping(
    inventory: Inventory,
) -> None:
    ids = [new_id() for _ in range(100)]
    for i, product_id in enumerate(ids[:60]):
        await inventory.service.set_stock(product_id, i)
    reps = [
        representation(pid, grams=100 + 50 * i, amount="49.99" if i % 2 else "50.00")
        for i, pid in enumerate(ids)
    ]
    body = await inventory.gql(ENTITIES, {"r": reps})
    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert [e["id"] for e in entities] == ids
    for i, entity in enumerate(entities):
        stocked = i if i < 60 else 0
        assert entity["stock"] == {
            "available": stocked,
            "reserved": 0,
            "onHand": stocked,
            "inStock": stocked > 0,
        }
        grams = 100 + 50 * i
        kilos = -(-grams // 1000)
        expected = "0.00" if i % 2 == 0 else f"{4.99 + 1.5 * kilos:.2f}"
        assert entity["shippingEstimate"]["cost"] == {"amount": expected, "currency": "USD"}
        assert (entity["shippingEstimate"]["minDays"], entity["shippingEstimate"]["maxDays"]) == (
            2,
            5,
        )


async def test_shipping_estimate_rule_edges(inventory: Inventory) -> None:
    reps = [
        representation(new_id(), 180, "19.00"),  # a tee: base + 1 kg
        representation(new_id(), 25_000, "199.00"),  # too heavy for free shipping, slow
        representation(new_id(), 12_000, "60.00", "EUR"),  # free, but heavy: 4-8 days
        representation(new_id(), 500, "40", "JPY"),  # 5 + 2: rounded up to whole yen
        {"__typename": "Product", "id": new_id()},  # no weight/price: no estimate
    ]
    body = await inventory.gql(ENTITIES, {"r": reps})
    estimates = [e["shippingEstimate"] for e in body["data"]["_entities"]]
    assert estimates == [
        {"cost": {"amount": "6.49", "currency": "USD"}, "minDays": 2, "maxDays": 5},
        {"cost": {"amount": "42.49", "currency": "USD"}, "minDays": 4, "maxDays": 8},
        {"cost": {"amount": "0.00", "currency": "EUR"}, "minDays": 4, "maxDays": 8},
        {"cost": {"amount": "7", "currency": "JPY"}, "minDays": 2, "maxDays": 5},
        None,
    ]


async def test_stock_is_batched_same_statements_for_5_and_50_products(
    inventory: Inventory,
) -> None:
    ids = [new_id() for _ in range(50)]
    for product_id in ids[:10]:
        await inventory.service.set_stock(product_id, 3)

    async def statements_for(n: int) -> list[str]:
        reps = [{"__typename": "Product", "id": pid} for pid in ids[:n]]
        with count_statements(inventory.db.engine) as statements:
            body = await inventory.gql(STOCK_ONLY, {"r": reps})
        assert len(body["data"]["_entities"]) == n
        return statements

    five, fifty = await statements_for(5), await statements_for(50)
    assert len(five) == len(fifty) == 1


async def test_seed_stocks_the_demo_catalog_once(inventory: Inventory) -> None:
    assert await seed_stock(inventory.db) == 50
    first = PRODUCTS[0]
    level = await inventory.level(first.id)
    assert level.on_hand == first.stock
    # Staff change survives a re-seed, and nothing is re-recorded.
    await set_stock(inventory, first.id, first.stock + 7)
    ledger = await inventory.ledger()
    assert await seed_stock(inventory.db) == 0
    assert await inventory.ledger() == ledger
    assert (await inventory.level(first.id)).on_hand == first.stock + 7
    stocks = await inventory.service.stock_levels([p.id for p in PRODUCTS])
    assert [s.on_hand for s in stocks[1:]] == [p.stock for p in PRODUCTS[1:]]
    assert {m.kind for m in ledger} == {"SEED", "SET"}


async def test_worker_group_commits_and_releases_from_the_bus(inventory: Inventory) -> None:
    (group,) = WORKER_GROUPS
    assert (group.name, set(group.topics)) == ("inventory", {"payments", "orders"})
    product = new_id()
    await set_stock(inventory, product, 10)
    paid, cancelled = new_id(), new_id()
    await inventory.reservations.reserve(paid, [LineRequest(product, 2)])
    await inventory.reservations.reserve(cancelled, [LineRequest(product, 3)])

    bus = bus_from_url(inventory.settings.bus_url)
    await bus.start()
    runtime = group.build(inventory.settings, bus)
    task = asyncio.create_task(runtime.run())
    try:
        succeeded = Event.new("PaymentSucceeded", paid, {"orderId": paid, "paymentId": new_id()})
        await bus.publish("payments", succeeded)
        await bus.publish("payments", succeeded)  # redelivered
        await bus.publish(
            "orders",
            Event.new(
                "OrderCancelled",
                cancelled,
                {"orderId": cancelled, "userId": new_id(), "reason": "x"},
            ),
        )
        for _ in range(200):
            a = await inventory.reservations.get(paid)
            b = await inventory.reservations.get(cancelled)
            if (
                a is not None
                and b is not None
                and a.status is ReservationStatus.COMMITTED
                and b.status is ReservationStatus.RELEASED
            ):
                break
            await asyncio.sleep(0.02)
    finally:
        await runtime.stop()
        await task
        await bus.stop()
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved) == (8, 0)
    assert runtime.stats is not None and runtime.stats.dead_lettered == 0


async def test_app_from_settings_starts_serves_and_stops(database_url: str, tmp_path: Path) -> None:
    """``create_app(settings)`` as ``shopgraph serve inventory`` runs it: lifespan starts the
    outbox relay and the sweeper, readiness checks the database, shutdown stops both."""
    await migrate("inventory", database_url)
    settings = load_settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        **adapter_urls(database_url),
    )
    await seed(settings)
    await seed(settings)  # idempotent
    app = create_app(settings, sweep_interval=0.05)
    product = PRODUCTS[3]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://inventory") as client:
            assert (await client.get("/readyz")).json()["status"] == "ready"
            reps = [{"__typename": "Product", "id": product.id}]
            body = (
                await client.post("/graphql", json={"query": STOCK_ONLY, "variables": {"r": reps}})
            ).json()
            assert body["data"]["_entities"] == [
                {"id": product.id, "stock": {"available": product.stock}}
            ]
            order = new_id()
            await app.state.reservations.reserve(order, [LineRequest(product.id, 1)], ttl_seconds=1)
            for _ in range(100):  # the sweeper started with the app expires it
                found = await app.state.reservations.get(order)
                if found.status is ReservationStatus.EXPIRED:
                    break
                await asyncio.sleep(0.05)
            assert found.status is ReservationStatus.EXPIRED
        # The relay started with the app publishes the outbox.
        for _ in range(100):
            async with app.state.resources.db.session() as session:
                pending = await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
            if pending == 0:
                break
            await asyncio.sleep(0.05)
        assert pending == 0
    assert "inventory" in worker_groups()
