"""The analytics subgraph on its own, on SQLite and PostgreSQL: who may read reports, what
bad input gets, and how events in any order, twice, or replayed old change the numbers."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shopgraph.events.envelope import Event
from tests.integration.analytics.conftest import Analytics

DAY = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # a Tuesday
SALES = """query($from: Date!, $to: Date!, $by: ReportGrouping!) {
  salesReport(from: $from, to: $to, groupBy: $by) {
    periods { start end figures { currency orders units revenue { amount } } }
    totals { currency orders units revenue { amount } refunds { amount }
             averageOrderValue { amount } } } }"""
TOP = """query($from: Date!, $to: Date!, $first: Int!) {
  topProducts(from: $from, to: $to, first: $first) { product { id } sku name units } }"""
CONVERSION = """query($from: Date!, $to: Date!) {
  conversion(from: $from, to: $to) { cartsCreated ordersPlaced ordersPaid rate } }"""


def at(event: Event, when: datetime) -> Event:
    return replace(event, occurred_at=when)


def order_created(order_id: str, lines: list[tuple[str, int, int]], when: datetime) -> Event:
    """``lines`` are (product id, quantity, unit price in cents); no shipping."""
    total = sum(quantity * price for _, quantity, price in lines)
    items = [
        {"productId": p, "sku": f"SKU-{p[:4]}", "name": "Lamp", "quantity": q, "unitPriceMinor": u}
        for p, q, u in lines
    ]
    payload = {"orderId": order_id, "userId": str(uuid.uuid4()), "items": items,
               "totalMinor": total, "currency": "USD"}  # fmt: skip
    return at(Event.new("OrderCreated", order_id, payload), when)


def paid(order_id: str, when: datetime) -> Event:
    payload = {"orderId": order_id, "paymentId": str(uuid.uuid4()), "amountMinor": 0,
               "currency": "USD"}  # fmt: skip
    return at(Event.new("PaymentSucceeded", order_id, payload), when)


def span(start: datetime, end: datetime, **more: Any) -> dict[str, Any]:
    return {"from": start.date().isoformat(), "to": end.date().isoformat(), **more}


async def test_reports_are_for_staff_only(analytics: Analytics) -> None:
    variables = span(DAY, DAY)
    anonymous = await analytics.gql(CONVERSION, variables, role=None)
    customer = await analytics.gql(CONVERSION, variables, role="CUSTOMER")
    staff = await analytics.gql(CONVERSION, variables, role="STAFF")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert staff["data"]["conversion"] == {
        "cartsCreated": 0, "ordersPlaced": 0, "ordersPaid": 0, "rate": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        (SALES, span(DAY, DAY - timedelta(days=1), by="DAY"), "must not be after"),
        (SALES, span(DAY, DAY + timedelta(days=366), by="DAY"), "at most 366"),
        (SALES, span(DAY, DAY + timedelta(days=800), by="WEEK"), "at most 742"),
        (TOP, span(DAY, DAY, first=0), "between 1 and 100"),
        (TOP, span(DAY, DAY, first=101), "between 1 and 100"),
        (CONVERSION, span(DAY, DAY - timedelta(days=1)), "must not be after"),
    ],
)
async def test_bad_input_is_refused(
    analytics: Analytics, query: str, variables: dict[str, Any], message: str
) -> None:
    body = await analytics.gql(query, variables)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in body["errors"][0]["message"]


async def test_events_in_any_order_and_redelivered_count_once(analytics: Analytics) -> None:
    lamp, desk = str(uuid.uuid4()), str(uuid.uuid4())
    first, second, unpaid = (str(uuid.uuid4()) for _ in range(3))
    events = [
        ("payments", paid(first, DAY)),  # the payment is consumed before its order
        ("orders", order_created(first, [(lamp, 2, 1250), (desk, 1, 9900)], DAY)),
        ("orders", order_created(second, [(lamp, 1, 1250)], DAY + timedelta(days=1))),
        ("payments", paid(second, DAY + timedelta(days=1))),
        ("orders", order_created(unpaid, [(desk, 5, 9900)], DAY)),
    ]
    for topic, event in events:
        assert await analytics.apply(topic, event)
    for topic, event in events:  # redelivery: the same event ids again
        assert not await analytics.apply(topic, event)

    body = await analytics.gql(SALES, span(DAY, DAY + timedelta(days=6), by="WEEK"))
    report = body["data"]["salesReport"]
    # Tuesday to Monday: the week of Monday 9 March (clipped) and the next one.
    assert [(p["start"], p["end"]) for p in report["periods"]] == [
        ("2026-03-10", "2026-03-15"),
        ("2026-03-16", "2026-03-16"),
    ]
    assert report["totals"] == [
        {
            "currency": "USD",
            "orders": 2,
            "units": 4,
            "revenue": {"amount": "136.50"},  # 2 x 12.50 + 99.00 + 12.50
            "refunds": {"amount": "0.00"},
            "averageOrderValue": {"amount": "68.25"},
        }
    ]
    top = await analytics.gql(TOP, span(DAY, DAY + timedelta(days=1), first=10))
    assert [(t["product"]["id"], t["units"]) for t in top["data"]["topProducts"]] == [
        (lamp, 3),
        (desk, 1),
    ]
    conversion = await analytics.gql(CONVERSION, span(DAY, DAY))
    assert conversion["data"]["conversion"]["ordersPlaced"] == 2
    assert conversion["data"]["conversion"]["ordersPaid"] == 1


async def test_catalog_names_keep_the_newest_version(analytics: Analytics) -> None:
    lamp, order = str(uuid.uuid4()), str(uuid.uuid4())
    await analytics.apply("orders", order_created(order, [(lamp, 1, 500)], DAY))
    await analytics.apply("payments", paid(order, DAY))

    def product(name: str, when: datetime) -> Event:
        payload = {"productId": lamp, "sku": "LAMP-1", "name": name}
        return at(Event.new("ProductUpdated", lamp, payload), when)

    await analytics.apply("catalog", product("Reading Lamp", DAY + timedelta(hours=2)))
    await analytics.apply("catalog", product("Lamp (old name)", DAY + timedelta(hours=1)))
    body = await analytics.gql(TOP, span(DAY, DAY, first=1))
    assert body["data"]["topProducts"] == [
        {"product": {"id": lamp}, "sku": "LAMP-1", "name": "Reading Lamp", "units": 1}
    ]


async def test_a_payload_analytics_cannot_read_changes_nothing(analytics: Analytics) -> None:
    broken = Event.new("OrderCreated", str(uuid.uuid4()), {"orderId": "x", "items": "nope"})
    with pytest.raises(ValueError, match="items"):
        await analytics.apply("orders", broken)
    body = await analytics.gql(CONVERSION, span(datetime.now(UTC), datetime.now(UTC)))
    assert body["data"]["conversion"]["ordersPlaced"] == 0


def cart_created(when: datetime) -> Event:
    cart = str(uuid.uuid4())
    return at(Event.new("CartCreated", cart, {"cartId": cart, "userId": None}), when)


async def test_a_fetched_batch_of_every_topic_counts_as_its_events_one_by_one(
    analytics: Analytics,
) -> None:
    """The worker's batch form (one transaction, one statement per kind of fact) gives the
    reports the one-event path gives, redeliveries and a payment before its order included."""
    lamp = str(uuid.uuid4())
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    carts = [cart_created(DAY) for _ in range(3)]
    batch = [
        paid(first, DAY),
        *carts,
        order_created(first, [(lamp, 2, 1250)], DAY),
        order_created(second, [(lamp, 1, 1250)], DAY),
        Event.new("OrderCancelled", second, {"orderId": second, "wasPaid": False}),
    ]
    assert await analytics.service.apply_batch(batch) == len(batch)
    assert await analytics.service.apply_batch([*batch, carts[0]]) == 0  # a redelivery

    body = await analytics.gql(SALES, span(DAY, DAY, by="DAY"))
    totals = body["data"]["salesReport"]["totals"]
    assert [(t["orders"], t["units"], t["revenue"]["amount"]) for t in totals] == [(1, 2, "25.00")]
    conversion = (await analytics.gql(CONVERSION, span(DAY, DAY)))["data"]["conversion"]
    assert (conversion["cartsCreated"], conversion["ordersPlaced"]) == (3, 2)
    assert conversion["ordersPaid"] == 1
