"""Redis namespaces (``redis://…?namespace=x``): two stores on one server, each with a
namespace of its own, share no keys and no pub/sub messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shopgraph.kv import RedisKeyValueStore, kv_from_url
from tests.support.columns import private_redis_url

pytestmark = pytest.mark.integration


@pytest.fixture
async def two_namespaces() -> AsyncIterator[tuple[RedisKeyValueStore, RedisKeyValueStore]]:
    first, second = kv_from_url(private_redis_url()), kv_from_url(private_redis_url())
    assert isinstance(first, RedisKeyValueStore) and isinstance(second, RedisKeyValueStore)
    try:
        yield first, second
    finally:
        await first.delete("cart", "visits", "cart-hash")
        await second.delete("cart", "visits", "cart-hash")
        await first.close()
        await second.close()


async def test_one_key_name_is_two_keys(
    two_namespaces: tuple[RedisKeyValueStore, RedisKeyValueStore],
) -> None:
    first, second = two_namespaces
    assert await first.set("cart", b"first's", only_if_absent=True)
    assert await second.set("cart", b"second's", only_if_absent=True)
    assert await first.incr("visits", ttl_seconds=60) == 1
    assert await second.incr("visits", ttl_seconds=60) == 1
    await first.hset("cart-hash", {"line": b"1"})

    assert await first.get("cart") == b"first's"
    assert await second.get("cart") == b"second's"
    assert await second.hgetall("cart-hash") == {}
    assert await second.delete("cart") == 1
    assert await first.get("cart") == b"first's"


async def test_keys_live_under_the_namespace_on_the_server(
    two_namespaces: tuple[RedisKeyValueStore, RedisKeyValueStore],
) -> None:
    first, _ = two_namespaces
    await first.set("cart", b"v", ttl_seconds=60)
    assert first.physical("cart") != "cart"
    assert await first.client.get(first.physical("cart")) == b"v"
    assert await first.client.exists("cart") == 0


async def test_a_message_reaches_only_its_namespace(
    two_namespaces: tuple[RedisKeyValueStore, RedisKeyValueStore],
) -> None:
    first, second = two_namespaces
    async with second.subscribe("orders") as messages:
        await first.publish("orders", b"first's")
        await second.publish("orders", b"second's")
        # Redis runs commands one at a time: had the first message crossed over, it would
        # have arrived before the second.
        async with asyncio.timeout(30):
            assert await anext(messages) == b"second's"
