"""A migrated orders subgraph on a test database, in front of the real services it asks at
checkout: users, products, inventory and carts of a platform on the same column
(tests/support/platform.py), started once for the package and shared by its tests, which
create their own shoppers and products. The orders under test has its own database, bus
and store, so the platform's worker groups never see its events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete, func, select
from starlette.applications import Starlette

from bootstrap.migrate import migrate
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.orders.app import create_app
from subgraphs.orders.models import order_status_history, orders, outbox
from subgraphs.orders.service import OrderService
from subgraphs.products.models import products as products_table
from tests.support.columns import adapter_urls
from tests.support.shared_platforms import SharedShops, shared_shops
from tests.support.shop import ADDRESS, Shop, data_of


@dataclass
class Shopper:
    id: str
    token: str


@dataclass(frozen=True)
class Product:
    id: str
    sku: str
    name: str


# One platform per column, started on first use and stopped when the package ends.
Upstream = SharedShops


@pytest.fixture(scope="package")
async def upstream(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Upstream]:
    async with shared_shops(tmp_path_factory) as shops:
        yield shops


def subject_of(token: str) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    return str(claims["sub"])


@dataclass
class Orders:
    """The orders subgraph under test, an HTTP client to it, and the platform around it."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    resources: ServiceResources
    shop: Shop
    staff: Shopper
    service_token: str
    products: dict[str, Product] = field(default_factory=dict)
    category_id: str = ""

    @property
    def db(self) -> Database:
        return self.resources.db

    @property
    def service(self) -> OrderService:
        found: OrderService = self.app.state.orders
        return found

    async def shopper(self, email: str | None = None) -> Shopper:
        """A customer registered with the users service."""
        token = await self.shop.register(email or f"shopper-{uuid.uuid4().hex[:10]}@example.com")
        return Shopper(subject_of(token), token)

    async def fill_cart(self, shopper: Shopper, *lines: tuple[str, int]) -> None:
        for product_id, quantity in lines:
            await self.shop.add_to_cart(shopper.token, product_id, quantity)

    async def empty_cart(self, shopper: Shopper) -> None:
        payload = (
            await self.shop.call(
                "carts", "mutation { clearCart { errors { code } } }", token=shopper.token
            )
        )["clearCart"]
        assert payload["errors"] == [], payload

    async def product(self, *, price_minor: int = 2500, stock: int = 10) -> str:
        """An ACTIVE product of the catalog, weighing 300 g, with ``stock`` in inventory."""
        suffix = uuid.uuid4().hex[:8].upper()
        sku, name = f"ORD-{suffix}", f"Widget {suffix}"
        payload = (
            await self.shop.call(
                "products",
                """mutation($i: CreateProductInput!) { createProduct(input: $i) {
                     product { id } errors { code message } } }""",
                {
                    "i": {
                        "name": name,
                        "sku": sku,
                        "price": {"amount": f"{price_minor / 100:.2f}", "currency": "USD"},
                        "categoryId": await self._category(),
                        "weightGrams": 300,
                    }
                },
                self.shop.admin_token,
            )
        )["createProduct"]
        assert payload["errors"] == [], payload
        product_id = str(payload["product"]["id"])
        self.products[product_id] = Product(product_id, sku, name)
        await self.shop.set_stock(product_id, stock)
        return product_id

    async def set_status(self, product_id: str, status: str) -> None:
        payload = (
            await self.shop.call(
                "products",
                """mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i)
                     { errors { code message } } }""",
                {"id": product_id, "i": {"status": status}},
                self.shop.admin_token,
            )
        )["updateProduct"]
        assert payload["errors"] == [], payload

    async def forget_product(self, product_id: str) -> None:
        """Delete the product from the products database, as if it had never existed."""
        db = Database(self.shop.platform.settings.database_url_for("products"))
        try:
            async with db.session() as session, session.begin():
                await session.execute(
                    delete(products_table).where(products_table.c.id == product_id)
                )
        finally:
            await db.dispose()

    async def stock(self, product_id: str) -> dict[str, int]:
        return await self.shop.stock(product_id)

    async def reservation(self, order_id: str) -> dict[str, Any] | None:
        """Inventory's reservation for an order (asked as orders asks it), or None."""
        found: dict[str, Any] | None = data_of(
            await self.shop.platform.gql(
                "inventory",
                """query($id: ID!) { reservation(orderId: $id) {
                     status lines { productId quantity } } }""",
                {"id": order_id},
                token=ServiceTokenIssuer.from_settings(self.settings, "orders").token(),
            )
        )["reservation"]
        return found

    async def nothing_reserved(self) -> bool:
        """No product of this test has stock held (or taken) for an order."""
        for product_id in self.products:
            if (await self.stock(product_id))["reserved"] != 0:
                return False
        return True

    async def _category(self) -> str:
        """A category of the test's own, created with its first product."""
        if self.category_id:
            return self.category_id
        payload = (
            await self.shop.call(
                "products",
                """mutation($i: CreateCategoryInput!) { createCategory(input: $i) {
                     category { id } errors { code message } } }""",
                {"i": {"name": f"Orders {uuid.uuid4().hex[:8]}"}},
                self.shop.admin_token,
            )
        )["createCategory"]
        assert payload["errors"] == [], payload
        self.category_id = str(payload["category"]["id"])
        return self.category_id

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]

    async def count_orders(self) -> int:
        async with self.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(orders)) or 0)

    async def count_history(self, order_id: str) -> int:
        async with self.db.session() as session:
            query = (
                select(func.count())
                .select_from(order_status_history)
                .where(order_status_history.c.order_id == order_id)
            )
            return int(await session.scalar(query) or 0)


def orders_settings(shop: Shop, database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """The platform's settings (its services' ports, secrets and issuer) with the orders
    database, bus and store of the test."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": tmp_path,
        "ports": dict(shop.platform.settings.ports),
        **adapter_urls(database_url),
        **overrides,
    }
    return shop.platform.settings.model_copy(update=values)


def build_orders(settings: Settings) -> tuple[Starlette, ServiceResources]:
    """The orders app asking the platform's services; it trusts the users service's keys."""
    resources = ServiceResources.from_settings(
        settings, "orders", outbox=outbox, principals=TokenVerifier.from_settings(settings)
    )
    return create_app(settings, resources=resources), resources


def staff_of(shop: Shop) -> Shopper:
    """The platform's admin (staff and admin roles)."""
    return Shopper(subject_of(shop.admin_token), shop.admin_token)


@pytest.fixture
async def orders_app(
    database_url: str, tmp_path: Path, upstream: Upstream
) -> AsyncIterator[Orders]:
    shop = await upstream.shop_for(database_url)
    await migrate("orders", database_url)
    settings = orders_settings(shop, database_url, tmp_path)
    app, resources = build_orders(settings)
    service_token = ServiceTokenIssuer.from_settings(settings, "payments").token()
    # The app's own start-up and shut-down, as uvicorn runs them: its resources, and on the
    # way out the pooled client of its upstream calls (left open, it leaked its session).
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
            yield Orders(app, client, settings, resources, shop, staff_of(shop), service_token)


ORDER_FIELDS = """
id status paymentMethod
items { productId sku name quantity unitPrice { amount currency } lineTotal { amount } }
subtotal { amount currency } shipping { amount } total { amount currency }
shippingAddress { name line1 line2 city postalCode country phone }
history { status previousStatus actor reason at }
"""

PLACE_ORDER = (
    "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order {"
    + ORDER_FIELDS
    + "} errors { code field message } } }"
)


def place_input(
    key: str | None = None,
    *,
    payment_method: str = "pm_card_visa",
    address: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "i": {
            "shippingAddress": address if address is not None else dict(ADDRESS),
            "paymentMethod": payment_method,
            "idempotencyKey": key if key is not None else uuid.uuid4().hex,
        }
    }


async def place(
    orders: Orders, shopper: Shopper, key: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    body = await orders.gql(PLACE_ORDER, place_input(key, **kwargs), token=shopper.token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["placeOrder"]
    return payload


async def placed_order(orders: Orders, shopper: Shopper, *lines: tuple[str, int]) -> str:
    """A PENDING order of ``shopper`` (a fresh product when no lines are given)."""
    await orders.fill_cart(shopper, *(lines or ((await orders.product(), 1),)))
    payload = await place(orders, shopper)
    assert payload["errors"] == [], payload
    return str(payload["order"]["id"])
