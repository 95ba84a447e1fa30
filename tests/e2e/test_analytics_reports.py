"""Analytics against the orders a shop really placed (docs/architecture.md §1, issue #9), on
the embedded stack and on PostgreSQL + Kafka + Redis: real checkouts (paid, declined,
refunded, another currency, an abandoned guest cart), then the staff reports must show
exactly those orders;
a log where every order and payment event appears twice, replayed by the rebuild, must
give the same numbers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from shopgraph.events.bus import Delivery, bus_from_url
from subgraphs.analytics.rebuild import rebuild
from tests.support.platform import Platform, column_settings, running_platform
from tests.support.router import router_in_front
from tests.support.shop import TERMINAL, Shop

pytestmark = pytest.mark.e2e

COLUMNS = ["embedded", "postgres+kafka+redis"]
CENT = Decimal("0.01")

FIGURES = """currency orders units revenue { amount currency } refunds { amount }
             netRevenue { amount } averageOrderValue { amount }"""
SALES = f"""query($from: Date!, $to: Date!, $by: ReportGrouping!) {{
  salesReport(from: $from, to: $to, groupBy: $by) {{
    from to groupBy periods {{ start end figures {{ {FIGURES} }} }} totals {{ {FIGURES} }} }} }}"""
TOP = """query($from: Date!, $to: Date!, $first: Int!) {
  topProducts(from: $from, to: $to, first: $first) {
    product { id } sku units orders revenue { amount currency } } }"""
CONVERSION = """query($from: Date!, $to: Date!) {
  conversion(from: $from, to: $to) { cartsCreated ordersPlaced ordersPaid rate } }"""


@pytest.fixture(params=COLUMNS)
async def shop(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Shop]:
    settings = column_settings(request.param, tmp_path)
    async with running_platform(settings) as platform:
        shop = Shop(platform)
        await shop.sign_in_admin()
        yield shop


@dataclass
class Placed:
    """What the test's checkouts produced, as the orders service answered them."""

    usd_paid: list[Decimal]
    usd_refunded: Decimal
    eur_paid: Decimal
    products: dict[str, str]  # name in the test -> product id


async def create_eur_product(shop: Shop, price: str) -> str:
    suffix = uuid.uuid4().hex[:8].upper()
    created = (
        await shop.call(
            "products",
            """mutation($i: CreateProductInput!) { createProduct(input: $i) {
                 product { id } errors { code message } } }""",
            {
                "i": {
                    "name": f"Euro Widget {suffix}",
                    "sku": f"EURO-{suffix}",
                    "price": {"amount": price, "currency": "EUR"},
                    "description": "Priced in euros.",
                    "weightGrams": 200,
                }
            },
            shop.admin_token,
        )
    )["createProduct"]
    assert created["errors"] == [], created
    product_id = str(created["product"]["id"])
    await shop.set_stock(product_id, 10)
    return product_id


async def checkout(shop: Shop, token: str, lines: list[tuple[str, int]], card: str) -> Any:
    for product, quantity in lines:
        await shop.add_to_cart(token, product, quantity)
    placed = await shop.place_order(token, payment_method=card)
    assert placed["errors"] == [], placed
    return placed["order"]


async def place_known_orders(shop: Shop) -> Placed:
    a = await shop.create_product(price="10.00", stock=20)
    b = await shop.create_product(price="25.00", stock=20)
    e = await create_eur_product(shop, "15.00")
    buyers = [await shop.register() for _ in range(4)]

    paid = await checkout(shop, buyers[0], [(a, 2), (b, 1)], "pm_card_visa")
    declined = await checkout(shop, buyers[1], [(a, 1)], "pm_card_chargeDeclined")
    refunded = await checkout(shop, buyers[2], [(b, 3)], "pm_card_visa")
    euros = await checkout(shop, buyers[3], [(e, 1)], "pm_card_visa")
    await shop.add_to_cart("", a, 1)  # a guest's cart that never becomes an order

    final = {
        order["id"]: await shop.wait_for_status(token, order["id"], TERMINAL)
        for token, order in zip(buyers, [paid, declined, refunded, euros], strict=True)
    }
    assert list(final.values()) == ["PAID", "PAYMENT_FAILED", "PAID", "PAID"]
    cancelled = (
        await shop.call(
            "orders",
            'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { '
            "order { status } errors { code } } }",
            {"id": refunded["id"]},
            buyers[2],
        )
    )["cancelOrder"]
    assert cancelled["errors"] == [] and cancelled["order"]["status"] == "CANCELLED", cancelled
    async with asyncio.timeout(30):
        while (await shop.payment_of(refunded["id"]) or {}).get("status") != "REFUNDED":  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    return Placed(
        usd_paid=[Decimal(paid["total"]["amount"]), Decimal(refunded["total"]["amount"])],
        usd_refunded=Decimal(refunded["total"]["amount"]),
        eur_paid=Decimal(euros["total"]["amount"]),
        products={"A": a, "B": b, "E": e},
    )


def expected_totals(placed: Placed) -> list[dict[str, Any]]:
    usd = sum(placed.usd_paid, Decimal(0))
    return [
        {
            "currency": "EUR",
            "orders": 1,
            "units": 1,
            "revenue": placed.eur_paid,
            "refunds": Decimal(0),
            "netRevenue": placed.eur_paid,
            "averageOrderValue": placed.eur_paid,
        },
        {
            "currency": "USD",
            "orders": 2,  # the declined order does not count
            "units": 3 + 3,
            "revenue": usd,
            "refunds": placed.usd_refunded,
            "netRevenue": usd - placed.usd_refunded,
            "averageOrderValue": (usd / 2).quantize(CENT, rounding=ROUND_HALF_UP),
        },
    ]


def figures(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Report figures with amounts as Decimals, comparable with :func:`expected_totals`."""
    return [
        {
            "currency": f["currency"],
            "orders": f["orders"],
            "units": f["units"],
            "revenue": Decimal(f["revenue"]["amount"]),
            "refunds": Decimal(f["refunds"]["amount"]),
            "netRevenue": Decimal(f["netRevenue"]["amount"]),
            "averageOrderValue": Decimal(f["averageOrderValue"]["amount"]),
        }
        for f in found
    ]


async def sales(shop: Shop, start: date, end: date, by: str) -> dict[str, Any]:
    variables = {"from": start.isoformat(), "to": end.isoformat(), "by": by}
    report: dict[str, Any] = (await shop.call("analytics", SALES, variables, shop.admin_token))[
        "salesReport"
    ]
    return report


async def settled(read: Callable[[], Awaitable[Any]], wanted: Any, seconds: float = 60) -> Any:
    """``read()`` once it equals ``wanted`` (the workers are asynchronous), else its last
    value when time runs out, for the assertion to show."""
    value = await read()
    try:
        async with asyncio.timeout(seconds):
            while value != wanted:
                await asyncio.sleep(0.25)
                value = await read()
    except TimeoutError:
        pass
    return value


async def assert_reports(shop: Shop, placed: Placed, today: date) -> None:
    totals = expected_totals(placed)
    day = await sales(shop, today - timedelta(days=2), today, "DAY")
    assert [(p["start"], p["end"]) for p in day["periods"]] == [
        ((today - timedelta(days=n)).isoformat(), (today - timedelta(days=n)).isoformat())
        for n in (2, 1, 0)
    ]
    assert [figures(p["figures"]) for p in day["periods"]] == [[], [], totals]
    assert figures(day["totals"]) == totals

    week = await sales(shop, today - timedelta(days=13), today, "WEEK")
    monday = today - timedelta(days=today.weekday())
    assert week["periods"][-1]["start"] == max(monday, today - timedelta(days=13)).isoformat()
    assert figures(week["periods"][-1]["figures"]) == totals
    assert all(p["figures"] == [] for p in week["periods"][:-1])

    month = await sales(shop, today - timedelta(days=40), today, "MONTH")
    assert month["periods"][-1]["start"] == today.replace(day=1).isoformat()
    assert figures(month["periods"][-1]["figures"]) == totals
    assert all(p["figures"] == [] for p in month["periods"][:-1])
    assert figures(month["totals"]) == totals

    span = {"from": today.isoformat(), "to": today.isoformat()}
    top = (await shop.call("analytics", TOP, span | {"first": 10}, shop.admin_token))["topProducts"]
    ids = placed.products
    assert [(t["product"]["id"], t["units"], t["orders"]) for t in top] == [
        (ids["B"], 4, 2),
        (ids["A"], 2, 1),  # the declined order's unit is not a sale
        (ids["E"], 1, 1),
    ]
    assert [[(Decimal(m["amount"]), m["currency"]) for m in t["revenue"]] for t in top] == [
        [(Decimal("100.00"), "USD")],
        [(Decimal("20.00"), "USD")],
        [(Decimal("15.00"), "EUR")],
    ]
    conversion = (await shop.call("analytics", CONVERSION, span, shop.admin_token))["conversion"]
    # Five carts (four buyers and a guest), four orders placed, three of them paid.
    assert conversion == {"cartsCreated": 5, "ordersPlaced": 4, "ordersPaid": 3, "rate": 0.6}


async def all_deliveries(platform: Platform, topics: tuple[str, ...]) -> list[Delivery]:
    """Every message on ``topics`` so far, read with a fresh consumer group."""
    bus = bus_from_url(platform.settings.bus_url)
    await bus.start()
    try:
        due = {
            (topic, partition): end
            for topic in topics
            for partition, end in (await bus.end_offsets(topic)).items()
            if end > 0
        }
        consumer = bus.consumer(topics, f"test-reader-{uuid.uuid4().hex[:8]}")
        await consumer.start()
        found: list[Delivery] = []
        try:
            async with asyncio.timeout(60):
                while due:
                    for delivery in await consumer.getmany(0.5, 500):
                        found.append(delivery)
                        position = (delivery.topic, delivery.partition)
                        if position in due and delivery.offset + 1 >= due[position]:
                            del due[position]
        finally:
            await consumer.stop()
        return found
    finally:
        await bus.stop()


async def publish_again(platform: Platform, deliveries: list[Delivery]) -> None:
    """Redeliver: the same envelopes (same event ids) published a second time."""
    bus = bus_from_url(platform.settings.bus_url)
    await bus.start()
    try:
        for delivery in deliveries:
            await bus.publish_raw(delivery.topic, delivery.key, delivery.raw)
    finally:
        await bus.stop()


async def test_reports_match_the_orders_placed_and_survive_redelivery_and_rebuild(
    shop: Shop,
) -> None:
    today = datetime.now(UTC).date()
    placed = await place_known_orders(shop)
    totals = expected_totals(placed)

    async def day_totals() -> list[dict[str, Any]]:
        return figures((await sales(shop, today, today, "DAY"))["totals"])

    async def conversion_now() -> dict[str, Any]:
        span = {"from": today.isoformat(), "to": today.isoformat()}
        found: dict[str, Any] = (await shop.call("analytics", CONVERSION, span, shop.admin_token))[
            "conversion"
        ]
        return found

    assert await settled(day_totals, totals) == totals
    wanted_conversion = {"cartsCreated": 5, "ordersPlaced": 4, "ordersPaid": 3, "rate": 0.6}
    assert await settled(conversion_now, wanted_conversion) == wanted_conversion
    await assert_reports(shop, placed, today)

    # Every order and payment event a second time, then a rebuild over that log.
    duplicates = await all_deliveries(shop.platform, ("orders", "payments"))
    assert {d.event.type for d in duplicates if d.event} >= {
        "OrderCreated",
        "PaymentSucceeded",
        "PaymentFailed",
        "PaymentRefunded",
    }
    await publish_again(shop.platform, duplicates)
    result = await rebuild(shop.platform.settings)
    assert result.events_rejected == 0
    assert result.events_read > result.events_applied  # the duplicates were read, not applied
    await assert_reports(shop, placed, today)


async def test_best_sellers_through_the_router_carry_the_products_own_fields(
    shop: Shop,
) -> None:
    product = await shop.create_product(price="12.50", stock=5)
    token = await shop.register()
    order = await checkout(shop, token, [(product, 2)], "pm_card_visa")
    assert await shop.wait_for_status(token, order["id"], TERMINAL) == "PAID"
    today = datetime.now(UTC).date().isoformat()
    query = """query($from: Date!, $to: Date!) { topProducts(from: $from, to: $to, first: 1) {
                 units product { id name price { amount currency } } } }"""
    async with router_in_front(shop.platform.settings) as url:

        async def best_sellers() -> Any:
            response = await shop.platform.http.post(
                url,
                json={"query": query, "variables": {"from": today, "to": today}},
                headers={"authorization": f"Bearer {shop.admin_token}"},
            )
            return response.json()

        async def units_of_best_seller() -> Any:
            found = (await best_sellers()).get("data") or {}
            return [(t["units"], t["product"]["id"]) for t in found.get("topProducts", [])]

        assert await settled(units_of_best_seller, [(2, product)]) == [(2, product)]
        body = await best_sellers()
    assert "errors" not in body, body
    found = body["data"]["topProducts"][0]["product"]
    assert found["name"].startswith("Saga Widget")  # resolved by products, not analytics
    assert found["price"] == {"amount": "12.50", "currency": "USD"}
