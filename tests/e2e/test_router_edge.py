"""What the router lets through from clients, against the running platform (issue #11):
guest carts work through it (``X-Cart-Token`` is forwarded), and a service token a client
mints with the default dev secret is refused even though the subgraph behind would accept it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopgraph.auth.tokens import ServiceTokenIssuer
from tests.support.platform import column_settings, running_platform
from tests.support.router import Storefront, router_in_front
from tests.support.shared_platforms import SharedShops

pytestmark = pytest.mark.e2e

ADD_TO_CART = """mutation($i: AddToCartInput!) { addToCart(input: $i) {
    cart { lines { quantity product { id } } } cartToken errors { code } } }"""


async def post(
    http: httpx.AsyncClient, url: str, query: str, variables: Any = None, **headers: str
) -> httpx.Response:
    return await http.post(url, json={"query": query, "variables": variables}, headers=headers)


async def test_guest_carts_and_service_tokens_through_the_router(shared: SharedShops) -> None:
    platform = (await shared.shop_on("embedded")).platform
    async with router_in_front(platform.settings) as url:
        shop = Storefront(platform.http, url)
        page = await shop.data("{ products(first: 2) { edges { node { id } } } }")
        for amount in ("1e999999999", "abc"):
            refused = await shop.send(
                """query($a: Decimal!) { products(first: 1,
                     filter: {priceMin: {amount: $a, currency: "USD"}}) { totalCount } }""",
                {"a": amount},
            )
            assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
        unknown = await shop.send("{ ...Nope }")
        assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        first, second = (edge["node"]["id"] for edge in page["products"]["edges"])

        # a guest: the first addToCart returns the token, the second sends it back
        added = (await shop.data(ADD_TO_CART, {"i": {"productId": first, "quantity": 1}}))[
            "addToCart"
        ]
        token = added["cartToken"]
        assert token and added["errors"] == []
        again = await post(
            platform.http,
            url,
            ADD_TO_CART,
            {"i": {"productId": second, "quantity": 2}},
            **{"X-Cart-Token": token},
        )
        lines = again.json()["data"]["addToCart"]["cart"]["lines"]
        assert sorted((line["product"]["id"], line["quantity"]) for line in lines) == sorted(
            [(first, 1), (second, 2)]
        )

        # a customer's order, and an outsider holding a service token
        customer = await register(shop)
        await shop.data(ADD_TO_CART, {"i": {"productId": first, "quantity": 1}}, customer)
        order_id = await shop.place_order(customer)
        forged = ServiceTokenIssuer.from_settings(platform.settings, "orders").issue().token
        read_order = "query($id: ID!) { order(id: $id) { id } }"
        direct = await post(
            platform.http,
            platform.url("orders"),
            read_order,
            {"id": order_id},
            authorization=f"Bearer {forged}",
        )
        assert direct.json()["data"]["order"] == {"id": order_id}  # what the token is worth
        through_router = await post(
            platform.http, url, read_order, {"id": order_id}, authorization=f"Bearer {forged}"
        )
        assert through_router.status_code == 401
        assert through_router.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "data" not in through_router.json()


async def register(shop: Storefront) -> str:
    registered = await shop.data(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken errors { code } } }""",
        {
            "i": {
                "email": f"edge-{uuid.uuid4().hex[:10]}@example.com",
                "password": "edge-pass-1234",
                "firstName": "Edge",
                "lastName": "Case",
            }
        },
    )
    token: str = registered["register"]["accessToken"]
    return token


LOGIN = """mutation($i: LoginInput!) { login(input: $i) { accessToken retryAfter
    errors { code } } }"""


async def test_sign_in_throttle_sees_each_client_through_the_router(tmp_path: Path) -> None:
    # The test client stands for a trusted proxy in front of the router (loopback), so the
    # X-Forwarded-For it sends names the shopper; the router appends the address it saw.
    settings = column_settings("embedded", tmp_path, sign_in_max_failures_per_client=3)
    async with (
        running_platform(settings, workers=False) as platform,
        router_in_front(platform.settings) as url,
    ):

        async def attempt(email: str, client: str) -> dict[str, Any]:
            answer = await post(
                platform.http,
                url,
                LOGIN,
                {"i": {"email": email, "password": "not-the-password"}},
                **{"X-Forwarded-For": client},
            )
            return dict(answer.json()["data"]["login"])

        shopper = "203.0.113.7"
        codes = [
            (await attempt(f"nobody-{i}@shop.test", shopper))["errors"][0]["code"] for i in range(4)
        ]
        assert codes == ["INVALID_CREDENTIALS"] * 3 + ["TOO_MANY_ATTEMPTS"]
        throttled = await attempt("nobody-5@shop.test", shopper)
        assert throttled["retryAfter"] > 0
        other = await attempt("nobody-6@shop.test", "198.51.100.9")
        assert [e["code"] for e in other["errors"]] == ["INVALID_CREDENTIALS"]
