"""A storefront's-eye client of the running platform, for end-to-end saga tests."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.support.graphql_ws import ORDER_STATUS_CHANGED, subscribed
from tests.support.platform import Platform

TERMINAL = {"PAID", "PAYMENT_FAILED", "CANCELLED", "FULFILLED"}
# How long a wait for the platform to settle may take before the test fails. Workers on a
# quiet machine settle within a second; a machine shared with other test runs can take
# minutes, and a wait ends as soon as its condition holds, so the bound costs nothing.
SETTLE_SECONDS = 180.0
# A shipping address every placeOrder of the tests may use.
ADDRESS = {
    "name": "Sam Shopper",
    "line1": "1 Main St",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


async def poll_pause(previous: float, longest: float = 0.5) -> float:
    """Sleep before the next poll: briefly at first, backing off to ``longest``, so many
    concurrent waits do not themselves load the platform they wait for."""
    pause = min(longest, previous * 2) if previous else 0.05
    await asyncio.sleep(pause)
    return pause


# A refused placeOrder is tried again after up to this long: each try reserves and releases
# stock on the product's row, so a crowd retrying every half second kept a platform starved
# of CPU busy with its own retries.
REFUSED_RETRY_SECONDS = 5.0


class GraphQLFailure(AssertionError):
    pass


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("errors"):
        raise GraphQLFailure(body["errors"])
    result: dict[str, Any] = body["data"]
    return result


@dataclass
class Shop:
    platform: Platform
    admin_token: str = ""
    # SERVICE_UNAVAILABLE answers to place_order_answered, per idempotency key.
    refusals: Counter[str] = field(default_factory=Counter)

    async def call(
        self, service: str, query: str, variables: dict[str, Any] | None = None, token: str = ""
    ) -> dict[str, Any]:
        return data_of(await self.platform.gql(service, query, variables, token=token or None))

    async def call_answered(
        self, service: str, query: str, variables: dict[str, Any] | None = None, token: str = ""
    ) -> dict[str, Any]:
        """``call`` as a storefront does it: on SERVICE_UNAVAILABLE (an upstream call timed out
        on a busy machine; such a refusal changes nothing) again, until another answer."""
        pause = 0.0
        async with asyncio.timeout(SETTLE_SECONDS):
            while True:
                body = await self.platform.gql(service, query, variables, token=token or None)
                codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
                if codes != {"SERVICE_UNAVAILABLE"}:
                    return data_of(body)
                pause = await poll_pause(pause)

    # -- users ----------------------------------------------------------------------------

    async def sign_in_admin(self) -> str:
        settings = self.platform.settings
        self.admin_token = await self.login(settings.admin_email, settings.admin_password)
        return self.admin_token

    async def register(self, email: str | None = None, password: str = "shopper-pass-123") -> str:
        email = email or f"shopper-{uuid.uuid4().hex[:10]}@example.com"
        payload = (
            await self.call(
                "users",
                """mutation($i: RegisterInput!) { register(input: $i) {
                     accessToken errors { code message } } }""",
                {
                    "i": {
                        "email": email,
                        "password": password,
                        "firstName": "Sam",
                        "lastName": "Shopper",
                    }
                },
            )
        )["register"]
        assert payload["errors"] == [], payload
        return str(payload["accessToken"])

    async def login(self, email: str, password: str) -> str:
        payload = (
            await self.call(
                "users",
                """mutation($i: LoginInput!) { login(input: $i) {
                     accessToken errors { code } } }""",
                {"i": {"email": email, "password": password}},
            )
        )["login"]
        assert payload["errors"] == [], payload
        return str(payload["accessToken"])

    # -- catalog and stock (staff) --------------------------------------------------------

    async def create_product(self, *, price: str = "25.00", stock: int = 10) -> str:
        suffix = uuid.uuid4().hex[:8].upper()
        category = (
            await self.call(
                "products",
                """mutation($i: CreateCategoryInput!) { createCategory(input: $i) {
                     category { id } errors { code message } } }""",
                {"i": {"name": f"Saga {suffix}"}},
                self.admin_token,
            )
        )["createCategory"]
        assert category["errors"] == [], category
        product = (
            await self.call(
                "products",
                """mutation($i: CreateProductInput!) { createProduct(input: $i) {
                     product { id } errors { code message } } }""",
                {
                    "i": {
                        "name": f"Saga Widget {suffix}",
                        "sku": f"SAGA-{suffix}",
                        "price": {"amount": price, "currency": "USD"},
                        "categoryId": category["category"]["id"],
                        "description": "A widget for checkout tests.",
                        "weightGrams": 300,
                    }
                },
                self.admin_token,
            )
        )["createProduct"]
        assert product["errors"] == [], product
        product_id = str(product["product"]["id"])
        await self.set_stock(product_id, stock)
        return product_id

    async def set_stock(self, product_id: str, quantity: int) -> None:
        result = (
            await self.call(
                "inventory",
                """mutation($i: SetStockInput!) { setStock(input: $i) {
                     errors { code message } } }""",
                {"i": {"productId": product_id, "quantity": quantity}},
                self.admin_token,
            )
        )["setStock"]
        assert result["errors"] == [], result

    async def stock(self, product_id: str) -> dict[str, int]:
        entities = (
            await self.call(
                "inventory",
                """query($r: [_Any!]!) { _entities(representations: $r) {
                     ... on Product { stock { available reserved onHand } } } }""",
                {"r": [{"__typename": "Product", "id": product_id}]},
            )
        )["_entities"]
        stock: dict[str, int] = entities[0]["stock"]
        return stock

    # -- cart and checkout ----------------------------------------------------------------

    async def add_to_cart(self, token: str, product_id: str, quantity: int = 1) -> None:
        result = (
            await self.call_answered(
                "carts",
                """mutation($i: AddToCartInput!) { addToCart(input: $i) {
                     errors { code message } } }""",
                {"i": {"productId": product_id, "quantity": quantity}},
                token,
            )
        )["addToCart"]
        assert result["errors"] == [], result

    async def cart_quantity(self, token: str) -> int:
        cart = (await self.call("carts", "{ cart { lines { quantity } } }", token=token))["cart"]
        return sum(line["quantity"] for line in (cart or {}).get("lines", []))

    async def place_order(
        self, token: str, *, payment_method: str = "pm_card_visa", key: str | None = None
    ) -> dict[str, Any]:
        result: dict[str, Any] = (
            await self.call(
                "orders",
                """mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
                     order { id status total { amount currency } }
                     errors { code field message } } }""",
                {
                    "i": {
                        "shippingAddress": ADDRESS,
                        "paymentMethod": payment_method,
                        "idempotencyKey": key or uuid.uuid4().hex,
                    }
                },
                token,
            )
        )["placeOrder"]
        return result

    async def place_order_answered(
        self, token: str, *, payment_method: str = "pm_card_visa", key: str | None = None
    ) -> dict[str, Any]:
        """``place_order`` as a storefront does it: on SERVICE_UNAVAILABLE (an upstream call
        timed out on a busy machine) again with the same idempotency key, until the answer
        is another one."""
        key = key or uuid.uuid4().hex
        pause = 0.0
        async with asyncio.timeout(SETTLE_SECONDS):
            while True:
                result = await self.place_order(token, payment_method=payment_method, key=key)
                if [e["code"] for e in result["errors"]] != ["SERVICE_UNAVAILABLE"]:
                    return result
                self.refusals[key] += 1
                pause = await poll_pause(pause, REFUSED_RETRY_SECONDS)

    async def order(self, token: str, order_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = (
            await self.call(
                "orders",
                "query($id: ID!) { order(id: $id) { id status } }",
                {"id": order_id},
                token,
            )
        )["order"]
        return found

    async def movements(self, product_id: str) -> list[dict[str, Any]]:
        """The product's whole stock ledger (staff), newest first, page by page."""
        found: list[dict[str, Any]] = []
        after = None
        while True:
            connection = (
                await self.call(
                    "inventory",
                    """query($p: ID!, $after: String) {
                         stockMovements(productId: $p, first: 100, after: $after) {
                           edges { node { kind orderId onHandDelta reservedDelta } }
                           pageInfo { hasNextPage endCursor } } }""",
                    {"p": product_id, "after": after},
                    self.admin_token,
                )
            )["stockMovements"]
            found.extend(edge["node"] for edge in connection["edges"])
            if not connection["pageInfo"]["hasNextPage"]:
                return found
            after = connection["pageInfo"]["endCursor"]

    async def ledger_by_order(self, product_id: str) -> dict[str, Counter[str]]:
        """The product's ledger summed per order: movements of each kind (``RESERVE``,
        ``COMMIT``, ``RELEASE``...) and the net ``onHand`` and ``reserved`` change."""
        ledger: dict[str, Counter[str]] = {}
        for movement in await self.movements(product_id):
            if movement["orderId"]:
                entry = ledger.setdefault(movement["orderId"], Counter())
                entry[movement["kind"]] += 1
                entry["onHand"] += movement["onHandDelta"]
                entry["reserved"] += movement["reservedDelta"]
        return ledger

    async def settled_stock(
        self, product_id: str, seconds: float = SETTLE_SECONDS
    ) -> dict[str, int]:
        """Stock once no reservation is open any more (workers commit or release them)."""
        pause = 0.0
        async with asyncio.timeout(seconds):
            while (stock := await self.stock(product_id))["reserved"] != 0:
                pause = await poll_pause(pause)
        return stock

    async def wait_for_empty_cart(self, token: str, seconds: float = SETTLE_SECONDS) -> None:
        pause = 0.0
        async with asyncio.timeout(seconds):
            while await self.cart_quantity(token) != 0:
                pause = await poll_pause(pause)

    async def wait_for_status(
        self, token: str, order_id: str, wanted: set[str], seconds: float = SETTLE_SECONDS
    ) -> str:
        pause = 0.0
        async with asyncio.timeout(seconds):
            while True:
                found = await self.order(token, order_id)
                status = found["status"] if found else ""
                if status in wanted:
                    return status
                pause = await poll_pause(pause)

    async def payment_of(self, order_id: str) -> dict[str, Any] | None:
        entities = (
            await self.call(
                "payments",
                """query($r: [_Any!]!) { _entities(representations: $r) {
                     ... on Order { payment { id status amount { amount } } } } }""",
                {"r": [{"__typename": "Order", "id": order_id}]},
                self.admin_token,
            )
        )["_entities"]
        payment: dict[str, Any] | None = entities[0]["payment"]
        return payment

    # -- subscriptions --------------------------------------------------------------------

    @asynccontextmanager
    async def order_status_stream(
        self, token: str, order_id: str
    ) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """Subscribes to ``orderStatusChanged``; yields a queue of ``next``/``error`` frames."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        async with subscribed(
            self.platform.url("orders"), token, ORDER_STATUS_CHANGED, {"id": order_id}
        ) as ws:

            async def pump() -> None:
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame["type"] in ("next", "error", "complete"):
                        await queue.put(frame)

            task = asyncio.create_task(pump())
            try:
                yield queue
            finally:
                task.cancel()


def money(value: str) -> Decimal:
    return Decimal(value)
