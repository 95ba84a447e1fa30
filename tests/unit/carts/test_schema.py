"""The GraphQL layer over a fake catalog: what the integration tests cannot easily set up
(products in two currencies, products down on a write), and the header handling."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.kv import drop_memory_store
from shopgraph.resources import ServiceResources
from shopgraph.settings import load_settings
from subgraphs.carts.app import create_app
from subgraphs.carts.schema import MAX_TOKEN_LENGTH, cart_token_from_header
from tests.unit.carts.fakes import FakeCatalog

ADD = """mutation($i: AddToCartInput!) { addToCart(input: $i) {
  cart { itemCount subtotal { amount currency } lines { productId lineTotal { amount } } }
  cartToken errors { code field } } }"""


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.generate()


class Client:
    def __init__(self, http: httpx.AsyncClient, catalog: FakeCatalog, issuer: TokenIssuer):
        self.http, self.catalog, self.issuer = http, catalog, issuer

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        body: dict[str, Any] = response.json()
        return body

    def bearer(self, user_id: str) -> str:
        return "Bearer " + self.issuer.access_token(subject=user_id, roles=["CUSTOMER"]).token


@pytest.fixture
async def client(tmp_path: Path, signing_key: SigningKey) -> AsyncIterator[Client]:
    kv_url = f"memory://carts-schema-{uuid.uuid4().hex[:8]}"
    settings = load_settings(environment="test", data_dir=tmp_path, kv_url=kv_url)
    resources = ServiceResources.from_settings(
        settings, "carts", principals=TokenVerifier.from_settings(settings, [signing_key])
    )
    catalog = FakeCatalog()
    app = create_app(settings, resources=resources, catalog=catalog)
    issuer = TokenIssuer.from_settings(settings, signing_key)
    await resources.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carts") as http:
            yield Client(http, catalog, issuer)
    finally:
        await resources.stop()
        drop_memory_store(kv_url)


async def test_subtotal_needs_one_currency(client: Client) -> None:
    usd, eur = client.catalog.add(500, currency="USD"), client.catalog.add(700, currency="EUR")
    first = (await client.gql(ADD, {"i": {"productId": usd, "quantity": 2}}))["data"]["addToCart"]
    assert first["cart"]["subtotal"] == {"amount": "10.00", "currency": "USD"}
    token = first["cartToken"]
    both = (await client.gql(ADD, {"i": {"productId": eur, "quantity": 1}}, X_Cart_Token=token))[
        "data"
    ]["addToCart"]
    assert both["cart"]["subtotal"] is None
    assert [x["lineTotal"]["amount"] for x in both["cart"]["lines"]] == ["10.00", "7.00"]


async def test_products_down_refuses_the_add_and_changes_nothing(client: Client) -> None:
    pid = client.catalog.add()
    user = client.bearer(str(uuid.uuid4()))
    await client.gql(ADD, {"i": {"productId": pid, "quantity": 1}}, Authorization=user)
    client.catalog.down = True
    body = await client.gql(ADD, {"i": {"productId": pid, "quantity": 1}}, Authorization=user)
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    client.catalog.down = False
    cart = (await client.gql("{ cart { itemCount } }", Authorization=user))["data"]["cart"]
    assert cart == {"itemCount": 1}


async def test_one_products_call_per_request(client: Client) -> None:
    user = client.bearer(str(uuid.uuid4()))
    for _ in range(3):
        pid = client.catalog.add()
        await client.gql(ADD, {"i": {"productId": pid, "quantity": 1}}, Authorization=user)
    client.catalog.calls.clear()
    query = """{ cart { subtotal { amount } lines { available unitPrice { amount }
                 lineTotal { amount } } } }"""
    body = await client.gql(query, Authorization=user)
    assert body["data"]["cart"]["subtotal"] == {"amount": "59.97"}
    assert len(client.catalog.calls) == 1 and len(client.catalog.calls[0]) == 3


async def test_product_entities_are_stubs(client: Client) -> None:
    pid = str(uuid.uuid4())
    body = await client.gql(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } } }",
        {"r": [{"__typename": "Product", "id": pid}]},
    )
    assert body["data"]["_entities"] == [{"id": pid}]


def test_cart_token_header_values() -> None:
    assert cart_token_from_header(None) is None
    assert cart_token_from_header("   ") is None
    assert cart_token_from_header(" abc ") == "abc"
    assert cart_token_from_header("x" * (MAX_TOKEN_LENGTH + 1)) is None
