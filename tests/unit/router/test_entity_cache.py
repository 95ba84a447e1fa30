"""The entity cache in front of a subgraph: per-entity hits, partial fetches merged in order,
errors never cached, private entries per user, mutations bypassing, invalidation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from router.entity_cache import CacheRequest, EntityCache
from router.entity_cache_keys import EntityRef
from router.entity_cache_policy import CachePolicy, TypeOverride
from router.entity_cache_transport import CURRENT_REQUEST, EntityCachingTransport
from router.pipeline import Operation
from router.plugins.entity_cache import EntityCachePlugin, EntityCacheSection
from shopgraph.auth.principal import Principal
from shopgraph.kv import InMemoryKeyValueStore

STOCK = (
    "query($representations:[_Any!]!){_entities(representations:$representations)"
    "{...on Product{stock{available}}}}"
)
ORDERS = (
    "query($representations:[_Any!]!,$first:Int){_entities(representations:$representations)"
    "{...on User{orders(first:$first){id}}}}"
)
BATCHED = (
    "query($r0:[_Any!]!,$r1:[_Any!]!){_0:_entities(representations:$r0)"
    "{...on Product{stock{available}}} _1:_entities(representations:$r1)"
    "{...on Product{shippingEstimate{amount}}}}"
)


def product(pid: str) -> dict[str, Any]:
    return {"__typename": "Product", "id": pid}


class InventorySubgraph:
    """Answers entity fetches from its ``available`` table and records what it was asked.
    Products listed in ``failing`` get ``null`` and an error at their path."""

    def __init__(self) -> None:
        self.available: dict[str, int] = {"p1": 1, "p2": 2, "p3": 3}
        self.failing: set[str] = set()
        self.asked: list[dict[str, Any]] = []
        self.viewer_of: dict[str, str] = {}

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.asked.append(body)
        data: dict[str, Any] = {}
        errors = []
        for name, key in (("representations", "_entities"), ("r0", "_0"), ("r1", "_1")):
            if name not in body.get("variables", {}):
                continue
            answers: list[Any] = []
            for index, rep in enumerate(body["variables"][name]):
                if rep["id"] in self.failing:
                    answers.append(None)
                    errors.append({"message": "stock unavailable", "path": [key, index, "stock"]})
                elif rep["__typename"] == "User":
                    owner = headers.get("authorization", "anonymous")
                    answers.append({"orders": [{"id": f"order-of-{owner}"}]})
                else:
                    answers.append({"stock": {"available": self.available[rep["id"]]}})
            data[key] = answers
        return {"data": data, **({"errors": errors} if errors else {})}

    async def close(self) -> None:
        return None

    def representations_asked(self) -> list[list[str]]:
        asked = []
        for body in self.asked:
            lists = [reps for name, reps in body["variables"].items() if name != "first"]
            asked.append([rep["id"] for reps in lists for rep in reps])
        return asked


@pytest.fixture
async def store() -> AsyncIterator[InMemoryKeyValueStore]:
    yield InMemoryKeyValueStore(f"entity-cache-{uuid.uuid4().hex}")


def request_for(
    store: InMemoryKeyValueStore, subject: str | None = None, *, reads: bool = True
) -> CacheRequest:
    policy = CachePolicy(
        default_ttl_seconds=60,
        max_ttl_seconds=600,
        overrides={"User": TypeOverride(60, private=True)},
    )
    return CacheRequest(EntityCache(store, 600), policy, subject, reads)


async def fetch(
    transport: EntityCachingTransport,
    request: CacheRequest | None,
    query: str,
    variables: dict[str, Any],
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    token = CURRENT_REQUEST.set(request)
    try:
        body = {"query": query, "variables": variables}
        return await transport.send("inventory", "http://inventory", body, headers or {})
    finally:
        CURRENT_REQUEST.reset(token)


async def test_cached_entities_are_served_without_asking_the_subgraph(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    variables = {"representations": [product("p1"), product("p2")]}
    first = await fetch(transport, request_for(store), STOCK, variables)
    request = request_for(store)
    second = await fetch(transport, request, STOCK, variables)
    assert (
        second
        == first
        == {"data": {"_entities": [{"stock": {"available": 1}}, {"stock": {"available": 2}}]}}
    )
    assert len(subgraph.asked) == 1
    assert (request.stats.hits, request.stats.misses) == (2, 0)


async def test_a_partly_cached_batch_asks_only_for_the_missing_and_keeps_the_order(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    await fetch(transport, request_for(store), STOCK, {"representations": [product("p2")]})
    request = request_for(store)
    reps = [product("p1"), product("p2"), product("p3")]
    answer = await fetch(transport, request, STOCK, {"representations": reps})
    assert [e["stock"]["available"] for e in answer["data"]["_entities"]] == [1, 2, 3]
    assert subgraph.representations_asked()[-1] == ["p1", "p3"]
    assert (request.stats.hits, request.stats.misses) == (1, 2)


async def test_batched_fields_are_cached_per_selection_and_errors_keep_client_indices(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    await fetch(transport, request_for(store), STOCK, {"representations": [product("p1")]})
    subgraph.failing = {"p3"}
    variables = {"r0": [product("p1"), product("p3")], "r1": [product("p2")]}
    answer = await fetch(transport, request_for(store), BATCHED, variables)
    assert answer["data"]["_0"] == [{"stock": {"available": 1}}, None]
    # the subgraph saw p3 at index 0 of _0; the executor gets the index it sent: 1
    assert answer["errors"][0]["path"] == ["_0", 1, "stock"]
    assert subgraph.asked[-1]["variables"]["r0"] == [product("p3")]
    subgraph.failing = set()
    retry = await fetch(transport, request_for(store), BATCHED, variables)
    assert retry["data"]["_0"][1] == {"stock": {"available": 3}}, "a failed entity is not cached"


async def test_a_different_selection_or_variables_is_a_different_entry(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    reps = {"representations": [{"__typename": "User", "id": "u1"}]}
    await fetch(transport, request_for(store, "u1"), ORDERS, {**reps, "first": 1})
    await fetch(transport, request_for(store, "u1"), ORDERS, {**reps, "first": 2})
    assert len(subgraph.asked) == 2


async def test_private_entries_belong_to_one_user_and_anonymous_callers_skip_them(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    reps = {"representations": [{"__typename": "User", "id": "u1"}], "first": 1}
    mine = await fetch(transport, request_for(store, "alice"), ORDERS, reps, {"authorization": "A"})
    theirs = await fetch(transport, request_for(store, "bob"), ORDERS, reps, {"authorization": "B"})
    assert mine["data"]["_entities"] == [{"orders": [{"id": "order-of-A"}]}]
    assert theirs["data"]["_entities"] == [{"orders": [{"id": "order-of-B"}]}]
    anonymous = request_for(store)
    await fetch(transport, anonymous, ORDERS, reps)
    await fetch(transport, request_for(store), ORDERS, reps)
    assert len(subgraph.asked) == 4
    assert (anonymous.stats.hits, anonymous.stats.misses, anonymous.stats.uncached) == (0, 0, 1)
    again = request_for(store, "alice")
    assert await fetch(transport, again, ORDERS, reps) == mine
    assert again.stats.hits == 1


async def test_mutations_and_requests_outside_the_pipeline_pass_through(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    reps = {"representations": [product("p1")]}
    await fetch(transport, request_for(store, reads=False), STOCK, reps)
    await fetch(transport, None, STOCK, reps)
    await fetch(transport, request_for(store), STOCK, reps)
    assert len(subgraph.asked) == 3, "neither bypassing request wrote an entry"


async def test_invalidating_an_entity_drops_every_selection_of_it(
    store: InMemoryKeyValueStore,
) -> None:
    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    both = {"representations": [product("p1"), product("p2")]}
    await fetch(transport, request_for(store), STOCK, both)
    subgraph.available["p1"] = 0
    cache = EntityCache(store, 600)
    await cache.invalidate([(EntityRef("Product", "p1"), "reviews")])
    stale = await fetch(transport, request_for(store), STOCK, both)
    assert stale["data"]["_entities"][0] == {"stock": {"available": 1}}, "other subgraph's fields"
    await cache.invalidate([(EntityRef("Product", "p1"), "inventory")])
    fresh = await fetch(transport, request_for(store), STOCK, both)
    assert fresh["data"]["_entities"][0] == {"stock": {"available": 0}}
    assert subgraph.representations_asked()[-1] == ["p1"]
    subgraph.available["p2"] = 7
    await cache.invalidate([(EntityRef("Product", "p2"), None)])
    whole = await fetch(transport, request_for(store), STOCK, both)
    assert whole["data"]["_entities"][1] == {"stock": {"available": 7}}


async def test_a_store_that_fails_costs_the_cache_not_the_request() -> None:
    class BrokenStore(InMemoryKeyValueStore):
        async def get_many(self, keys: Any) -> list[bytes | None]:
            from shopgraph.kv import KeyValueUnavailableError

            raise KeyValueUnavailableError("redis is down")

    subgraph = InventorySubgraph()
    transport = EntityCachingTransport(subgraph)
    request = request_for(BrokenStore())
    answer = await fetch(transport, request, STOCK, {"representations": [product("p1")]})
    assert answer == {"data": {"_entities": [{"stock": {"available": 1}}]}}


async def test_the_plugin_scopes_each_operation_and_reports_when_asked(
    store: InMemoryKeyValueStore,
) -> None:
    plugin = EntityCachePlugin(EntityCacheSection(enabled=True), store, bus=None)
    user = Principal(subject="alice", roles=("CUSTOMER",))
    asked = Operation(params={"extensions": {"cache": True}}, headers={}, principal=user)
    asked.kind = "query"
    await plugin.on_operation(asked)
    request = CURRENT_REQUEST.get()
    assert request is not None and request.subject == "alice" and request.reads
    request.stats.hits = 3
    await plugin.on_response(asked, {"data": {}})
    assert CURRENT_REQUEST.get() is None, "nothing outlives the operation"
    assert asked.extensions["cache"] == {"hits": 3, "misses": 0, "uncached": 0}

    mutation = Operation(params={}, headers={"x-shopgraph-cache": "true"})
    mutation.kind = "mutation"
    await plugin.on_operation(mutation)
    request = CURRENT_REQUEST.get()
    assert request is not None and request.subject is None and not request.reads
    await plugin.on_response(mutation, {"data": {}})
    assert mutation.extensions["cache"]["bypassed"] == "mutation"

    quiet = Operation(params={}, headers={})
    quiet.kind = "query"
    await plugin.on_operation(quiet)
    await plugin.on_response(quiet, {"data": {}})
    assert quiet.extensions == {}
