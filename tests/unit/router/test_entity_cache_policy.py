"""Which entities are cached, how long and for whom: config over @cacheControl over the
default; and which events make which cached entities stale."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from router.cache_hints import CacheHint, read_cache_hints
from router.compose import SubgraphSource, compose
from router.config import ConfigError, parse_config
from router.entity_cache import EntityCache
from router.entity_cache_events import InvalidationConsumer, invalidations
from router.entity_cache_keys import EntityRef, encode, entry_key, selection_digest
from router.entity_cache_policy import TypePolicy
from router.plugins.entity_cache import EntityCacheSection
from shopgraph.events.envelope import Event
from shopgraph.events.memory import memory_bus
from shopgraph.kv import InMemoryKeyValueStore

SUPERGRAPH_HINTS = """
type Product @cacheControl(maxAge: 30) { id: ID! }
type Review @cacheControl(maxAge: 120, scope: PRIVATE) { id: ID! }
type Category @cacheControl(maxAge: 0) { id: ID! }
extend type Product @cacheControl(maxAge: 10) { id: ID! }
type Money { amount: Int! }
"""


def test_cache_control_hints_are_read_from_the_supergraph() -> None:
    assert read_cache_hints(SUPERGRAPH_HINTS).types == {
        "Product": CacheHint(10, False),  # the stricter of two hints
        "Review": CacheHint(120, True),
        "Category": CacheHint(0, False),
    }
    assert read_cache_hints("not a schema {").types == {}


def test_config_beats_hints_which_beat_the_default() -> None:
    config = parse_config(
        """
        [entity_cache]
        enabled = true
        default_ttl_seconds = 5
        max_ttl_seconds = 100
        [entity_cache.types.Product]
        ttl_seconds = 60
        [entity_cache.types.User]
        private = false
        [entity_cache.types.Money]
        ttl_seconds = 0
        """
    )
    policy = config.entity_cache.policy().with_hints(read_cache_hints(SUPERGRAPH_HINTS))
    assert policy.for_type("Product") == TypePolicy(60, private=False)
    assert policy.for_type("Review") == TypePolicy(100, private=True), "capped by max_ttl"
    assert policy.for_type("Category") is None, "maxAge: 0 is never cached"
    assert policy.for_type("Money") is None
    assert policy.for_type("Warehouse") == TypePolicy(5, private=False)
    assert policy.for_type("User") == TypePolicy(5, private=False), "config said not private"
    assert policy.for_type("Order") is None, "per-user types are cached only when told how long"


def test_a_misspelt_or_negative_setting_names_itself() -> None:
    with pytest.raises(ConfigError, match=r"entity_cache\.default_ttl: unknown key"):
        parse_config("[entity_cache]\ndefault_ttl = 5")
    with pytest.raises(ConfigError, match=r"entity_cache\.types\.Product\.ttl_seconds"):
        parse_config("[entity_cache.types.Product]\nttl_seconds = -1")


def test_entries_are_keyed_by_subject_selection_and_versions() -> None:
    ref = EntityRef.of({"__typename": "Product", "id": "p1"})
    assert ref == EntityRef("Product", "p1")
    rep = encode({"__typename": "Product", "id": "p1"})
    selection = selection_digest("{stock{available}}", {})
    public = entry_key("inventory", ref, (None, None), selection, rep, None)
    assert public == entry_key("inventory", ref, (None, None), selection, bytes(rep), None)
    priced = encode({"__typename": "Product", "id": "p1", "price": 2})
    others = {
        entry_key("inventory", ref, (None, None), selection, rep, "alice"),
        entry_key("inventory", ref, (None, None), selection, rep, "bob"),
        entry_key("inventory", ref, (b"x", None), selection, rep, None),
        entry_key("inventory", ref, (None, None), selection_digest("{stock}", {}), rep, None),
        entry_key("inventory", ref, (None, None), selection, priced, None),
    }
    assert public not in others and len(others) == 5
    composite = EntityRef.of({"__typename": "Line", "order": "o:1", "n": 2})
    assert composite is not None and ":" not in composite.identity
    assert EntityRef.of({"id": "p1"}) is None


def event(type_: str, **payload: object) -> Event:
    return Event.new(type_, "aggregate", dict(payload))


def test_events_name_the_entities_they_change() -> None:
    assert invalidations(event("ProductUpdated", productId="p1", priceMinor=100)) == [
        (EntityRef("Product", "p1"), None)
    ]
    assert invalidations(event("StockChanged", productId="p1", available=0)) == [
        (EntityRef("Product", "p1"), "inventory")
    ]
    lines = [{"productId": "p1", "quantity": 1}, {"productId": "p2", "quantity": 1}]
    assert invalidations(event("ReservationExpired", orderId="o1", lines=lines)) == [
        (EntityRef("Product", "p1"), "inventory"),
        (EntityRef("Product", "p2"), "inventory"),
    ]
    assert invalidations(event("ReviewApproved", reviewId="r1", productId="p1", userId="u1")) == [
        (EntityRef("Product", "p1"), "reviews"),
        (EntityRef("Review", "r1"), None),
        (EntityRef("User", "u1"), "reviews"),
    ]
    assert invalidations(event("CategoryChanged", categoryId="c1")) == [
        (EntityRef("Category", "c1"), None)
    ]
    assert invalidations(event("ProductUpdated", productId=None)) == []
    assert invalidations(event("OrderCreated", orderId="o1")) == []


async def test_the_consumer_invalidates_what_the_bus_announces() -> None:
    bus = memory_bus(f"memory://entity-cache-{uuid.uuid4().hex}")
    store = InMemoryKeyValueStore("events")
    cache = EntityCache(store, 600)
    consumer = InvalidationConsumer(bus, cache)
    await consumer.start()
    try:
        marker = "shopgraph:ec:v:Product:p1"
        await bus.publish("catalog", event("ProductUpdated", productId="p1"))
        await bus.publish("orders", event("OrderCreated", orderId="o1"))
        for _ in range(200):
            if await store.get(marker) is not None:
                break
            await asyncio.sleep(0.01)
        assert await store.get(marker) is not None
        assert consumer.invalidated == 1
    finally:
        await consumer.stop()


def test_a_subgraph_carries_cache_control_into_the_supergraph_with_compose_directive() -> None:
    sdl = compose(
        [
            SubgraphSource(
                "products",
                "http://products",
                'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
                'import: ["@key", "@composeDirective"]) '
                '@link(url: "https://shopgraph.dev/cache/v1.0", import: ["@cacheControl"]) '
                '@composeDirective(name: "@cacheControl")\n'
                "enum CacheControlScope { PUBLIC PRIVATE }\n"
                "directive @cacheControl(maxAge: Int, scope: CacheControlScope) on OBJECT\n"
                "type Query { product: Product }\n"
                'type Product @key(fields: "id") @cacheControl(maxAge: 45) { id: ID! }',
            )
        ]
    )
    policy = EntityCacheSection(enabled=True).policy().with_hints(read_cache_hints(sdl))
    assert policy.for_type("Product") == TypePolicy(45, private=False)


def test_a_private_type_is_cached_per_user_only_with_a_ttl_of_its_own() -> None:
    config = parse_config(
        "[entity_cache]\nenabled = true\n[entity_cache.types.Cart]\nttl_seconds = 30\n"
    )
    policy = config.entity_cache.policy()
    assert policy.for_type("Order") is None  # no event says a user's orders changed
    assert policy.for_type("Cart") == TypePolicy(30, private=True)
    assert policy.for_type("Product") == TypePolicy(60, private=False)
