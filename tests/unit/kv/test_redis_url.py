"""``redis://`` URLs: the ``namespace`` option is ShopGraph's, the others are redis-py's."""

from __future__ import annotations

import pytest

from shopgraph.kv import RedisKeyValueStore, kv_from_url


def redis_store(url: str) -> RedisKeyValueStore:
    store = kv_from_url(url)  # lazy: nothing connects yet
    assert isinstance(store, RedisKeyValueStore)
    return store


def test_a_namespace_prefixes_keys_and_channels() -> None:
    assert redis_store("redis://127.0.0.1:1/0?namespace=staging").physical("cart:1") == (
        "staging:cart:1"
    )
    assert redis_store("redis://127.0.0.1:1/0").physical("cart:1") == "cart:1"


def test_redis_options_beside_the_namespace_reach_the_client() -> None:
    store = redis_store("redis://127.0.0.1:1/3?socket_timeout=5&namespace=staging")
    kwargs = store.client.connection_pool.connection_kwargs
    assert (kwargs["db"], kwargs["socket_timeout"]) == (3, 5.0)
    assert "namespace" not in kwargs


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:1/0?namespace=two%20words",
        "redis://127.0.0.1:1/0?namespace=a:b",
        "redis://127.0.0.1:1/0?namespace=a&namespace=b",
    ],
)
def test_a_bad_namespace_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        kv_from_url(url)
