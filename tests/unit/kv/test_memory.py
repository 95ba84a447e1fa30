"""The in-process store's own behaviour: URL sharing, its clock, sweeping, the URL factory."""

from __future__ import annotations

import pytest

from shopgraph.kv import (
    InMemoryKeyValueStore,
    RedisKeyValueStore,
    drop_memory_store,
    kv_from_url,
    memory_store,
)
from shopgraph.kv.memory import _SWEEP_EVERY


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_stores_shared_by_url() -> None:
    try:
        a = kv_from_url("memory://unit-shared")
        b = kv_from_url("memory://unit-shared/")
        other = kv_from_url("memory://unit-other")
        assert a is b
        assert isinstance(a, InMemoryKeyValueStore)
        await a.set("k", b"v")
        assert await b.get("k") == b"v"
        assert await other.get("k") is None
        await a.close()  # the shared store keeps its data for the other services
        assert await b.get("k") == b"v"
    finally:
        drop_memory_store("memory://unit-shared")
        drop_memory_store("memory://unit-other")


def test_default_url_is_one_shared_store() -> None:
    assert kv_from_url("memory://") is memory_store()


def test_kv_from_url_redis_and_unknown() -> None:
    store = kv_from_url("redis://127.0.0.1:1/0")  # lazy: nothing connects yet
    assert isinstance(store, RedisKeyValueStore)
    with pytest.raises(ValueError, match="unsupported"):
        kv_from_url("memcached://localhost")


async def test_expiry_follows_the_clock() -> None:
    clock = FakeClock()
    store = InMemoryKeyValueStore(clock=clock)
    await store.set("k", b"v", ttl_seconds=10)
    await store.hset("h", {"f": b"v"}, ttl_seconds=5)
    assert await store.incr("n", ttl_seconds=7) == 1
    clock.now += 4.999
    assert await store.ttl("k") == pytest.approx(5.001)
    assert await store.hgetall("h") == {"f": b"v"}
    clock.now += 0.001
    assert await store.hgetall("h") == {}
    assert await store.incr("n", ttl_seconds=7) == 2
    clock.now += 2.5
    assert await store.incr("n", ttl_seconds=7) == 1
    assert await store.get("k") == b"v"
    clock.now += 2.5
    assert await store.get("k") is None


async def test_expired_keys_are_swept() -> None:
    clock = FakeClock()
    store = InMemoryKeyValueStore(clock=clock)
    for i in range(_SWEEP_EVERY - 1):
        await store.set(f"k{i}", b"v", ttl_seconds=1)
    clock.now += 2
    await store.set("keep", b"v")
    assert list(store._data) == ["keep"]


async def test_values_are_copied() -> None:
    store = InMemoryKeyValueStore()
    buf = bytearray(b"abc")
    await store.set("k", buf)  # type: ignore[arg-type]
    buf[0] = ord("x")
    value = await store.get("k")
    assert value == b"abc" and type(value) is bytes


async def test_subscriber_count_and_cleanup() -> None:
    store = InMemoryKeyValueStore()
    async with store.subscribe("c"):
        assert store.subscriber_count("c") == 1
    assert store.subscriber_count("c") == 0
    assert store._subscribers == {}
