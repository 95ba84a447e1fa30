"""A shopper's cart over HTTP: guest token, pricing from products, limits, merge on login."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from subgraphs.carts.models import user_key
from subgraphs.carts.repository import CART_TTL_SECONDS
from subgraphs.carts.service import Owner
from tests.integration.carts.conftest import (
    ADD,
    CART,
    CLEAR,
    MERGE,
    REMOVE,
    UPDATE,
    Carts,
    codes,
    quantities,
)


async def add(carts: Carts, product_id: str, quantity: int = 1, **kw: Any) -> dict[str, Any]:
    data = await carts.data(ADD, {"i": {"productId": product_id, "quantity": quantity}}, **kw)
    payload: dict[str, Any] = data["addToCart"]
    return payload


async def test_guest_cart_lives_behind_its_token(carts: Carts) -> None:
    tee = await carts.create_product("12.50")
    first = await add(carts, tee, 2)
    assert first["errors"] == []
    token = first["cartToken"]
    assert isinstance(token, str) and len(token) >= 40
    line = first["cart"]["lines"][0]
    assert line == {
        "productId": tee,
        "quantity": 2,
        "available": True,
        "product": {"id": tee},
        "unitPrice": {"amount": "12.50", "currency": "USD"},
        "lineTotal": {"amount": "25.00", "currency": "USD"},
    }
    assert first["cart"]["subtotal"] == {"amount": "25.00", "currency": "USD"}

    again = await add(carts, tee, 3, cart_token=token)
    assert again["cartToken"] == token
    assert again["cart"]["id"] == first["cart"]["id"]
    assert quantities(again["cart"]) == {tee: 5}
    assert again["cart"]["itemCount"] == 5

    mine = (await carts.data(CART, cart_token=token))["cart"]
    assert mine["id"] == first["cart"]["id"]
    assert mine["subtotal"] == {"amount": "62.50", "currency": "USD"}
    assert (await carts.data(CART))["cart"] is None  # no token, no cart
    assert (await carts.data(CART, cart_token="made-up"))["cart"] is None

    stranger = await add(carts, tee, 1, cart_token="made-up")  # a new cart, a new token
    assert stranger["cartToken"] not in (token, "made-up")
    assert quantities((await carts.data(CART, cart_token=token))["cart"]) == {tee: 5}


async def test_prices_are_current_and_fetched_once_per_request(carts: Carts) -> None:
    _, token = carts.customer()
    ids = [await carts.create_product(price) for price in ("1.00", "2.50", "10.00")]
    for quantity, pid in enumerate(ids, start=1):
        assert (await add(carts, pid, quantity, token=token))["errors"] == []

    before = carts.to_products.requests
    cart = (await carts.data(CART, token=token))["cart"]
    assert carts.to_products.requests - before == 1
    assert cart["subtotal"] == {"amount": "36.00", "currency": "USD"}  # 1 + 5 + 30

    await carts.reprice(ids[2], "11.00")
    cart = (await carts.data(CART, token=token))["cart"]
    assert cart["subtotal"] == {"amount": "39.00", "currency": "USD"}
    assert cart["lines"][2]["unitPrice"]["amount"] == "11.00"

    before = carts.to_products.requests
    fourth = await carts.create_product("0.50")
    assert (await add(carts, fourth, 2, token=token))["errors"] == []
    assert carts.to_products.requests - before == 1  # check + prices in the same call


async def test_archived_products_show_as_unavailable(carts: Carts) -> None:
    _, token = carts.customer()
    keep, gone = await carts.create_product("4.00"), await carts.create_product("7.00")
    await add(carts, keep, 1, token=token)
    await add(carts, gone, 3, token=token)
    await carts.archive(gone)

    cart = (await carts.data(CART, token=token))["cart"]
    line = next(x for x in cart["lines"] if x["productId"] == gone)
    assert line["available"] is False
    assert line["lineTotal"] is None
    assert line["unitPrice"] == {"amount": "7.00", "currency": "USD"}
    assert cart["subtotal"] == {"amount": "4.00", "currency": "USD"}  # excluded

    refused = await add(carts, gone, 1, token=token)
    assert codes(refused) == ["PRODUCT_UNAVAILABLE"]
    grow = (await carts.data(UPDATE, {"i": {"productId": gone, "quantity": 5}}, token=token))[
        "updateCartItem"
    ]
    assert codes(grow) == ["PRODUCT_UNAVAILABLE"]
    shrink = (await carts.data(UPDATE, {"i": {"productId": gone, "quantity": 1}}, token=token))[
        "updateCartItem"
    ]
    assert shrink["errors"] == []
    assert quantities(shrink["cart"]) == {keep: 1, gone: 1}


async def test_bad_input_is_refused_and_changes_nothing(carts: Carts) -> None:
    _, token = carts.customer()
    pid = await carts.create_product()
    draft = await carts.create_product(status="DRAFT")
    for product, quantity, code in [
        (pid, 0, "INVALID_QUANTITY"),
        (pid, 100, "INVALID_QUANTITY"),
        (pid, -3, "INVALID_QUANTITY"),
        (str(uuid.uuid4()), 1, "PRODUCT_UNAVAILABLE"),
        ("not-an-id", 1, "PRODUCT_UNAVAILABLE"),
        (draft, 1, "PRODUCT_UNAVAILABLE"),
    ]:
        payload = await add(carts, product, quantity, token=token)
        assert codes(payload) == [code], (product, quantity)
        assert payload["cart"] is None
    assert (await carts.data(CART, token=token))["cart"] is None

    assert (await add(carts, pid, 60, token=token))["errors"] == []
    over = await add(carts, pid, 40, token=token)
    assert codes(over) == ["INVALID_QUANTITY"]
    assert over["errors"][0]["field"] == "quantity"
    assert quantities(over["cart"]) == {pid: 60}  # the unchanged cart


async def test_a_cart_holds_at_most_fifty_products(carts: Carts) -> None:
    _, token = carts.customer()
    ids = [await carts.create_product("1.00") for _ in range(51)]
    for pid in ids[:50]:
        assert (await add(carts, pid, 1, token=token))["errors"] == []
    full = await add(carts, ids[50], 1, token=token)
    assert codes(full) == ["CART_FULL"]
    assert len(full["cart"]["lines"]) == 50
    assert full["cart"]["subtotal"] == {"amount": "50.00", "currency": "USD"}


async def test_update_remove_and_clear(carts: Carts) -> None:
    _, token = carts.customer()
    a, b = await carts.create_product(), await carts.create_product()
    await add(carts, a, 1, token=token)
    await add(carts, b, 2, token=token)

    def update(pid: str, quantity: int) -> Any:
        return carts.data(UPDATE, {"i": {"productId": pid, "quantity": quantity}}, token=token)

    assert quantities((await update(a, 9))["updateCartItem"]["cart"]) == {a: 9, b: 2}
    assert quantities((await update(a, 0))["updateCartItem"]["cart"]) == {b: 2}
    missing = (await update(a, 3))["updateCartItem"]
    assert codes(missing) == ["NOT_IN_CART"]
    assert codes((await update(b, 100))["updateCartItem"]) == ["INVALID_QUANTITY"]

    removed = (await carts.data(REMOVE, {"p": b}, token=token))["removeFromCart"]
    assert removed["errors"] == [] and quantities(removed["cart"]) == {}
    await add(carts, a, 4, token=token)
    cleared = (await carts.data(CLEAR, token=token))["clearCart"]
    assert cleared["errors"] == []
    assert cleared["cart"]["lines"] == [] and cleared["cart"]["subtotal"] is None
    assert cleared["cart"]["itemCount"] == 0


async def test_login_merges_the_guest_cart_into_the_users(carts: Carts) -> None:
    a, b, c = [await carts.create_product(p) for p in ("1.00", "2.00", "3.00")]
    guest = await add(carts, a, 2)
    token = guest["cartToken"]
    await add(carts, b, 98, cart_token=token)

    _, user_token = carts.customer()
    await add(carts, b, 5, token=user_token)
    await add(carts, c, 1, token=user_token)

    # the first cart operation after login carries the guest token: merged first
    merged = await add(carts, c, 1, token=user_token, cart_token=token)
    assert merged["errors"] == []
    assert merged["cartToken"] is None
    assert quantities(merged["cart"]) == {b: 99, c: 2, a: 2}  # 5 + 98 capped at 99

    assert (await carts.data(CART, cart_token=token))["cart"] is None  # the guest cart is gone
    again = (await carts.data(MERGE, {"t": token}, token=user_token))["mergeCart"]
    assert quantities(again["cart"]) == {b: 99, c: 2, a: 2}  # a second merge: no-op
    reread = (await carts.data(CART, token=user_token, cart_token=token))["cart"]
    assert quantities(reread) == {b: 99, c: 2, a: 2}


async def test_merge_cart_explicitly(carts: Carts) -> None:
    pid = await carts.create_product()
    token = (await add(carts, pid, 3))["cartToken"]
    _, user_token = carts.customer()
    merged = (await carts.data(MERGE, {"t": token}, token=user_token))["mergeCart"]
    assert merged["errors"] == [] and quantities(merged["cart"]) == {pid: 3}
    anonymous = await carts.gql(MERGE, {"t": token})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    _, other_token = carts.customer()
    stolen = (await carts.data(MERGE, {"t": token}, token=other_token))["mergeCart"]
    assert stolen["cart"] is None  # already merged into the first account


async def test_concurrent_adds_by_one_user_sum_exactly(carts: Carts) -> None:
    _, token = carts.customer()
    pid = await carts.create_product()
    results = await asyncio.gather(*(add(carts, pid, 1, token=token) for _ in range(20)))
    assert all(r["errors"] == [] for r in results)
    assert quantities((await carts.data(CART, token=token))["cart"]) == {pid: 20}


async def test_concurrent_adds_never_overrun_the_line_limit(carts: Carts) -> None:
    _, token = carts.customer()
    pid = await carts.create_product()
    results = await asyncio.gather(*(add(carts, pid, 5, token=token) for _ in range(20)))
    refused = [r for r in results if r["errors"]]
    assert len(refused) == 1 and codes(refused[0]) == ["INVALID_QUANTITY"]
    assert quantities((await carts.data(CART, token=token))["cart"]) == {pid: 95}


async def test_every_write_sets_the_thirty_day_expiry(carts: Carts) -> None:
    user_id, token = carts.customer()
    pid = await carts.create_product()
    await add(carts, pid, 1, token=token)
    kv = carts.service.kv
    ttl = await kv.ttl(user_key(user_id))
    assert ttl is not None and CART_TTL_SECONDS - 60 < ttl <= CART_TTL_SECONDS
    await kv.expire(user_key(user_id), 60)  # as if it had idled for almost 30 days
    await carts.data(UPDATE, {"i": {"productId": pid, "quantity": 2}}, token=token)
    ttl = await kv.ttl(user_key(user_id))
    assert ttl is not None and ttl > CART_TTL_SECONDS - 60

    guest = await add(carts, pid, 1)
    guest_ttl = await carts.service.expires_in(Owner.guest(guest["cartToken"]))
    assert guest_ttl is not None and guest_ttl > CART_TTL_SECONDS - 60


async def test_an_add_reads_the_cart_once(carts: Carts, monkeypatch: Any) -> None:
    """The cart read to price the lines is the one the write compares against: no second
    read of the store per add (a guest's first add, under a fresh token, reads none)."""
    store = carts.service.store.kv
    real_get = store.get
    reads: list[str] = []

    async def counted_get(key: str) -> bytes | None:
        reads.append(key)
        return await real_get(key)

    monkeypatch.setattr(store, "get", counted_get)
    tee = await carts.create_product("3.00")
    _, token = carts.customer()
    for quantity, in_cart in ((1, 1), (2, 3)):  # a new cart, then an existing one
        reads.clear()
        payload = await add(carts, tee, quantity, token=token)
        assert payload["errors"] == []
        assert quantities(payload["cart"]) == {tee: in_cart}
        assert len(reads) == 1

    reads.clear()
    guest = await add(carts, tee, 1)
    assert guest["errors"] == [] and guest["cartToken"]
    assert reads == []
    assert quantities((await carts.data(CART, cart_token=guest["cartToken"]))["cart"]) == {tee: 1}
