"""The storefront contract (docs/architecture.md §5) through the router, as a storefront
would use it.

The whole platform runs in the test process (every subgraph and worker group,
``tests/support/platform.py``) with the router of ``make dev`` (``router.serve.dev_router``)
in front, which composes the supergraph from the running subgraphs at start-up. Every call
below goes to the router's ``/graphql``, over HTTP or graphql-transport-ws, never to a
subgraph.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from tests.support.graphql_ws import ORDER_STATUS_CHANGED, subscribed
from tests.support.router import Storefront, router_in_front
from tests.support.shared_platforms import SharedShops

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_storefront_operations_through_the_router(column: str, shared: SharedShops) -> None:
    platform = (await shared.shop_on(column)).platform
    settings = platform.settings
    async with router_in_front(settings) as url:
        shop = Storefront(platform.http, url)

        # register, login, me (users)
        email = f"shopper-{uuid.uuid4().hex[:10]}@example.com"
        registered = (
            await shop.data(
                """mutation($i: RegisterInput!) { register(input: $i) {
                     accessToken refreshToken user { id email } errors { code } } }""",
                {
                    "i": {
                        "email": email,
                        "password": "shopper-pass-123",
                        "firstName": "Sam",
                        "lastName": "Shopper",
                    }
                },
            )
        )["register"]
        assert registered["errors"] == []
        login = """mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"""
        token = (await shop.data(login, {"i": {"email": email, "password": "shopper-pass-123"}}))[
            "login"
        ]["accessToken"]
        me = (await shop.data("{ me { id email } }", token=token))["me"]
        assert me == registered["user"]
        admin = (
            await shop.data(
                login,
                {"i": {"email": settings.admin_email, "password": settings.admin_password}},
            )
        )["login"]["accessToken"]

        # createProduct (products), setStock (inventory) as staff
        sku = f"RTR-{uuid.uuid4().hex[:8].upper()}"
        created = (
            await shop.data(
                """mutation($i: CreateProductInput!) { createProduct(input: $i) {
                     product { id name sku price { amount currency } } errors { code } } }""",
                {
                    "i": {
                        "name": "Router Mug",
                        "sku": sku,
                        "price": {"amount": "12.50", "currency": "USD"},
                        "description": "Sold through the router.",
                        "weightGrams": 350,
                    }
                },
                admin,
            )
        )["createProduct"]
        assert created["errors"] == []
        product_id = created["product"]["id"]
        stocked = (
            await shop.data(
                """mutation($i: SetStockInput!) { setStock(input: $i) { errors { code } } }""",
                {"i": {"productId": product_id, "quantity": 7}},
                admin,
            )
        )["setStock"]
        assert stocked["errors"] == []
        forbidden = await shop.send(
            """mutation($i: SetStockInput!) { setStock(input: $i) { errors { code } } }""",
            {"i": {"productId": product_id, "quantity": 1}},
            token,
        )
        # setStock is @requiresScopes(inventory:write): the router refuses it for a customer
        # before planning (inventory's own FORBIDDEN check stays behind it).
        assert forbidden["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
        assert forbidden["errors"][0]["path"] == ["setStock"]

        # one product with fields from products, inventory and reviews
        product = (
            await shop.data(
                """query($id: ID!) { product(id: $id) { id name sku price { amount currency }
                     stock { available inStock } rating { average count } } }""",
                {"id": product_id},
            )
        )["product"]
        assert product == {
            "id": product_id,
            "name": "Router Mug",
            "sku": sku,
            "price": {"amount": "12.50", "currency": "USD"},
            "stock": {"available": 7, "inStock": True},
            "rating": {"average": None, "count": 0},
        }

        # the products page: the demo catalog, each with stock and rating
        page = (
            await shop.data(
                """{ products(first: 5) { edges { node { id name
                     stock { available inStock } rating { count } } }
                     pageInfo { hasNextPage } } }"""
            )
        )["products"]
        assert page["edges"], "the demo catalog is seeded"
        assert all(isinstance(e["node"]["stock"]["available"], int) for e in page["edges"])

        # addReview (reviews)
        review = (
            await shop.data(
                """mutation($i: AddReviewInput!) { addReview(input: $i) {
                     review { id rating } errors { code } } }""",
                {
                    "i": {
                        "productId": product_id,
                        "rating": 5,
                        "title": "Great",
                        "body": "Holds tea.",
                    }
                },
                token,
            )
        )["addReview"]
        assert review["errors"] == [] and review["review"]["rating"] == 5

        # addToCart (carts) and the cart with product fields from products
        cart = (
            await shop.data(
                """mutation($i: AddToCartInput!) { addToCart(input: $i) {
                     cart { itemCount lines { quantity product { id name } } }
                     errors { code } } }""",
                {"i": {"productId": product_id, "quantity": 2}},
                token,
            )
        )["addToCart"]
        assert cart["errors"] == []
        assert cart["cart"]["lines"] == [
            {"quantity": 2, "product": {"id": product_id, "name": "Router Mug"}}
        ]

        # placeOrder (orders) and orderStatusChanged over the router's WebSocket
        order_id = await shop.place_order(token)
        statuses = await watch_order(url, token, order_id, until="PAID")
        assert statuses[0] in ("PENDING", "PAID") and statuses[-1] == "PAID"

        # the order with its payment (payments) and items' products (products)
        order = (
            await shop.data(
                """query($id: ID!) { order(id: $id) { status payment { status }
                     items { quantity product { id name } } } }""",
                {"id": order_id},
                token,
            )
        )["order"]
        assert order["status"] == "PAID"
        assert order["payment"] is not None
        assert order["items"] == [
            {"quantity": 2, "product": {"id": product_id, "name": "Router Mug"}}
        ]
        stock = (
            await shop.data(
                "query($id: ID!) { product(id: $id) { stock { available } } }", {"id": product_id}
            )
        )["product"]["stock"]["available"]
        assert stock == 5


async def watch_order(url: str, token: str, order_id: str, *, until: str) -> list[str]:
    """The statuses ``orderStatusChanged`` sends through the router until ``until``."""
    statuses: list[str] = []
    async with subscribed(url, token, ORDER_STATUS_CHANGED, {"id": order_id}) as ws:
        async with asyncio.timeout(30):
            while until not in statuses:
                frame = json.loads(await ws.recv())
                assert frame["type"] == "next", frame
                assert "errors" not in frame["payload"], frame
                event = frame["payload"]["data"]["orderStatusChanged"]
                assert event["orderId"] == order_id
                statuses.append(event["status"])
    return statuses
