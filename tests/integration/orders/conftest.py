from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import ServiceTokenIssuer, TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.migrations import migrate
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings, load_settings
from subgraphs.orders.app import create_app
from subgraphs.orders.models import order_status_history, orders, outbox
from subgraphs.orders.service import OrderService
from subgraphs.orders.upstream import CartLine
from tests.integration.orders.stubs import StubCheckout
from tests.support.columns import adapter_urls


@dataclass
class Shopper:
    id: str
    token: str


@dataclass
class Orders:
    """A migrated orders subgraph (with stubbed upstream services) and an HTTP client."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    resources: ServiceResources
    checkout: StubCheckout
    issuer: TokenIssuer
    staff: Shopper
    service_token: str

    @property
    def db(self) -> Database:
        return self.resources.db

    @property
    def service(self) -> OrderService:
        found: OrderService = self.app.state.orders
        return found

    def shopper(self, email: str | None = None) -> Shopper:
        user_id = str(uuid.uuid4())
        self.checkout.emails[user_id] = email or f"{user_id[:8]}@example.com"
        token = self.issuer.access_token(subject=user_id, roles=["CUSTOMER"]).token
        return Shopper(user_id, token)

    def fill_cart(self, shopper: Shopper, *lines: tuple[str, int]) -> None:
        self.checkout.carts[shopper.id] = [CartLine(p, q) for p, q in lines]

    def product(self, **kwargs: Any) -> str:
        product_id = str(uuid.uuid4())
        self.checkout.add_product(product_id, **kwargs)
        return product_id

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
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


def orders_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "data_dir": tmp_path,
        **adapter_urls(database_url),
        **overrides,
    }
    return load_settings(**values)


def build_orders(
    settings: Settings, signing_key: SigningKey, checkout: StubCheckout
) -> tuple[Starlette, ServiceResources, TokenIssuer]:
    resources = ServiceResources.from_settings(
        settings,
        "orders",
        outbox=outbox,
        principals=TokenVerifier.from_settings(settings, [signing_key]),
    )
    app = create_app(settings, resources=resources, checkout=checkout)
    return app, resources, TokenIssuer.from_settings(settings, signing_key)


@pytest.fixture
async def orders_app(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Orders]:
    await migrate("orders", database_url)
    settings = orders_settings(database_url, tmp_path)
    checkout = StubCheckout()
    app, resources, issuer = build_orders(settings, signing_key, checkout)
    staff_id = str(uuid.uuid4())
    staff = Shopper(staff_id, issuer.access_token(subject=staff_id, roles=["STAFF"]).token)
    service_token = ServiceTokenIssuer.from_settings(settings, "payments").token()
    await resources.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
            yield Orders(app, client, settings, resources, checkout, issuer, staff, service_token)
    finally:
        await resources.stop()


ADDRESS = {
    "name": "Sam Shopper",
    "line1": "1 Main St",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}

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
    orders.fill_cart(shopper, *(lines or ((orders.product(), 1),)))
    payload = await place(orders, shopper)
    assert payload["errors"] == [], payload
    return str(payload["order"]["id"])
