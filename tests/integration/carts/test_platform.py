"""Carts inside the whole platform (real ports, real HTTP between services, tokens from the
users subgraph verified through its JWKS): a guest fills a cart, registers, and the cart
follows them; prices come from products as staff set them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.platform import column_settings, running_platform
from tests.support.shop import Shop, data_of

ADD = """mutation($i: AddToCartInput!) { addToCart(input: $i) {
  cart { itemCount subtotal { amount currency } lines { productId quantity } }
  cartToken errors { code } } }"""
CART = "{ cart { itemCount subtotal { amount currency } lines { productId quantity } } }"


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_guest_cart_follows_the_shopper_into_their_account(
    column: str, tmp_path: Path
) -> None:
    async with running_platform(column_settings(column, tmp_path)) as platform:
        shop = Shop(platform)
        await shop.sign_in_admin()
        tee = await shop.create_product(price="8.25")
        mug = await shop.create_product(price="3.00")

        async def call(query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
            sent = {k.replace("_", "-"): v for k, v in headers.items()}
            return data_of(await platform.gql("carts", query, variables, headers=sent))

        guest = (await call(ADD, {"i": {"productId": tee, "quantity": 2}}))["addToCart"]
        assert guest["errors"] == []
        token = guest["cartToken"]
        assert guest["cart"]["subtotal"] == {"amount": "16.50", "currency": "USD"}

        access = await shop.register()
        mine = (
            await call(
                ADD,
                {"i": {"productId": mug, "quantity": 1}},
                Authorization=f"Bearer {access}",
                X_Cart_Token=token,
            )
        )["addToCart"]
        assert mine["errors"] == [] and mine["cartToken"] is None
        assert {x["productId"]: x["quantity"] for x in mine["cart"]["lines"]} == {tee: 2, mug: 1}
        assert mine["cart"]["subtotal"] == {"amount": "19.50", "currency": "USD"}

        assert (await call(CART, X_Cart_Token=token))["cart"] is None
        assert await shop.cart_quantity(access) == 3
