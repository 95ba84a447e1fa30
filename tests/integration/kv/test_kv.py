"""The key-value port on both columns (in-process store and real Redis): same semantics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from shopgraph.kv import NotAnIntegerError, WrongTypeError
from tests.integration.kv.conftest import KV

pytestmark = pytest.mark.integration


async def next_message(messages: AsyncIterator[bytes], within: float = 5.0) -> bytes:
    async with asyncio.timeout(within):
        return await anext(messages)


async def no_message(messages: AsyncIterator[bytes], wait: float = 0.2) -> bool:
    try:
        async with asyncio.timeout(wait):
            await anext(messages)
    except TimeoutError:
        return True
    return False


# -- strings -------------------------------------------------------------------------------


async def test_set_get_delete(kv: KV) -> None:
    a, b, missing = kv.key("a"), kv.key("b"), kv.key("missing")
    assert await kv.store.get(a) is None
    assert await kv.store.set(a, b"1") is True
    assert await kv.store.set(b, b"\x00\xffbinary") is True
    assert await kv.store.get(a) == b"1"
    assert await kv.store.get(b) == b"\x00\xffbinary"
    assert await kv.store.delete(a, b, missing) == 2
    assert await kv.store.delete() == 0
    assert await kv.store.get(a) is None


async def test_get_many_and_set_many(kv: KV) -> None:
    a, b, missing = kv.key("many-a"), kv.key("many-b"), kv.key("many-missing")
    assert await kv.store.get_many([]) == []
    await kv.store.set_many({a: b"1", b: b"\x00two"}, ttl_seconds=60)
    assert await kv.store.get_many([b, missing, a]) == [b"\x00two", None, b"1"]
    remaining = await kv.store.ttl(a)
    assert remaining is not None and 0 < remaining <= 60
    with pytest.raises(ValueError):
        await kv.store.set_many({a: b"changed"}, ttl_seconds=0)
    assert await kv.store.get(a) == b"1"


async def test_ttl_expiry(kv: KV) -> None:
    key, plain = kv.key("ttl"), kv.key("plain")
    assert await kv.store.set(key, b"v", ttl_seconds=0.3)
    remaining = await kv.store.ttl(key)
    assert remaining is not None and 0 < remaining <= 0.3
    assert await kv.store.get(key) == b"v"
    await kv.store.set(plain, b"v")
    assert await kv.store.ttl(plain) is None
    assert await kv.store.ttl(kv.key("missing")) is None
    await asyncio.sleep(0.45)
    assert await kv.store.get(key) is None
    assert await kv.store.ttl(key) is None
    assert await kv.store.delete(key) == 0


async def test_set_without_ttl_clears_expiry_and_expire_sets_it(kv: KV) -> None:
    key = kv.key("k")
    await kv.store.set(key, b"1", ttl_seconds=0.2)
    await kv.store.set(key, b"2")
    assert await kv.store.ttl(key) is None
    assert await kv.store.expire(key, 0.2) is True
    assert await kv.store.expire(kv.key("missing"), 10) is False
    await asyncio.sleep(0.35)
    assert await kv.store.get(key) is None


async def test_only_if_absent(kv: KV) -> None:
    key = kv.key("idem")
    assert await kv.store.set(key, b"first", ttl_seconds=0.3, only_if_absent=True) is True
    assert await kv.store.set(key, b"second", only_if_absent=True) is False
    assert await kv.store.get(key) == b"first"
    await asyncio.sleep(0.45)  # an expired key counts as absent
    assert await kv.store.set(key, b"third", only_if_absent=True) is True
    assert await kv.store.get(key) == b"third"


async def test_only_if_absent_concurrent_single_winner(kv: KV) -> None:
    key = kv.key("lock")
    results = await asyncio.gather(
        *(kv.store.set(key, str(i).encode(), only_if_absent=True) for i in range(50))
    )
    assert results.count(True) == 1
    assert await kv.store.get(key) == str(results.index(True)).encode()


async def test_invalid_ttl_rejected(kv: KV) -> None:
    for ttl in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            await kv.store.set(kv.key("bad"), b"v", ttl_seconds=ttl)


# -- incr ----------------------------------------------------------------------------------


async def test_concurrent_incr_gives_each_value_once(kv: KV) -> None:
    key = kv.key("counter")
    values = await asyncio.gather(*(kv.store.incr(key, ttl_seconds=60) for _ in range(50)))
    assert sorted(values) == list(range(1, 51))
    assert await kv.store.get(key) == b"50"
    remaining = await kv.store.ttl(key)
    assert remaining is not None and 0 < remaining <= 60


async def test_incr_ttl_only_when_created(kv: KV) -> None:
    window, plain = kv.key("window"), kv.key("plain")
    assert await kv.store.incr(window, ttl_seconds=0.3) == 1
    assert await kv.store.incr(window, 5, ttl_seconds=100) == 6  # does not extend the window
    remaining = await kv.store.ttl(window)
    assert remaining is not None and remaining <= 0.3
    await asyncio.sleep(0.45)
    assert await kv.store.incr(window, ttl_seconds=0.3) == 1  # a new window
    assert await kv.store.incr(plain) == 1
    assert await kv.store.incr(plain, -3, ttl_seconds=10) == -2
    assert await kv.store.ttl(plain) is None


async def test_incr_on_non_integer(kv: KV) -> None:
    key, cart = kv.key("text"), kv.key("cart")
    await kv.store.set(key, b"abc")
    with pytest.raises(NotAnIntegerError):
        await kv.store.incr(key)
    await kv.store.set(key, str(2**63 - 1).encode())
    with pytest.raises(NotAnIntegerError):
        await kv.store.incr(key)
    await kv.store.hset(cart, {"p": b"1"})
    with pytest.raises(WrongTypeError):
        await kv.store.incr(cart)


# -- compare_and_set -----------------------------------------------------------------------


async def test_concurrent_compare_and_set_single_winner(kv: KV) -> None:
    key = kv.key("cas")
    await kv.store.set(key, b"v0")
    results = await asyncio.gather(
        *(kv.store.compare_and_set(key, b"v0", f"v{i + 1}".encode()) for i in range(50))
    )
    assert results.count(True) == 1
    assert await kv.store.get(key) == f"v{results.index(True) + 1}".encode()


async def test_concurrent_compare_and_set_from_absent(kv: KV) -> None:
    key = kv.key("cas-absent")
    results = await asyncio.gather(
        *(kv.store.compare_and_set(key, None, str(i).encode(), ttl_seconds=60) for i in range(50))
    )
    assert results.count(True) == 1
    assert await kv.store.get(key) == str(results.index(True)).encode()
    remaining = await kv.store.ttl(key)
    assert remaining is not None and 0 < remaining <= 60


async def test_compare_and_set_semantics(kv: KV) -> None:
    key = kv.key("cas")
    assert await kv.store.compare_and_set(key, b"x", b"y") is False  # absent != b"x"
    assert await kv.store.get(key) is None
    assert await kv.store.compare_and_set(key, None, b"a") is True
    assert await kv.store.compare_and_set(key, None, b"b") is False  # present
    assert await kv.store.compare_and_set(key, b"wrong", b"b") is False
    assert await kv.store.compare_and_set(key, b"a", b"b", ttl_seconds=0.3) is True
    assert await kv.store.get(key) == b"b"
    await asyncio.sleep(0.45)
    assert await kv.store.compare_and_set(key, b"b", b"c") is False  # expired: absent
    assert await kv.store.compare_and_set(key, None, b"c") is True
    assert await kv.store.ttl(key) is None
    assert await kv.store.compare_and_set(key, b"c", b"") is True  # empty is a value
    assert await kv.store.compare_and_set(key, None, b"d") is False
    assert await kv.store.compare_and_set(key, b"", b"d") is True


# -- hashes --------------------------------------------------------------------------------


async def test_hash_ops(kv: KV) -> None:
    cart = kv.key("cart")
    assert await kv.store.hgetall(cart) == {}
    assert await kv.store.hset(cart, {"p1": b"2", "p2": b"1"}) == 2
    assert await kv.store.hset(cart, {"p1": b"3", "p3": b"7"}) == 1
    assert await kv.store.hgetall(cart) == {"p1": b"3", "p2": b"1", "p3": b"7"}
    assert await kv.store.hdel(cart, "p2", "nope") == 1
    assert await kv.store.hdel(cart) == 0
    assert await kv.store.hgetall(cart) == {"p1": b"3", "p3": b"7"}
    assert await kv.store.hset(cart, {}) == 0
    assert await kv.store.hdel(cart, "p1", "p3") == 2
    assert await kv.store.hgetall(cart) == {}  # the last field gone: the key is gone
    assert await kv.store.delete(cart) == 0
    assert await kv.store.hdel(cart, "p1") == 0
    assert await kv.store.hset(cart, {}) == 0
    assert await kv.store.hgetall(cart) == {}


async def test_hash_ttl(kv: KV) -> None:
    cart = kv.key("cart")
    await kv.store.hset(cart, {"p1": b"1"}, ttl_seconds=100)
    first = await kv.store.ttl(cart)
    assert first is not None and 0 < first <= 100
    await kv.store.hset(cart, {"p2": b"1"})  # no ttl: the expiry stays
    kept = await kv.store.ttl(cart)
    assert kept is not None and 0 < kept <= 100
    await kv.store.hset(cart, {"p3": b"1"}, ttl_seconds=0.3)  # sliding expiry
    await kv.store.hset(cart, {}, ttl_seconds=0.3)
    assert len(await kv.store.hgetall(cart)) == 3
    await asyncio.sleep(0.45)
    assert await kv.store.hgetall(cart) == {}
    assert await kv.store.hset(cart, {"p1": b"1"}) == 1
    assert await kv.store.ttl(cart) is None


async def test_wrong_type(kv: KV) -> None:
    text, cart = kv.key("text"), kv.key("cart")
    await kv.store.set(text, b"v")
    await kv.store.hset(cart, {"f": b"v"})
    with pytest.raises(WrongTypeError):
        await kv.store.get(cart)
    with pytest.raises(WrongTypeError):
        await kv.store.compare_and_set(cart, None, b"x")
    with pytest.raises(WrongTypeError):
        await kv.store.hgetall(text)
    with pytest.raises(WrongTypeError):
        await kv.store.hset(text, {"f": b"v"})
    with pytest.raises(WrongTypeError):
        await kv.store.hdel(text, "f")
    assert await kv.store.set(cart, b"plain", only_if_absent=True) is False
    assert await kv.store.set(cart, b"plain") is True  # SET replaces a key of any kind
    assert await kv.store.get(cart) == b"plain"


# -- pub/sub -------------------------------------------------------------------------------


async def test_pubsub_order_and_only_after_subscribe(kv: KV) -> None:
    channel = kv.key("order-status")
    await kv.store.publish(channel, b"before")  # nobody listening: dropped
    async with kv.store.subscribe(channel) as messages:
        for i in range(100):
            await kv.store.publish(channel, f"m{i}".encode())
        received = [await next_message(messages) for _ in range(100)]
        assert received == [f"m{i}".encode() for i in range(100)]
        assert await no_message(messages)


async def test_pubsub_concurrent_publishers_keep_per_publisher_order(kv: KV) -> None:
    channel = kv.key("status")
    async with kv.store.subscribe(channel) as messages:

        async def publisher(name: str) -> None:
            for i in range(20):
                await kv.store.publish(channel, f"{name}:{i}".encode())

        await asyncio.gather(publisher("a"), publisher("b"))
        received = [(await next_message(messages)).decode() for _ in range(40)]
    for name in ("a", "b"):
        mine = [int(m.split(":")[1]) for m in received if m.startswith(f"{name}:")]
        assert mine == list(range(20))


async def test_two_subscribers_both_receive(kv: KV) -> None:
    channel, other = kv.key("fanout"), kv.key("other")
    async with kv.store.subscribe(channel) as first, kv.store.subscribe(channel) as second:
        assert await kv.subscriber_count(channel) == 2
        await kv.store.publish(other, b"elsewhere")
        for i in range(10):
            await kv.store.publish(channel, str(i).encode())
        expected = [str(i).encode() for i in range(10)]
        assert [await next_message(first) for _ in range(10)] == expected
        assert [await next_message(second) for _ in range(10)] == expected


async def test_unsubscribe_on_exit(kv: KV) -> None:
    channel = kv.key("unsub")
    async with kv.store.subscribe(channel) as first:
        async with kv.store.subscribe(channel) as second:
            await kv.store.publish(channel, b"both")
            assert await next_message(second) == b"both"
        # the inner subscription is gone; the outer one still works
        assert await _eventually(lambda: kv.subscriber_count(channel), 1)
        await kv.store.publish(channel, b"outer only")
        assert await next_message(first) == b"both"
        assert await next_message(first) == b"outer only"
        assert [m async for m in second] == []  # an exited subscription iterates nothing
    assert await _eventually(lambda: kv.subscriber_count(channel), 0)
    await kv.store.publish(channel, b"nobody")  # publishing to no one is fine
    async with kv.store.subscribe(channel) as again:
        await kv.store.publish(channel, b"fresh")
        assert await next_message(again) == b"fresh"  # nothing stale was kept


async def test_subscription_cancelled_while_waiting(kv: KV) -> None:
    channel = kv.key("cancel")
    entered = asyncio.Event()

    async def listen() -> None:
        async with kv.store.subscribe(channel) as messages:
            entered.set()
            async for _ in messages:
                pass

    task = asyncio.create_task(listen())
    await asyncio.wait_for(entered.wait(), 5)
    assert await kv.subscriber_count(channel) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _eventually(lambda: kv.subscriber_count(channel), 0)


async def test_ping(kv: KV) -> None:
    await kv.store.ping()


async def _eventually(
    probe: Callable[[], Awaitable[int]], expected: int, within: float = 5.0
) -> bool:
    """Redis processes UNSUBSCRIBE asynchronously to the client: poll briefly."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if await probe() == expected:
            return True
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
