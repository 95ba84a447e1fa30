"""Cart rules on the in-process store with a fake catalog: limits, merge, expiry, events."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shopgraph.errors import DomainError
from shopgraph.kv import InMemoryKeyValueStore
from subgraphs.carts.models import (
    Cart,
    CartLine,
    Tombstone,
    decode,
    encode,
    guest_key,
    inbox_key,
    user_key,
)
from subgraphs.carts.repository import CART_TTL_SECONDS
from subgraphs.carts.service import (
    MAX_LINES,
    CartService,
    Owner,
    merge_lines,
)
from tests.unit.carts.fakes import FakeCatalog, FakeClock

DAY = 24 * 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def kv(clock: FakeClock) -> InMemoryKeyValueStore:
    return InMemoryKeyValueStore("carts-unit", clock=clock.monotonic)


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


@pytest.fixture
def carts(kv: InMemoryKeyValueStore, catalog: FakeCatalog, clock: FakeClock) -> CartService:
    return CartService(kv, catalog, clock=clock.now)


def user() -> Owner:
    return Owner.user(str(uuid.uuid4()))


async def code_of(call: object) -> str:
    assert asyncio.iscoroutine(call)
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


def quantities(cart: Cart | None) -> dict[str, int]:
    return {} if cart is None else {x.product_id: x.quantity for x in cart.lines}


async def test_add_sums_into_one_line(carts: CartService, catalog: FakeCatalog) -> None:
    owner, pid = user(), catalog.add()
    await carts.add(owner, pid, 2)
    result = await carts.add(owner, pid.upper(), 3)  # ids are normalised
    assert quantities(result.cart) == {pid: 5}
    assert result.token is None
    assert result.cart is not None and result.cart.item_count == 5


async def test_quantity_limits_change_nothing(carts: CartService, catalog: FakeCatalog) -> None:
    owner, pid = user(), catalog.add()
    assert await code_of(carts.add(owner, pid, 0)) == "INVALID_QUANTITY"
    assert await code_of(carts.add(owner, pid, 100)) == "INVALID_QUANTITY"
    assert await carts.get(owner) is None
    await carts.add(owner, pid, 60)
    assert await code_of(carts.add(owner, pid, 40)) == "INVALID_QUANTITY"
    assert quantities(await carts.get(owner)) == {pid: 60}
    await carts.add(owner, pid, 39)
    assert quantities(await carts.get(owner)) == {pid: 99}
    assert await code_of(carts.set_quantity(owner, pid, 100)) == "INVALID_QUANTITY"
    assert await code_of(carts.set_quantity(owner, pid, -1)) == "INVALID_QUANTITY"


async def test_unknown_draft_and_archived_products_are_refused(
    carts: CartService, catalog: FakeCatalog
) -> None:
    owner = user()
    for pid in (
        str(uuid.uuid4()),
        "not-a-uuid",
        catalog.add(status="DRAFT"),
        catalog.add(status="ARCHIVED"),
    ):
        assert await code_of(carts.add(owner, pid, 1)) == "PRODUCT_UNAVAILABLE"
    assert await carts.get(owner) is None


async def test_at_most_fifty_lines(carts: CartService, catalog: FakeCatalog) -> None:
    owner = user()
    ids = [catalog.add() for _ in range(MAX_LINES + 1)]
    for pid in ids[:MAX_LINES]:
        await carts.add(owner, pid, 1)
    assert await code_of(carts.add(owner, ids[-1], 1)) == "CART_FULL"
    # a product already in the full cart can still be increased
    result = await carts.add(owner, ids[0], 2)
    assert result.cart is not None and len(result.cart.lines) == MAX_LINES
    assert result.cart.quantity_of(ids[0]) == 3


async def test_set_quantity_and_remove(carts: CartService, catalog: FakeCatalog) -> None:
    owner, a, b = user(), catalog.add(), catalog.add()
    await carts.add(owner, a, 1)
    await carts.add(owner, b, 1)
    assert quantities((await carts.set_quantity(owner, a, 7)).cart) == {a: 7, b: 1}
    assert quantities((await carts.set_quantity(owner, a, 0)).cart) == {b: 1}
    assert await code_of(carts.set_quantity(owner, a, 2)) == "NOT_IN_CART"
    assert quantities((await carts.set_quantity(owner, a, 0)).cart) == {b: 1}  # no-op
    assert quantities((await carts.remove(owner, b)).cart) == {}
    assert quantities((await carts.remove(owner, b)).cart) == {}  # idempotent


async def test_archived_line_can_shrink_but_not_grow(
    carts: CartService, catalog: FakeCatalog
) -> None:
    owner, pid = user(), catalog.add()
    await carts.add(owner, pid, 5)
    info = catalog.products[pid]
    catalog.products[pid] = type(info)(
        info.id, info.name, info.sku, "ARCHIVED", info.price_minor, info.currency
    )
    assert await code_of(carts.set_quantity(owner, pid, 6)) == "PRODUCT_UNAVAILABLE"
    assert quantities((await carts.set_quantity(owner, pid, 2)).cart) == {pid: 2}


async def test_add_asks_products_once_for_the_whole_cart(
    carts: CartService, catalog: FakeCatalog
) -> None:
    owner, a, b, c = user(), catalog.add(), catalog.add(), catalog.add()
    await carts.add(owner, a, 1)
    await carts.add(owner, b, 1)
    catalog.calls.clear()
    await carts.add(owner, c, 1)
    assert len(catalog.calls) == 1
    assert sorted(catalog.calls[0]) == sorted([a, b, c])


async def test_guest_gets_a_token_and_unknown_tokens_are_not_adopted(
    carts: CartService, catalog: FakeCatalog
) -> None:
    pid = catalog.add()
    first = await carts.add(Owner.guest(None), pid, 1)
    assert first.token and len(first.token) >= 40
    again = await carts.add(Owner.guest(first.token), pid, 2)
    assert again.token == first.token
    assert quantities(again.cart) == {pid: 3}
    chosen = await carts.add(Owner.guest("attacker-chosen-token"), pid, 1)
    assert chosen.token not in (None, "attacker-chosen-token", first.token)
    assert await carts.get(Owner.guest("attacker-chosen-token")) is None


async def test_guest_token_is_not_stored_in_clear(
    carts: CartService, catalog: FakeCatalog, kv: InMemoryKeyValueStore
) -> None:
    result = await carts.add(Owner.guest(None), catalog.add(), 1)
    assert result.token is not None
    assert await kv.get(guest_key(result.token)) is not None
    assert await kv.get(f"carts:guest:{result.token}") is None


def test_merge_rule() -> None:
    from datetime import UTC, datetime

    t = datetime(2026, 1, 1, tzinfo=UTC)
    mine = (CartLine("a", 5, t), CartLine("b", 98, t))
    guest = (CartLine("b", 4, t), CartLine("c", 2, t), CartLine("a", 1, t))
    assert [(x.product_id, x.quantity) for x in merge_lines(mine, guest)] == [
        ("a", 6),
        ("b", 99),  # summed, capped at 99
        ("c", 2),  # appended after the user's own lines
    ]
    full = tuple(CartLine(f"p{i}", 1, t) for i in range(MAX_LINES))
    merged = merge_lines(full, (CartLine("p0", 2, t), CartLine("new", 1, t)))
    assert len(merged) == MAX_LINES  # nothing past 50 lines
    assert merged[0].quantity == 3


async def test_merge_moves_the_guest_cart_once(carts: CartService, catalog: FakeCatalog) -> None:
    a, b = catalog.add(), catalog.add()
    guest = await carts.add(Owner.guest(None), a, 2)
    await carts.add(Owner.guest(guest.token), b, 98)
    assert guest.token is not None
    owner = user()
    assert owner.user_id is not None
    await carts.add(owner, b, 5)
    merged = await carts.merge(owner.user_id, guest.token)
    assert quantities(merged) == {b: 99, a: 2}
    assert await carts.get(Owner.guest(guest.token)) is None
    again = await carts.merge(owner.user_id, guest.token)
    assert quantities(again) == {b: 99, a: 2}
    # the old token no longer reaches any cart: a guest add starts a new one
    fresh = await carts.add(Owner.guest(guest.token), a, 1)
    assert fresh.token != guest.token


async def test_concurrent_merges_apply_once(carts: CartService, catalog: FakeCatalog) -> None:
    pid = catalog.add()
    guest = await carts.add(Owner.guest(None), pid, 3)
    assert guest.token is not None
    user_id = str(uuid.uuid4())
    await asyncio.gather(*(carts.merge(user_id, guest.token) for _ in range(10)))
    assert quantities(await carts.get(Owner.user(user_id))) == {pid: 3}


async def test_interrupted_merge_is_completed_once(
    carts: CartService, catalog: FakeCatalog, kv: InMemoryKeyValueStore
) -> None:
    """A merge that claimed the guest cart but crashed before writing the user's cart is
    finished by the next merge; one that wrote it but not the deletion is not re-applied."""
    pid = catalog.add()
    guest = await carts.add(Owner.guest(None), pid, 3)
    assert guest.token is not None and guest.cart is not None
    user_id = str(uuid.uuid4())
    claimed = await carts.store.claim_for_merge(guest_key(guest.token), user_id)
    assert claimed == guest.cart
    assert isinstance(decode(await kv.get(guest_key(guest.token)) or b""), Tombstone)
    # another account cannot take it over
    assert await carts.merge(str(uuid.uuid4()), guest.token) is None
    assert quantities(await carts.merge(user_id, guest.token)) == {pid: 3}
    # simulate "user cart written, tombstone not yet deleted"
    await kv.set(guest_key(guest.token), encode(Tombstone(user_id, guest.cart)))
    assert quantities(await carts.merge(user_id, guest.token)) == {pid: 3}


async def test_every_write_sets_a_thirty_day_expiry(
    carts: CartService, catalog: FakeCatalog, clock: FakeClock
) -> None:
    owner, pid = user(), catalog.add()
    await carts.add(owner, pid, 1)
    assert await carts.expires_in(owner) == pytest.approx(CART_TTL_SECONDS)
    clock.advance(29 * DAY)
    assert await carts.expires_in(owner) == pytest.approx(DAY)
    await carts.set_quantity(owner, pid, 2)  # a write refreshes the expiry
    assert await carts.expires_in(owner) == pytest.approx(CART_TTL_SECONDS)
    clock.advance(CART_TTL_SECONDS - 1)
    assert quantities(await carts.get(owner)) == {pid: 2}
    clock.advance(2)
    assert await carts.get(owner) is None


async def test_concurrent_adds_sum_exactly(carts: CartService, catalog: FakeCatalog) -> None:
    owner, pid = user(), catalog.add()
    await asyncio.gather(*(carts.add(owner, pid, 1) for _ in range(20)))
    assert quantities(await carts.get(owner)) == {pid: 20}


async def test_order_created_clears_once(carts: CartService, catalog: FakeCatalog) -> None:
    owner, pid = user(), catalog.add()
    assert owner.user_id is not None
    await carts.add(owner, pid, 4)
    event_id = str(uuid.uuid4())
    assert await carts.clear_for_order(owner.user_id, event_id) is True
    assert quantities(await carts.get(owner)) == {}
    await carts.add(owner, pid, 1)  # the customer starts shopping again
    assert await carts.clear_for_order(owner.user_id, event_id) is False  # redelivery
    assert quantities(await carts.get(owner)) == {pid: 1}


async def test_order_of_a_user_without_cart_is_remembered(
    carts: CartService, catalog: FakeCatalog
) -> None:
    owner, pid = user(), catalog.add()
    assert owner.user_id is not None
    event_id = str(uuid.uuid4())
    assert await carts.clear_for_order(owner.user_id, event_id) is False  # nothing to empty
    await carts.add(owner, pid, 1)
    assert await carts.clear_for_order(owner.user_id, event_id) is False  # redelivery
    assert quantities(await carts.get(owner)) == {pid: 1}


async def test_failed_clear_leaves_no_mark(
    carts: CartService, catalog: FakeCatalog, kv: InMemoryKeyValueStore
) -> None:
    owner, pid = user(), catalog.add()
    assert owner.user_id is not None
    await kv.set(user_key(owner.user_id), b"{not json")  # a corrupt document
    event_id = str(uuid.uuid4())
    with pytest.raises(ValueError):
        await carts.clear_for_order(owner.user_id, event_id)
    await kv.delete(user_key(owner.user_id))
    await carts.add(owner, pid, 1)
    assert await carts.clear_for_order(owner.user_id, event_id) is True  # the retry applies
    assert quantities(await carts.get(owner)) == {}


async def test_crash_before_the_inbox_mark_does_not_clear_twice(
    carts: CartService, catalog: FakeCatalog, kv: InMemoryKeyValueStore
) -> None:
    owner, pid = user(), catalog.add()
    assert owner.user_id is not None
    await carts.add(owner, pid, 2)
    event_id = str(uuid.uuid4())
    await carts.clear_for_order(owner.user_id, event_id)
    await kv.delete(inbox_key(event_id))  # as if the process died before writing it
    await carts.add(owner, pid, 1)
    assert await carts.clear_for_order(owner.user_id, event_id) is False
    assert quantities(await carts.get(owner)) == {pid: 1}  # the refilled cart survives
    assert await kv.get(inbox_key(event_id)) == b"1"  # and the inbox mark is now written


def test_documents_round_trip() -> None:
    from datetime import UTC, datetime

    t = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    cart = Cart("c1", (CartLine("p", 2, t),), t, t, ("g1",), ("e1", "e2"))
    assert decode(encode(cart)) == cart
    assert decode(encode(Tombstone("u1", cart))) == Tombstone("u1", cart)
