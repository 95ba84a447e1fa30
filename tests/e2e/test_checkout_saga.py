"""The checkout saga end to end (docs/architecture.md §6), on the embedded stack and on PostgreSQL +
Kafka + Redis: every subgraph on its own port, every worker group running, a real SMTP
server receiving the mail. Each test is something a shop owner would check."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.platform import column_settings, running_platform
from tests.support.shared_platforms import SharedShops
from tests.support.shop import SETTLE_SECONDS, TERMINAL, Shop

pytestmark = pytest.mark.e2e

COLUMNS = ["embedded", "postgres+kafka+redis"]


@pytest.fixture(scope="module", params=COLUMNS)
async def shop(request: pytest.FixtureRequest, shared: SharedShops) -> Shop:
    """The e2e tests' shared platform per column: every test makes its own users and
    products."""
    return await shared.shop_on(request.param)


@pytest.fixture(params=COLUMNS)
async def shop_without_payments(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Shop]:
    """The platform with the payments worker held back until the test starts it."""
    settings = column_settings(request.param, tmp_path)
    async with running_platform(settings, skip_groups=frozenset({"payments"})) as platform:
        shop = Shop(platform)
        await shop.sign_in_admin()
        yield shop


async def next_status(frames: asyncio.Queue[dict[str, object]]) -> str:
    async with asyncio.timeout(SETTLE_SECONDS):
        frame = await frames.get()
    assert frame["type"] == "next", frame
    return str(frame["payload"]["data"]["orderStatusChanged"]["status"])  # type: ignore[index]


async def test_happy_path(shop_without_payments: Shop) -> None:
    shop = shop_without_payments
    product = await shop.create_product(price="25.00", stock=5)
    email = f"happy-{uuid.uuid4().hex[:8]}@example.com"
    token = await shop.register(email)
    await shop.add_to_cart(token, product, 2)

    placed = await shop.place_order(token)
    assert placed["errors"] == [], placed
    order_id = placed["order"]["id"]
    assert placed["order"]["status"] == "PENDING"

    async with shop.order_status_stream(token, order_id) as frames:
        # First the order's current status, then each change as it happens.
        assert await next_status(frames) == "PENDING"
        shop.platform.start_group("payments")
        assert await next_status(frames) == "PAID"
    assert await shop.wait_for_status(token, order_id, TERMINAL) == "PAID"

    assert await shop.settled_stock(product) == {"available": 3, "reserved": 0, "onHand": 3}
    kinds = [m["kind"] for m in await shop.movements(product)]
    assert kinds.count("COMMIT") == 1 and "RELEASE" not in kinds
    await shop.wait_for_empty_cart(token)
    confirmation = await shop.platform.mailbox.wait_for(email, "order")
    assert order_id in confirmation.as_string()


async def test_declined_card_releases_stock_once(shop: Shop) -> None:
    product = await shop.create_product(stock=4)
    email = f"declined-{uuid.uuid4().hex[:8]}@example.com"
    token = await shop.register(email)
    await shop.add_to_cart(token, product, 3)

    placed = await shop.place_order(token, payment_method="pm_card_chargeDeclined")
    assert placed["errors"] == [], placed
    order_id = placed["order"]["id"]
    assert await shop.wait_for_status(token, order_id, TERMINAL) == "PAYMENT_FAILED"
    assert await shop.settled_stock(product) == {"available": 4, "reserved": 0, "onHand": 4}
    releases = [m for m in await shop.movements(product) if m["kind"] == "RELEASE"]
    assert [(m["orderId"], m["reservedDelta"]) for m in releases] == [(order_id, -3)]
    await shop.platform.mailbox.wait_for(email, "payment")


async def test_fifty_shoppers_ten_units(shop: Shop) -> None:
    product = await shop.create_product(stock=10)
    tokens = [await shop.register() for _ in range(50)]
    await asyncio.gather(*(shop.add_to_cart(token, product, 1) for token in tokens))

    results = await asyncio.gather(*(shop.place_order_answered(token) for token in tokens))
    placed = [(t, r["order"]["id"]) for t, r in zip(tokens, results, strict=True) if r["order"]]
    refused = [r for r in results if not r["order"]]
    assert len(placed) == 10, results
    assert {e["code"] for r in refused for e in r["errors"]} == {"INSUFFICIENT_STOCK"}
    statuses = await asyncio.gather(
        *(shop.wait_for_status(t, order_id, TERMINAL) for t, order_id in placed)
    )
    assert statuses == ["PAID"] * 10
    assert await shop.settled_stock(product) == {"available": 0, "reserved": 0, "onHand": 0}


async def test_one_idempotency_key_twenty_times(shop: Shop) -> None:
    product = await shop.create_product(stock=10)
    token = await shop.register()
    await shop.add_to_cart(token, product, 1)

    results = await asyncio.gather(*(shop.place_order(token, key="same-key") for _ in range(20)))
    order_ids = {r["order"]["id"] for r in results if r["order"]}
    assert len(order_ids) == 1, results
    order_id = order_ids.pop()
    assert await shop.wait_for_status(token, order_id, TERMINAL) == "PAID"
    payment = await shop.payment_of(order_id)
    assert payment is not None and payment["status"] == "CAPTURED"
    assert (await shop.settled_stock(product))["onHand"] == 9  # the inventory worker commits it

    other = await shop.place_order(token, key="same-key", payment_method="pm_card_mastercard")
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_orders_are_private(shop: Shop) -> None:
    product = await shop.create_product(stock=3)
    owner = await shop.register()
    stranger = await shop.register()
    await shop.add_to_cart(owner, product, 1)
    order_id = (await shop.place_order(owner))["order"]["id"]

    assert await shop.order(stranger, order_id) is None
    assert (await shop.order(shop.admin_token, order_id)) is not None
    async with shop.order_status_stream(stranger, order_id) as frames:
        async with asyncio.timeout(10):
            frame = await frames.get()
        assert frame["type"] == "error", frame
