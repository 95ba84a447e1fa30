"""placeOrder takes the buyer's email and names for ``OrderCreated`` from the access token's
identity claims, without asking users; a token issued before those claims existed is still
served, through users."""

from __future__ import annotations

import uuid

import pytest

from shopgraph.auth.keys import load_signing_key
from shopgraph.auth.tokens import TokenIssuer
from tests.integration.orders.conftest import PLACE_ORDER, Orders, Shopper, place, place_input
from tests.support.platform import free_port


def token_without_identity(orders: Orders, shopper: Shopper) -> str:
    """An access token for ``shopper`` as users issued them before the identity claims."""
    platform_settings = orders.shop.platform.settings
    issuer = TokenIssuer.from_settings(platform_settings, load_signing_key(platform_settings))
    return issuer.access_token(subject=shopper.id, roles=["CUSTOMER"]).token


async def test_the_buyer_comes_from_the_token_while_users_is_down(
    orders_app: Orders, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = f"claims-{uuid.uuid4().hex[:8]}@example.com"
    shopper = await orders_app.shopper(email)
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    monkeypatch.setitem(orders_app.settings.ports, "users", free_port())  # nothing listens

    payload = await place(orders_app, shopper)

    assert payload["errors"] == [], payload
    [created] = await orders_app.events("OrderCreated")
    assert created.aggregate_id == payload["order"]["id"]
    assert (created.payload["email"], created.payload["firstName"]) == (email, "Sam")
    assert created.payload["lastName"] == "Shopper"


async def test_a_token_without_identity_claims_is_served_through_users(
    orders_app: Orders,
) -> None:
    email = f"legacy-{uuid.uuid4().hex[:8]}@example.com"
    shopper = await orders_app.shopper(email)
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    legacy = Shopper(shopper.id, token_without_identity(orders_app, shopper))

    payload = await place(orders_app, legacy)

    assert payload["errors"] == [], payload
    [created] = await orders_app.events("OrderCreated")
    assert (created.payload["email"], created.payload["firstName"]) == (email, "Sam")


async def test_without_claims_and_without_users_nothing_is_ordered(
    orders_app: Orders, monkeypatch: pytest.MonkeyPatch
) -> None:
    shopper = await orders_app.shopper()
    await orders_app.fill_cart(shopper, (await orders_app.product(), 1))
    monkeypatch.setitem(orders_app.settings.ports, "users", free_port())

    body = await orders_app.gql(
        PLACE_ORDER,
        place_input(),
        token=token_without_identity(orders_app, shopper),
        headers={"x-request-deadline-ms": "2000"},
    )

    errors = body["data"]["placeOrder"]["errors"]
    assert [e["code"] for e in errors] == ["SERVICE_UNAVAILABLE"]
    assert "users" in errors[0]["message"]
    assert await orders_app.count_orders() == 0
    assert await orders_app.nothing_reserved()
