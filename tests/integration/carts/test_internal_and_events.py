"""What other services see of carts: internalCart for orders, User.cart through federation,
and the ``carts`` worker group emptying a cart on ``OrderCreated``."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from subgraphs.carts.handlers import WORKER_GROUPS
from tests.integration.carts.conftest import ADD, CART, Carts, quantities
from workers.runtime import WorkerRuntime

INTERNAL_CART = (
    """query($u: ID!) { internalCart(userId: $u) { id lines { productId quantity } } }"""
)
USER_CART = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { id cart { id itemCount lines { productId quantity } } } } }"""


def error_code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def fill(carts: Carts, token: str, quantity: int = 2) -> str:
    pid = await carts.create_product()
    payload = (await carts.data(ADD, {"i": {"productId": pid, "quantity": quantity}}, token=token))[
        "addToCart"
    ]
    assert payload["errors"] == []
    return pid


async def test_internal_cart_is_for_services_only(carts: Carts) -> None:
    user_id, token = carts.customer()
    pid = await fill(carts, token, 3)

    internal = await carts.data(INTERNAL_CART, {"u": user_id}, token=carts.service_token)
    assert internal["internalCart"]["lines"] == [{"productId": pid, "quantity": 3}]
    nobody = await carts.data(INTERNAL_CART, {"u": str(uuid.uuid4())}, token=carts.service_token)
    assert nobody["internalCart"] is None

    as_owner = await carts.gql(INTERNAL_CART, {"u": user_id}, token=token)
    assert error_code(as_owner) == "FORBIDDEN"
    assert as_owner["data"] is None or as_owner["data"]["internalCart"] is None
    as_staff = await carts.gql(INTERNAL_CART, {"u": user_id}, token=carts.staff_token)
    assert error_code(as_staff) == "FORBIDDEN"
    anonymous = await carts.gql(INTERNAL_CART, {"u": user_id})
    assert error_code(anonymous) == "UNAUTHENTICATED"


async def test_internal_cart_is_inaccessible_in_the_sdl(carts: Carts) -> None:
    sdl = (await carts.data("{ _service { sdl } }"))["_service"]["sdl"]
    assert "internalCart(userId: ID!): Cart @inaccessible" in sdl
    assert "cart: Cart\n" in sdl  # the public field is not
    assert 'type User @key(fields: "id")' in sdl
    assert 'type Product @key(fields: "id")' in sdl
    assert "addToCart(input: AddToCartInput!): CartPayload!" in sdl


async def test_user_cart_through_federation_is_the_owners(carts: Carts) -> None:
    user_id, token = carts.customer()
    pid = await fill(carts, token)
    representations = {"r": [{"__typename": "User", "id": user_id}]}

    mine = (await carts.data(USER_CART, representations, token=token))["_entities"][0]
    assert mine["cart"]["lines"] == [{"productId": pid, "quantity": 2}]
    by_service = await carts.data(USER_CART, representations, token=carts.service_token)
    assert by_service["_entities"][0]["cart"]["itemCount"] == 2

    _, other = carts.customer()
    assert error_code(await carts.gql(USER_CART, representations, token=other)) == "FORBIDDEN"
    assert error_code(await carts.gql(USER_CART, representations)) == "UNAUTHENTICATED"


async def test_services_have_no_cart_of_their_own(carts: Carts) -> None:
    pid = await carts.create_product()
    body = await carts.gql(ADD, {"i": {"productId": pid, "quantity": 1}}, token=carts.service_token)
    assert error_code(body) == "FORBIDDEN"


async def test_prices_unavailable_when_products_is_down(carts: Carts) -> None:
    _, token = carts.customer()
    pid = await fill(carts, token)
    carts.to_products.down = True
    body = await carts.gql(
        "query { cart { lines { productId quantity unitPrice { amount } } } }",
        token=token,
        deadline_ms=1500,
    )
    assert body["data"]["cart"]["lines"][0]["productId"] == pid  # the quantities still show
    assert body["data"]["cart"]["lines"][0]["unitPrice"] is None
    assert error_code(body) == "SERVICE_UNAVAILABLE"
    refused = await carts.gql(
        ADD, {"i": {"productId": pid, "quantity": 1}}, token=token, deadline_ms=1500
    )
    assert error_code(refused) == "SERVICE_UNAVAILABLE"
    carts.to_products.down = False
    assert quantities((await carts.data(CART, token=token))["cart"]) == {pid: 2}  # unchanged


@contextlib.asynccontextmanager
async def carts_worker(carts: Carts) -> AsyncIterator[WorkerRuntime]:
    (group,) = WORKER_GROUPS
    runtime = group.build(carts.settings)
    task = asyncio.create_task(runtime.run())
    try:
        yield runtime
    finally:
        await runtime.stop()
        await asyncio.wait_for(task, 10)


async def handled(runtime: WorkerRuntime, count: int) -> None:
    async with asyncio.timeout(10):
        while runtime.stats is None or runtime.stats.handled < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_order_created_empties_the_cart_once(carts: Carts) -> None:
    user_id, token = carts.customer()
    _, bystander = carts.customer()
    pid = await fill(carts, token, 4)
    await fill(carts, bystander, 1)
    order_id = str(uuid.uuid4())
    event = Event.new(
        "OrderCreated",
        order_id,
        {
            "orderId": order_id,
            "userId": user_id,
            "email": "shopper@example.com",
            "items": [{"productId": pid, "sku": "X", "name": "X", "quantity": 4,
                       "unitPriceMinor": 1999}],
            "totalMinor": 7996,
            "currency": "USD",
            "paymentMethod": "pm_card_visa",
        },
    )  # fmt: skip
    bus = bus_from_url(carts.settings.bus_url)
    await bus.start()
    try:
        async with carts_worker(carts) as runtime:
            await bus.publish("orders", event)
            await handled(runtime, 1)
            cart = (await carts.data(CART, token=token))["cart"]
            assert quantities(cart) == {} and cart["itemCount"] == 0
            assert quantities((await carts.data(CART, token=bystander))["cart"]) != {}

            # shopping again, then the same event is delivered a second time
            await fill(carts, token, 1)
            await bus.publish("orders", event)
            await handled(runtime, 2)
            assert (await carts.data(CART, token=token))["cart"]["itemCount"] == 1
    finally:
        await bus.stop()
