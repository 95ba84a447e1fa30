"""``CartCreated`` on the ``carts`` topic: once per new cart, for users and guests alike,
queued before the request that created the cart returns and sent in the background
(docs/events.md)."""

from __future__ import annotations

import uuid

from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from tests.integration.carts.conftest import ADD, Carts


async def carts_topic(carts: Carts) -> list[Event]:
    bus = bus_from_url(carts.settings.bus_url)
    await bus.start()
    due = {p: end for p, end in (await bus.end_offsets("carts")).items() if end > 0}
    consumer = bus.consumer(["carts"], f"reader-{uuid.uuid4().hex[:8]}")
    await consumer.start()
    found: list[Event] = []
    try:
        while due:
            for delivery in await consumer.getmany(1.0, 100):
                assert delivery.event is not None
                found.append(delivery.event)
                if delivery.offset + 1 >= due.get(delivery.partition, 0):
                    due.pop(delivery.partition, None)
    finally:
        await consumer.stop()
        await bus.stop()
    return found


async def test_a_new_cart_is_announced_once(carts: Carts) -> None:
    user_id, token = carts.customer()
    first, second = await carts.create_product(), await carts.create_product()
    for pid in (first, second, first):  # only the first add creates the cart
        payload = (await carts.data(ADD, {"i": {"productId": pid, "quantity": 1}}, token=token))[
            "addToCart"
        ]
        assert payload["errors"] == []
    guest = (await carts.data(ADD, {"i": {"productId": first, "quantity": 2}}))["addToCart"]
    assert guest["errors"] == [] and guest["cartToken"]
    refused = (await carts.data(ADD, {"i": {"productId": first, "quantity": 100}}))["addToCart"]
    assert refused["errors"][0]["code"] == "INVALID_QUANTITY"  # no cart, no event

    await carts.app.state.announcer.flush()
    events = await carts_topic(carts)
    user_cart = (await carts.data("{ cart { id } }", token=token))["cart"]["id"]
    guest_cart = (await carts.data("{ cart { id } }", cart_token=guest["cartToken"]))["cart"]["id"]
    assert sorted((e.type, e.aggregate_id, e.payload["userId"]) for e in events) == sorted(
        [("CartCreated", user_cart, user_id), ("CartCreated", guest_cart, None)]
    )
    assert all(e.payload["cartId"] == e.aggregate_id for e in events)
