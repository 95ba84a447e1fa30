"""The carts subgraph over HTTP, pricing against the real products subgraph.

Each test runs on both columns of ``kv_url``: the in-process store with products on SQLite,
and Redis with products on PostgreSQL. Carts reaches products through its own
``InternalClient`` (service token and all), whose transport is the products app in-process
(``httpx.ASGITransport``) wrapped to count the round trips.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bootstrap.migrate import migrate
from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import ServiceTokenIssuer, TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.internal import InternalClient
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings, load_settings
from subgraphs.carts.app import create_app as create_carts
from subgraphs.carts.service import CartService
from subgraphs.products.app import create_app as create_products
from subgraphs.products.client import ProductsClient
from subgraphs.products.models import outbox as products_outbox
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    real_service_url,
    unique_name,
)
from tests.support.columns import adapter_urls


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts the requests carts sends to products; ``down`` makes products unreachable."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class Carts:
    settings: Settings
    app: Starlette
    client: httpx.AsyncClient
    products_client: httpx.AsyncClient
    to_products: CountingTransport
    issuer: TokenIssuer
    staff_token: str
    service_token: str
    _category: str | None = field(default=None)

    @property
    def service(self) -> CartService:
        service: CartService = self.app.state.carts
        return service

    def customer(self, user_id: str | None = None) -> tuple[str, str]:
        """A (user id, access token) of a signed-in customer."""
        user_id = user_id or str(uuid.uuid4())
        return user_id, self.issuer.access_token(subject=user_id, roles=["CUSTOMER"]).token

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        cart_token: str | None = None,
        deadline_ms: int | None = None,
    ) -> dict[str, Any]:
        headers = {}
        if deadline_ms is not None:  # the caller's deadline bounds carts' retries of products
            headers["X-Request-Deadline-Ms"] = str(deadline_ms)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cart_token:
            headers["X-Cart-Token"] = cart_token
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        body = await self.gql(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def products(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.products_client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.staff_token}"},
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def create_product(self, price: str = "19.99", status: str = "ACTIVE") -> str:
        if self._category is None:
            created = await self.products(
                "mutation($i: CreateCategoryInput!) { createCategory(input: $i) {"
                " category { id } errors { code } } }",
                {"i": {"name": f"Carts {uuid.uuid4().hex[:8]}"}},
            )
            self._category = created["createCategory"]["category"]["id"]
        suffix = uuid.uuid4().hex[:8].upper()
        payload = (
            await self.products(
                "mutation($i: CreateProductInput!) { createProduct(input: $i) {"
                " product { id } errors { code message } } }",
                {
                    "i": {
                        "name": f"Cart Widget {suffix}",
                        "sku": f"CART-{suffix}",
                        "price": {"amount": price, "currency": "USD"},
                        "categoryId": self._category,
                        "description": "for cart tests",
                        "weightGrams": 250,
                        "status": status,
                    }
                },
            )
        )["createProduct"]
        assert payload["errors"] == [], payload
        return str(payload["product"]["id"])

    async def archive(self, product_id: str) -> None:
        payload = (
            await self.products(
                "mutation($id: ID!) { archiveProduct(id: $id) { errors { code } } }",
                {"id": product_id},
            )
        )["archiveProduct"]
        assert payload["errors"] == []

    async def reprice(self, product_id: str, amount: str) -> None:
        payload = (
            await self.products(
                "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i)"
                " { errors { code message } } }",
                {"id": product_id, "i": {"price": {"amount": amount, "currency": "USD"}}},
            )
        )["updateProduct"]
        assert payload["errors"] == [], payload


@pytest.fixture
async def products_database_url(kv_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """Products' database on the same column as the key-value store."""
    if kv_url.startswith("memory://"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'products.db'}"
        return
    admin_url = real_service_url("postgres")
    name = unique_name("sgcarts")
    url = await create_postgres_database(admin_url, name)
    try:
        yield url
    finally:
        await drop_postgres_database(admin_url, name)


@pytest.fixture
async def carts(
    kv_url: str, products_database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Carts]:
    await migrate("products", products_database_url)
    settings = load_settings(
        environment="test",
        database_url=products_database_url,
        kv_url=kv_url,
        bus_url=adapter_urls(products_database_url)["bus_url"],
        data_dir=tmp_path,
        outbox_poll_seconds=0.05,
    )
    verifier = TokenVerifier.from_settings(settings, [signing_key])
    products_res = ServiceResources.from_settings(
        settings, "products", outbox=products_outbox, principals=verifier
    )
    products_app = create_products(settings, resources=products_res)
    to_products = CountingTransport(httpx.ASGITransport(app=products_app))
    carts_res = ServiceResources.from_settings(settings, "carts", principals=verifier)
    catalog = ProductsClient(InternalClient(settings, "carts", transport=to_products))
    app = create_carts(settings, resources=carts_res, catalog=catalog)
    issuer = TokenIssuer.from_settings(settings, signing_key, service="users")
    staff = issuer.access_token(subject=str(uuid.uuid4()), roles=["STAFF"]).token
    service_token = ServiceTokenIssuer.from_settings(settings, "orders").token()
    await products_res.start()
    await carts_res.start()
    try:
        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://carts"
            ) as client,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=products_app), base_url="http://products"
            ) as products_client,
        ):
            yield Carts(
                settings,
                app,
                client,
                products_client,
                to_products,
                issuer,
                staff,
                service_token,
            )
    finally:
        await app.state.announcer.close()  # what the app's shutdown does before the bus stops
        await catalog.close()
        await carts_res.stop()
        await products_res.stop()


CART_FIELDS = """
  id itemCount updatedAt
  subtotal { amount currency }
  lines {
    productId quantity available
    product { id }
    unitPrice { amount currency }
    lineTotal { amount currency }
  }
"""

CART = f"query {{ cart {{ {CART_FIELDS} }} }}"

PAYLOAD = f"cart {{ {CART_FIELDS} }} cartToken errors {{ code field message }}"

ADD = f"""mutation($i: AddToCartInput!) {{ addToCart(input: $i) {{ {PAYLOAD} }} }}"""
UPDATE = f"""mutation($i: UpdateCartItemInput!) {{ updateCartItem(input: $i) {{ {PAYLOAD} }} }}"""
REMOVE = f"""mutation($p: ID!) {{ removeFromCart(productId: $p) {{ {PAYLOAD} }} }}"""
CLEAR = f"""mutation {{ clearCart {{ {PAYLOAD} }} }}"""
MERGE = f"""mutation($t: String!) {{ mergeCart(cartToken: $t) {{ {PAYLOAD} }} }}"""


def quantities(cart: dict[str, Any] | None) -> dict[str, int]:
    return {} if cart is None else {x["productId"]: x["quantity"] for x in cart["lines"]}


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]
