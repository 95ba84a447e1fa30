"""placeOrder against the real services (carts, products, users, inventory, payments, every
worker group) on both columns: what it asks them, what it refuses, and that one
idempotency key makes one order and one reservation even when sent 20 times at once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from subgraphs.orders.domain import order_id_for
from subgraphs.orders.models import outbox
from tests.integration.orders.conftest import Upstream
from tests.support.shared_platforms import REAL_COLUMN
from tests.support.shop import TERMINAL, Shop

PLACE = """mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
  order { id status items { productId sku name quantity unitPrice { amount currency } }
          subtotal { amount } shipping { amount } total { amount currency } }
  errors { code field message } } }"""


@pytest.fixture(params=["embedded", REAL_COLUMN])
async def shop(request: pytest.FixtureRequest, upstream: Upstream) -> Shop:
    """The package's platform on each column, with every worker group."""
    return await upstream.shop_on(request.param)


def order_input(
    key: str, *, payment_method: str = "pm_card_visa", country: str = "US"
) -> dict[str, Any]:
    return {
        "i": {
            "shippingAddress": {
                "name": "Sam Shopper",
                "line1": "1 Main St",
                "city": "Springfield",
                "postalCode": "12345",
                "country": country,
            },
            "paymentMethod": payment_method,
            "idempotencyKey": key,
        }
    }


async def place(shop: Shop, token: str, key: str, **kwargs: Any) -> dict[str, Any]:
    data = await shop.call("orders", PLACE, order_input(key, **kwargs), token)
    payload: dict[str, Any] = data["placeOrder"]
    return payload


async def order_events(shop: Shop, order_id: str) -> list[Event]:
    db = Database(shop.platform.settings.database_url_for("orders"), pool_size=1)
    try:
        async with db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
    finally:
        await db.dispose()
    return [e for e in (Event.from_bytes(r.event) for r in rows) if e.aggregate_id == order_id]


async def user_id_of(shop: Shop, token: str) -> str:
    me = await shop.call("users", "{ me { id } }", token=token)
    return str(me["me"]["id"])


async def test_order_takes_current_prices_and_the_buyers_email(shop: Shop) -> None:
    product = await shop.create_product(price="20.00", stock=5)
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    token = await shop.register(email)
    await shop.add_to_cart(token, product, 2)
    # The price changes after the product went into the cart: the order takes the new one.
    updated = await shop.call(
        "products",
        """mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) {
             errors { code } } }""",
        {"id": product, "i": {"price": {"amount": "30.00", "currency": "USD"}}},
        shop.admin_token,
    )
    assert updated["updateProduct"]["errors"] == []

    payload = await place(shop, token, "first")
    assert payload["errors"] == [], payload
    order = payload["order"]
    assert order["id"] == order_id_for(await user_id_of(shop, token), "first")
    assert order["status"] == "PENDING"
    [item] = order["items"]
    assert (item["productId"], item["quantity"], item["unitPrice"]) == (
        product,
        2,
        {"amount": "30.00", "currency": "USD"},
    )
    assert item["sku"].startswith("SAGA-")
    assert (order["subtotal"], order["shipping"], order["total"]) == (
        {"amount": "60.00"},
        {"amount": "0.00"},
        {"amount": "60.00", "currency": "USD"},
    )
    [created] = [e for e in await order_events(shop, order["id"]) if e.type == "OrderCreated"]
    assert created.payload["email"] == email
    assert created.payload["totalMinor"] == 6000
    assert created.payload["paymentMethod"] == "pm_card_visa"
    assert created.payload["items"][0]["unitPriceMinor"] == 3000
    assert (await shop.stock(product))["reserved"] == 2
    assert await shop.wait_for_status(token, order["id"], TERMINAL) == "PAID"


async def test_refusals_change_nothing(shop: Shop) -> None:
    scarce = await shop.create_product(stock=1)
    plenty = await shop.create_product(stock=10)
    token = await shop.register()

    empty = await place(shop, token, "empty")
    assert [e["code"] for e in empty["errors"]] == ["CART_EMPTY"]

    await shop.add_to_cart(token, plenty, 1)
    await shop.add_to_cart(token, scarce, 2)
    bad = await place(shop, token, "bad-address", country="XX")
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [
        ("INVALID_ADDRESS", "shippingAddress.country")
    ]
    bad = await place(shop, token, "bad-method", payment_method="4242424242424242")
    assert [e["code"] for e in bad["errors"]] == ["INVALID_PAYMENT_METHOD"]

    short = await place(shop, token, "short")
    assert [(e["code"], e["field"]) for e in short["errors"]] == [("INSUFFICIENT_STOCK", scarce)]
    assert (await shop.stock(plenty))["reserved"] == 0  # all or nothing
    assert (await shop.stock(scarce))["reserved"] == 0

    archived = await shop.call(
        "products",
        "mutation($id: ID!) { archiveProduct(id: $id) { errors { code } } }",
        {"id": scarce},
        shop.admin_token,
    )
    assert archived["archiveProduct"]["errors"] == []
    gone = await place(shop, token, "archived")
    assert [(e["code"], e["field"]) for e in gone["errors"]] == [("PRODUCT_UNAVAILABLE", scarce)]

    user_id = await user_id_of(shop, token)
    for key in ("empty", "bad-address", "bad-method", "short", "archived"):
        assert await shop.order(token, order_id_for(user_id, key)) is None
    assert await shop.cart_quantity(token) == 3  # the cart is left as it was


async def test_one_key_twenty_times_at_once_is_one_order(shop: Shop) -> None:
    product = await shop.create_product(stock=10)
    token = await shop.register()
    await shop.add_to_cart(token, product, 3)
    results = await asyncio.gather(*(place(shop, token, "twenty") for _ in range(20)))
    assert all(r["errors"] == [] for r in results), results
    [order_id] = {r["order"]["id"] for r in results}
    stock = await shop.stock(product)
    assert (10 - stock["onHand"]) + stock["reserved"] == 3  # reserved (or committed) once
    kinds = [m["kind"] for m in await shop.movements(product) if m["orderId"] == order_id]
    assert kinds.count("RESERVE") == 1
    created = [e for e in await order_events(shop, order_id) if e.type == "OrderCreated"]
    assert len(created) == 1

    # After the cart is emptied, a retry with the same key still returns the order...
    await shop.wait_for_empty_cart(token)
    again = await place(shop, token, "twenty")
    assert again["order"]["id"] == order_id
    # ...and the same key for another request is refused.
    other = await place(shop, token, "twenty", payment_method="pm_card_mastercard")
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await shop.wait_for_status(token, order_id, TERMINAL) == "PAID"
