"""A checkout that fails after asking inventory to reserve never strands stock
(docs/architecture.md §6): orders' ``placeOrder`` against the real inventory subgraph, on
both database columns, with the reserve call's answer lost or its request delivered late.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bootstrap.migrate import migrate
from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.internal import InternalClient
from subgraphs.orders import repository as orders_repository
from subgraphs.orders.checkout import CheckoutService, PlaceOrder
from subgraphs.orders.domain import order_id_for
from subgraphs.orders.upstream import Buyer, CartLine, GraphQLCheckout
from subgraphs.products.client import ProductQuote, ProductQuotes
from tests.integration.inventory.conftest import Inventory, new_id, set_stock


class FlakyInventoryTransport(httpx.AsyncBaseTransport):
    """Inventory over ASGI, where the reserve call's answer never reaches the caller
    (the first ``failures`` times).

    ``late``: the reserve request is held back and answered with a timeout at once; the
    test delivers it afterwards (inventory reserves after the caller gave up).
    Otherwise inventory reserves, then the answer is lost (a timeout after it reserved).
    ``refusing_releases``: inventory cannot be reached for ``releaseReservation`` either
    (overloaded or restarting) until the test sets it back to False.
    """

    def __init__(self, inventory: Inventory, *, late: bool, failures: int = 1_000) -> None:
        self.inner = httpx.ASGITransport(app=inventory.app)
        self.late = late
        self.failures = failures
        self.held: list[httpx.Request] = []
        self.refusing_releases = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refusing_releases and b"releaseReservation" in request.content:
            raise httpx.ConnectError("injected: inventory is not answering", request=request)
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

    async def buyer_of(self, user_id: str) -> Buyer | None:
        return Buyer("sam@example.com", "Sam", None)


@asynccontextmanager
async def placing_orders(
    inventory: Inventory, tmp_path: Path, transport: httpx.AsyncBaseTransport, product: str
) -> AsyncIterator[CheckoutService]:
    """Orders' checkout on its own SQLite database, buying 2 of ``product`` (3 in stock),
    its client to inventory retrying idempotent calls for at most half a second."""
    await set_stock(inventory, product, 3)
    url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    await migrate("orders", url)
    db = Database(url)
    settings = inventory.settings.model_copy(
        update={"service_urls": {"inventory": "http://inv/graphql"}}
    )
    client = InternalClient(settings, "orders", retry_seconds=0.5, transport=transport)
    try:
        yield CheckoutService(db, RealInventoryCheckout(client, [CartLine(product, 2)]))
    finally:
        await client.close()
        await db.dispose()


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
    transport = FlakyInventoryTransport(inventory, late=late)
    user_id = str(uuid.uuid4())
    async with placing_orders(inventory, tmp_path, transport, product) as placing:
        assert await place_and_fail(placing, user_id) == "SERVICE_UNAVAILABLE"
        await transport.deliver_held()

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)
    held = await inventory.reservations.get(order_id_for(user_id, "checkout-1"))
    assert held is not None and held.status.value == "RELEASED"


async def test_a_release_inventory_missed_is_made_once_it_answers(
    inventory: Inventory, tmp_path: Path
) -> None:
    """make dev under load (bench/results/checkout-2026-11-28-030640.md): the reserve timed
    out, the release timed out too, and the reserve landed afterwards. The refusal must not
    leave the stock held until the reservation's TTL (half an hour)."""
    product = new_id()
    transport = FlakyInventoryTransport(inventory, late=True)
    transport.refusing_releases = True
    user_id = str(uuid.uuid4())
    async with placing_orders(inventory, tmp_path, transport, product) as placing:
        assert await place_and_fail(placing, user_id) == "SERVICE_UNAVAILABLE"
        await transport.deliver_held()
        assert (await inventory.level(product)).reserved == 2  # the late reserve held stock
        transport.refusing_releases = False  # inventory answers again
        async with asyncio.timeout(30):
            await placing.pending_releases.settled()

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)
    held = await inventory.reservations.get(order_id_for(user_id, "checkout-1"))
    assert held is not None and held.status.value == "RELEASED"


async def test_the_shoppers_retry_with_the_same_key_is_placed(
    inventory: Inventory, tmp_path: Path
) -> None:
    """A storefront retries SERVICE_UNAVAILABLE with the same idempotency key: the new try
    holds stock again, and the abandoned try's reserve landing after it holds nothing."""
    product = new_id()
    transport = FlakyInventoryTransport(inventory, late=True)
    user_id = str(uuid.uuid4())
    async with placing_orders(inventory, tmp_path, transport, product) as placing:
        assert await place_and_fail(placing, user_id) == "SERVICE_UNAVAILABLE"
        transport.failures = 0  # inventory answers again
        order = await placing.place_order(request_for(user_id))
        await transport.deliver_held()

    assert order.id == order_id_for(user_id, "checkout-1")
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 2, 1)


async def test_a_failed_order_write_releases_the_reservation(
    inventory: Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    product = new_id()

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("injected: the orders database refused the write")

    monkeypatch.setattr(orders_repository, "insert_order", disk_full)
    async with placing_orders(
        inventory, tmp_path, httpx.ASGITransport(app=inventory.app), product
    ) as placing:
        with pytest.raises(OSError):
            await placing.place_order(request_for(str(uuid.uuid4())))

    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)


async def test_a_reserve_answer_lost_once_costs_latency_not_the_order(
    inventory: Inventory, tmp_path: Path
) -> None:
    product = new_id()
    async with placing_orders(
        inventory, tmp_path, FlakyInventoryTransport(inventory, late=False, failures=1), product
    ) as placing:
        order = await placing.place_order(request_for(str(uuid.uuid4())))

    assert order.status.value == "PENDING"
    level = await inventory.level(product)
    assert (level.on_hand, level.reserved, level.available) == (3, 2, 1)


RESERVE_ATTEMPT = """mutation($i: ReserveStockInput!) { reserveStock(input: $i) {
  reservation { status lines { quantity } } errors { code } } }"""
GIVE_UP = """mutation($id: ID!, $attempt: String) {
  releaseReservation(orderId: $id, attempt: $attempt) {
  reservation { status lines { quantity } } errors { code } } }"""


async def test_attempts_order_the_tries_for_one_order_id(inventory: Inventory) -> None:
    product, order = new_id(), new_id()
    await set_stock(inventory, product, 5)

    async def reserve(attempt: str) -> tuple[str, int]:
        variables = {"i": {"orderId": order, "attempt": attempt,
                           "lines": [{"productId": product, "quantity": 2}]}}  # fmt: skip
        body = await inventory.gql(RESERVE_ATTEMPT, variables, token=inventory.tokens.service)
        found = body["data"]["reserveStock"]["reservation"]
        return found["status"], sum(line["quantity"] for line in found["lines"])

    async def give_up(attempt: str) -> str:
        variables = {"id": order, "attempt": attempt}
        body = await inventory.gql(GIVE_UP, variables, token=inventory.tokens.service)
        return str(body["data"]["releaseReservation"]["reservation"]["status"])

    assert await give_up("0001") == "RELEASED"  # unknown: a tombstone of attempt 0001
    assert await reserve("0001") == ("RELEASED", 0)  # its late reserve holds nothing
    assert await reserve("0002") == ("RESERVED", 2)  # the retry holds again
    assert await reserve("0001") == ("RESERVED", 2)  # an older try adds nothing
    assert await give_up("0001") == "RESERVED"  # nor gives another try's stock up
    assert await give_up("0003") == "RESERVED"
    assert (await inventory.level(product)).available == 3
    assert await give_up("0002") == "RELEASED"
    assert (await inventory.level(product)).available == 5
