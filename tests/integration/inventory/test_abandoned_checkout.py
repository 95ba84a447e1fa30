"""A checkout that fails after asking inventory to reserve never strands stock
(docs/architecture.md §6): orders' ``placeOrder`` against the real inventory subgraph, on
both database columns, with the reserve call's answer lost or its request delivered late.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from bootstrap.migrate import migrate
from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.internal import InternalClient
from subgraphs.orders import checkout as checkout_module
from subgraphs.orders.checkout import CheckoutService, PlaceOrder
from subgraphs.orders.domain import order_id_for
from subgraphs.orders.upstream import CartLine, GraphQLCheckout
from subgraphs.products.client import ProductQuote, ProductQuotes
from tests.integration.inventory.conftest import Inventory, new_id, set_stock


class FlakyInventoryTransport(httpx.AsyncBaseTransport):
    """Inventory over ASGI, where the reserve call's answer never reaches the caller
    (the first ``failures`` times).

    ``late``: the reserve request is held back and answered with a timeout at once; the
    test delivers it afterwards (inventory reserves after the caller gave up).
    Otherwise inventory reserves, then the answer is lost (a timeout after it reserved).
    """

    def __init__(self, inventory: Inventory, *, late: bool, failures: int = 1_000) -> None:
        self.inner = httpx.ASGITransport(app=inventory.app)
        self.late = late
        self.failures = failures
        self.held: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if b"reserveStock" not in request.content or self.failures == 0:
            return await self.inner.handle_async_request(request)
        self.failures -= 1
        if self.late:
            self.held.append(request)
        else:
            await (await self.inner.handle_async_request(request)).aread()
        raise httpx.ReadTimeout("injected: the reserve answer never came", request=request)

    async def deliver_held(self) -> None:
        for request in self.held:
            await (await self.inner.handle_async_request(request)).aread()


class RealInventoryCheckout(GraphQLCheckout):
    """Carts, products and users answer from memory; inventory is the real subgraph."""

    def __init__(self, client: InternalClient, cart: list[CartLine]) -> None:
        super().__init__(client)
        self.cart = cart

    async def cart_lines(self, user_id: str) -> list[CartLine]:
        return list(self.cart)

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        return {
            pid: ProductQuote(pid, "Scarce widget", f"SKU-{pid[:8]}", "ACTIVE", 1000, "USD")
            for pid in product_ids
        }

    async def email_of(self, user_id: str) -> str | None:
        return "sam@example.com"


async def orders_db(tmp_path: Path) -> Database:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    await migrate("orders", url)
    return Database(url)


def orders_client(inventory: Inventory, transport: httpx.AsyncBaseTransport) -> InternalClient:
    """Orders' client to inventory, retrying idempotent calls for at most half a second."""
    settings = inventory.settings.model_copy(
        update={"service_urls": {"inventory": "http://inv/graphql"}}
    )
    return InternalClient(settings, "orders", retry_seconds=0.5, transport=transport)


def request_for(user_id: str) -> PlaceOrder:
    return PlaceOrder(
        user_id=user_id,
        name="Sam Shopper",
        line1="1 Main St",
        city="Springfield",
        postal_code="12345",
        country="US",
        payment_method="pm_card_visa",
        idempotency_key="checkout-1",
    )


async def place_and_fail(placing: CheckoutService, user_id: str) -> str:
    with pytest.raises(DomainError) as refused:
        await placing.place_order(request_for(user_id))
    assert refused.value.message  # never an empty message
    return refused.value.code


@pytest.mark.parametrize("late", [False, True], ids=["answer-lost", "reserve-lands-late"])
async def test_a_reserve_that_timed_out_holds_no_stock(
    inventory: Inventory, tmp_path: Path, late: bool
) -> None:
    product = new_id()
    await set_stock(inventory, product, 3)
    transport = FlakyInventoryTransport(inventory, late=late)
    client = orders_client(inventory, transport)
    db = await orders_db(tmp_path)
    placing = CheckoutService(db, RealInventoryCheckout(client, [CartLine(product, 2)]))
    user_id = str(uuid.uuid4())
    try:
        assert await place_and_fail(placing, user_id) == "SERVICE_UNAVAILABLE"
        await transport.deliver_held()
    finally:
        await client.close()
        await db.dispose()

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)
    held = await inventory.reservations.get(order_id_for(user_id, "checkout-1"))
    assert held is not None and held.status.value == "RELEASED"


async def test_a_failed_order_write_releases_the_reservation(
    inventory: Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    product = new_id()
    await set_stock(inventory, product, 3)
    client = orders_client(inventory, httpx.ASGITransport(app=inventory.app))

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("injected: the orders database refused the write")

    monkeypatch.setattr(checkout_module.repository, "insert_order", disk_full)
    db = await orders_db(tmp_path)
    placing = CheckoutService(db, RealInventoryCheckout(client, [CartLine(product, 2)]))
    try:
        with pytest.raises(OSError):
            await placing.place_order(request_for(str(uuid.uuid4())))
    finally:
        await client.close()
        await db.dispose()

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)


async def test_a_reserve_answer_lost_once_costs_latency_not_the_order(
    inventory: Inventory, tmp_path: Path
) -> None:
    product = new_id()
    await set_stock(inventory, product, 3)
    client = orders_client(inventory, FlakyInventoryTransport(inventory, late=False, failures=1))
    db = await orders_db(tmp_path)
    placing = CheckoutService(db, RealInventoryCheckout(client, [CartLine(product, 2)]))
    try:
        order = await placing.place_order(request_for(str(uuid.uuid4())))
    finally:
        await client.close()
        await db.dispose()

    assert order.status.value == "PENDING"
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 2, 1)
