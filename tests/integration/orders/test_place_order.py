"""placeOrder's own rules (validation, totals, idempotency, the outbox row) on SQLite and
PostgreSQL, asking the real carts, products, users and inventory (see conftest.py;
test_platform.py runs the whole saga with every worker group)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from subgraphs.orders import repository as orders_repository
from subgraphs.orders.domain import order_id_for
from tests.integration.orders.conftest import (
    PLACE_ORDER,
    Orders,
    place,
    place_input,
)
from tests.support.platform import free_port
from tests.support.shop import ADDRESS
from tests.support.sql import count_statements


async def assert_nothing_changed(orders: Orders) -> None:
    assert await orders.count_orders() == 0
    assert await orders.events() == []
    assert await orders.nothing_reserved()


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({**ADDRESS, "name": "  "}, "shippingAddress.name"),
        ({**ADDRESS, "line1": ""}, "shippingAddress.line1"),
        ({**ADDRESS, "city": ""}, "shippingAddress.city"),
        ({**ADDRESS, "postalCode": ""}, "shippingAddress.postalCode"),
        ({**ADDRESS, "country": "USA"}, "shippingAddress.country"),
        ({**ADDRESS, "country": "XX"}, "shippingAddress.country"),
        ({**ADDRESS, "phone": "call me"}, "shippingAddress.phone"),
        ({**ADDRESS, "line1": "x" * 201}, "shippingAddress.line1"),
    ],
)
async def test_bad_address_is_refused_and_changes_nothing(
    orders_app: Orders, address: dict[str, Any], field: str
) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    payload = await place(orders_app, shopper, address=address)
    assert payload["order"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_ADDRESS", field)]
    await assert_nothing_changed(orders_app)


@pytest.mark.parametrize(
    "method", ["", "visa", "card_visa", "pm_", "pm_card visa", "pm_" + "x" * 99]
)
async def test_bad_payment_method_is_refused(orders_app: Orders, method: str) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    payload = await place(orders_app, shopper, payment_method=method)
    assert [e["code"] for e in payload["errors"]] == ["INVALID_PAYMENT_METHOD"]
    await assert_nothing_changed(orders_app)


@pytest.mark.parametrize("key", ["", "k" * 101])
async def test_bad_idempotency_key_is_refused(orders_app: Orders, key: str) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    payload = await place(orders_app, shopper, key=key)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_IDEMPOTENCY_KEY", "idempotencyKey")
    ]
    await assert_nothing_changed(orders_app)


async def test_empty_cart_is_refused(orders_app: Orders) -> None:
    payload = await place(orders_app, await orders_app.shopper())
    assert [e["code"] for e in payload["errors"]] == ["CART_EMPTY"]
    await assert_nothing_changed(orders_app)


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED", None])
async def test_unavailable_product_is_refused(orders_app: Orders, status: str | None) -> None:
    shopper = await orders_app.shopper()
    good, bad = await orders_app.product(), await orders_app.product()
    await orders_app.fill_cart(shopper, (good, 1), (bad, 1))  # carts takes ACTIVE products only
    if status is None:
        await orders_app.forget_product(bad)  # products no longer knows it
    else:
        await orders_app.set_status(bad, status)
    payload = await place(orders_app, shopper)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("PRODUCT_UNAVAILABLE", bad)]
    await assert_nothing_changed(orders_app)


async def test_insufficient_stock_names_the_product(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    plenty, scarce = await orders_app.product(stock=10), await orders_app.product(stock=1)
    await orders_app.fill_cart(shopper, (plenty, 2), (scarce, 2))
    payload = await place(orders_app, shopper)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INSUFFICIENT_STOCK", scarce)]
    assert await orders_app.count_orders() == 0
    assert await orders_app.events() == []
    # All or nothing: inventory holds nothing back for either product.
    assert await orders_app.stock(plenty) == {"available": 10, "reserved": 0, "onHand": 10}
    assert await orders_app.stock(scarce) == {"available": 1, "reserved": 0, "onHand": 1}


async def test_signed_out_and_service_callers_cannot_place_orders(orders_app: Orders) -> None:
    anonymous = await orders_app.gql(PLACE_ORDER, place_input())
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    service = await orders_app.gql(PLACE_ORDER, place_input(), token=orders_app.service_token)
    assert service["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await orders_app.count_orders() == 0


async def test_order_is_pending_with_snapshots_totals_and_order_created(
    orders_app: Orders,
) -> None:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    shopper = await orders_app.shopper(email)
    a, b = await orders_app.product(price_minor=1250), await orders_app.product(price_minor=999)
    await orders_app.fill_cart(shopper, (a, 2), (b, 1))
    payload = await place(orders_app, shopper, key="checkout-1")
    assert payload["errors"] == []
    order = payload["order"]
    assert order["id"] == order_id_for(shopper.id, "checkout-1")
    assert order["status"] == "PENDING"
    assert [(i["productId"], i["quantity"], i["unitPrice"]["amount"]) for i in order["items"]] == [
        (a, 2, "12.50"),
        (b, 1, "9.99"),
    ]
    # 34.99 < 50.00: 4.99 + 1.50 for the first (started) kilogram of a 0.9 kg parcel.
    assert order["subtotal"] == {"amount": "34.99", "currency": "USD"}
    assert order["shipping"] == {"amount": "6.49"}
    assert order["total"] == {"amount": "41.48", "currency": "USD"}
    assert order["shippingAddress"]["country"] == "US"
    assert [(h["status"], h["actor"]) for h in order["history"]] == [("PENDING", shopper.id)]

    [created] = await orders_app.events("OrderCreated")
    assert created.aggregate_id == order["id"]
    assert created.payload == {
        "orderId": order["id"],
        "userId": shopper.id,
        "email": email,
        "firstName": "Sam",  # the registered name: notifications greets without asking users
        "lastName": "Shopper",
        "items": [
            {
                "productId": a,
                "sku": orders_app.products[a].sku,
                "name": orders_app.products[a].name,
                "quantity": 2,
                "unitPriceMinor": 1250,
            },
            {
                "productId": b,
                "sku": orders_app.products[b].sku,
                "name": orders_app.products[b].name,
                "quantity": 1,
                "unitPriceMinor": 999,
            },
        ],
        "subtotalMinor": 3499,
        "shippingMinor": 649,
        "totalMinor": 4148,
        "currency": "USD",
        "paymentMethod": "pm_card_visa",
        "createdAt": created.payload["createdAt"],
    }
    reservation = await orders_app.reservation(order["id"])
    assert reservation is not None and reservation["status"] == "RESERVED"
    assert sorted((x["productId"], x["quantity"]) for x in reservation["lines"]) == sorted(
        [(a, 2), (b, 1)]
    )


async def test_shipping_is_free_from_fifty(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(price_minor=5000), 1))
    order = (await place(orders_app, shopper))["order"]
    assert order["shipping"] == {"amount": "0.00"}
    assert order["total"]["amount"] == "50.00"


async def test_same_key_same_request_returns_the_same_order(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    first = await place(orders_app, shopper, key="k1")
    await orders_app.empty_cart(shopper)  # the cart is emptied once the order exists
    again = await place(orders_app, shopper, key="k1")
    assert again["errors"] == []
    assert again["order"]["id"] == first["order"]["id"]
    assert await orders_app.count_orders() == 1
    assert len(await orders_app.events("OrderCreated")) == 1


async def test_same_key_other_request_is_refused(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    first = await place(orders_app, shopper, key="k1")
    other = await place(orders_app, shopper, key="k1", payment_method="pm_card_mastercard")
    assert other["order"] is None
    assert [(e["code"], e["field"]) for e in other["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", "idempotencyKey")
    ]
    moved = await place(orders_app, shopper, key="k1", address={**ADDRESS, "city": "Shelbyville"})
    assert [e["code"] for e in moved["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await orders_app.count_orders() == 1
    found = await orders_app.service.get(first["order"]["id"])
    assert found is not None and found.payment_method == "pm_card_visa"


async def test_same_key_for_another_user_is_another_order(orders_app: Orders) -> None:
    product = await orders_app.product()
    alice, bob = await orders_app.shopper(), await orders_app.shopper()
    await orders_app.fill_cart(alice, (product, 1))
    await orders_app.fill_cart(bob, (product, 1))
    a = await place(orders_app, alice, key="same")
    b = await place(orders_app, bob, key="same")
    assert a["order"]["id"] != b["order"]["id"]
    assert await orders_app.count_orders() == 2


async def test_twenty_concurrent_identical_requests_make_one_order(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    product = await orders_app.product(stock=5)
    await orders_app.fill_cart(shopper, (product, 2))
    results = await asyncio.gather(*(place(orders_app, shopper, key="dup") for _ in range(20)))
    assert all(r["errors"] == [] for r in results), results
    assert len({r["order"]["id"] for r in results}) == 1
    assert await orders_app.count_orders() == 1
    assert len(await orders_app.events("OrderCreated")) == 1
    # Reserved once, and never released.
    assert await orders_app.stock(product) == {"available": 3, "reserved": 2, "onHand": 5}
    reservation = await orders_app.reservation(results[0]["order"]["id"])
    assert reservation is not None and reservation["status"] == "RESERVED"


async def test_a_failed_write_releases_the_reservation(
    orders_app: Orders, monkeypatch: pytest.MonkeyPatch
) -> None:
    shopper = await orders_app.shopper()
    product = await orders_app.product(stock=3)
    await orders_app.fill_cart(shopper, (product, 2))

    async def broken_insert(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(orders_repository, "insert_order", broken_insert)
    body = await orders_app.gql(PLACE_ORDER, place_input("k"), token=shopper.token)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    reservation = await orders_app.reservation(order_id_for(shopper.id, "k"))
    assert reservation is not None and reservation["status"] == "RELEASED"
    assert await orders_app.stock(product) == {"available": 3, "reserved": 0, "onHand": 3}
    assert await orders_app.count_orders() == 0
    assert await orders_app.events() == []


async def test_an_unreachable_service_is_reported_and_changes_nothing(
    orders_app: Orders, monkeypatch: pytest.MonkeyPatch
) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))

    # Nothing listens on the port orders now has for products. The caller gives the request
    # 2 s (X-Request-Deadline-Ms): orders retries products that long, then answers.
    monkeypatch.setitem(orders_app.settings.ports, "products", free_port())
    body = await orders_app.gql(
        PLACE_ORDER,
        place_input("k"),
        token=shopper.token,
        headers={"x-request-deadline-ms": "2000"},
    )
    payload = body["data"]["placeOrder"]
    assert [e["code"] for e in payload["errors"]] == ["SERVICE_UNAVAILABLE"]
    assert "products" in payload["errors"][0]["message"]
    await assert_nothing_changed(orders_app)


async def test_an_order_is_written_whole_in_one_statement_on_postgresql(orders_app: Orders) -> None:
    shopper = await orders_app.shopper()
    first, second = await orders_app.product(), await orders_app.product()
    await orders_app.fill_cart(shopper, (first, 2), (second, 1))
    with count_statements(orders_app.db.engine) as statements:
        placed = await place(orders_app, shopper, key="whole")
    assert placed["errors"] == []
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    # order, lines, first history row and outbox row: data-modifying CTEs on PostgreSQL
    assert len(writes) == (1 if orders_app.db.is_postgres else 4)
    replayed = await place(orders_app, shopper, key="whole")  # read back from the database
    assert replayed == placed
    assert len(placed["order"]["items"]) == 2
    assert [e.aggregate_id for e in await orders_app.events("OrderCreated")] == [
        placed["order"]["id"]
    ]
