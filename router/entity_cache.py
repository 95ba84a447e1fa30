"""The entity cache: answers ``_entities`` representations from the key-value store and asks
the subgraph only for the rest (keys: :mod:`router.entity_cache_keys`; TTL and scope:
:mod:`router.entity_cache_policy`; request rewriting: :mod:`router.entity_cache_fetch`).

Per representation: a type the policy does not cache, or a private type for an anonymous
caller, is always fetched and never stored. An entity the subgraph answered with an error
at its path (or with ``null``) is not stored. A store that fails (Redis down) costs the
cache, never the request: the fetch goes to the subgraph as if nothing were cached.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from prometheus_client import Counter as PrometheusCounter

from router.entity_cache_fetch import EntityFetchShape, partial_body, place_answer
from router.entity_cache_keys import (
    EntityRef,
    encode,
    entry_key,
    invalidation_key,
    selection_digest,
    version_keys,
)
from router.entity_cache_policy import CachePolicy
from shopgraph.kv.port import KeyValueError, KeyValueStore
from shopgraph.logging import get_logger

Json = dict[str, Any]
Send = Callable[[Json], Awaitable[Json]]
log = get_logger(__name__)

LOOKUPS = PrometheusCounter(
    "shopgraph_router_entity_cache_lookups_total",
    "Entity representations looked up in the entity cache (hit: served without the subgraph)",
    ["subgraph", "type", "result"],
)
INVALIDATIONS = PrometheusCounter(
    "shopgraph_router_entity_cache_invalidations_total",
    "Entities invalidated by events",
    ["type"],
)
STORE_ERRORS = PrometheusCounter(
    "shopgraph_router_entity_cache_store_errors_total",
    "Entity cache reads or writes that failed (the fetch went to the subgraph)",
    ["operation"],
)


@dataclass
class CacheStats:
    """One client request's use of the cache (``extensions.cache``)."""

    hits: int = 0
    misses: int = 0
    # representations of types not cached for this caller (policy, or private + anonymous)
    uncached: int = 0

    def as_extension(self, reads: bool) -> Json:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "uncached": self.uncached,
            **({} if reads else {"bypassed": "mutation"}),
        }


@dataclass
class CacheRequest:
    """What the cache needs to know about the client request a fetch belongs to."""

    cache: EntityCache
    policy: CachePolicy
    # The verified subject (private entries are theirs); None for anonymous callers.
    subject: str | None
    # False for mutations: they neither read nor write the cache.
    reads: bool = True
    stats: CacheStats = field(default_factory=CacheStats)


@dataclass(frozen=True, slots=True)
class _Slot:
    ref: EntityRef
    ttl_seconds: float
    subject: str | None
    encoded: bytes


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Representation ``index`` of entity field ``field``, and how it is cached."""

    field: int
    index: int
    slot: _Slot


@dataclass
class _Found:
    """What the store had: entities by field and index, the indices still missing, and where
    to store the subgraph's answers for them."""

    cached: list[list[Any]]
    missing: list[list[int]] = field(default_factory=list)
    to_store: dict[tuple[int, int], tuple[str, _Slot]] = field(default_factory=dict)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, lookup: _Lookup, key: str, value: bytes | None) -> None:
        type_name = lookup.slot.ref.type_name
        if value is None:
            self.to_store[(lookup.field, lookup.index)] = (key, lookup.slot)
            self.counts[(type_name, "miss")] += 1
            return
        self.cached[lookup.field][lookup.index] = orjson.loads(value)
        self.counts[(type_name, "hit")] += 1

    def count(self, subgraph: str, stats: CacheStats) -> None:
        for (type_name, result), count in self.counts.items():
            LOOKUPS.labels(subgraph, type_name, result).inc(count)
            if result == "hit":
                stats.hits += count
            else:
                stats.misses += count


class EntityCache:
    def __init__(self, store: KeyValueStore, max_ttl_seconds: float) -> None:
        self.store = store
        self.max_ttl_seconds = max_ttl_seconds

    async def fetch(
        self,
        subgraph: str,
        body: Json,
        shape: EntityFetchShape,
        request: CacheRequest,
        send: Send,
    ) -> Json:
        """The subgraph's answer to ``body``, with cached entities filled in and only the
        missing representations asked."""
        representations = _representations(body, shape)
        if representations is None:
            return await send(body)
        lookups = [
            _Lookup(i, j, slot)
            for i, (entities, reps) in enumerate(zip(shape.fields, representations, strict=True))
            for j, rep in enumerate(reps)
            if (slot := self._slot(rep, entities.selection, request)) is not None
        ]
        request.stats.uncached += sum(len(r) for r in representations) - len(lookups)
        if not lookups:
            return await send(body)
        try:
            found = await self._read(subgraph, body, shape, representations, lookups)
        except KeyValueError as exc:
            STORE_ERRORS.labels("read").inc()
            log.warning("entity_cache_read_failed", error=str(exc))
            return await send(body)
        found.count(subgraph, request.stats)
        if not any(found.missing):
            rows = zip(shape.fields, found.cached, strict=True)
            return {"data": {entities.response_key: row for entities, row in rows}}
        nothing_found = all(
            len(row) == len(reps) for row, reps in zip(found.missing, representations, strict=True)
        )
        asked = body if nothing_found else partial_body(body, shape, found.missing)
        placed, failed = place_answer(await send(asked), shape, found.missing, found.cached)
        await self._store_answers(shape, placed, failed, found.to_store)
        return placed

    async def _read(
        self,
        subgraph: str,
        body: Json,
        shape: EntityFetchShape,
        representations: list[list[Any]],
        lookups: list[_Lookup],
    ) -> _Found:
        """Markers first, then the entries they make current, in two round trips."""
        variables = body.get("variables") or {}
        others = {k: v for k, v in variables.items() if k not in shape.representation_variables}
        digests = [selection_digest(f.selection, others) for f in shape.fields]
        markers = await self.store.get_many(
            [key for lookup in lookups for key in version_keys(lookup.slot.ref, subgraph)]
        )
        keys = [
            entry_key(
                subgraph,
                lookup.slot.ref,
                (markers[2 * n], markers[2 * n + 1]),
                digests[lookup.field],
                lookup.slot.encoded,
                lookup.slot.subject,
            )
            for n, lookup in enumerate(lookups)
        ]
        values = await self.store.get_many(keys)
        found = _Found(cached=[[None] * len(reps) for reps in representations])
        for lookup, key, value in zip(lookups, keys, values, strict=True):
            found.add(lookup, key, value)
        # only dicts are stored, so a None is never a hit
        found.missing = [
            [j for j, entity in enumerate(row) if entity is None] for row in found.cached
        ]
        return found

    def _slot(self, representation: Any, selection: str, request: CacheRequest) -> _Slot | None:
        if not isinstance(representation, dict):
            return None
        type_name = representation.get("__typename")
        policy = (
            request.policy.for_entity(type_name, selection) if isinstance(type_name, str) else None
        )
        if policy is None or (policy.private and request.subject is None):
            return None
        encoded = encode(representation)
        ref = EntityRef.of(representation, encoded)
        if ref is None:
            return None
        subject = request.subject if policy.private else None
        return _Slot(ref, policy.ttl_seconds, subject, encoded)

    async def _store_answers(
        self,
        shape: EntityFetchShape,
        placed: Json,
        failed: list[set[int]],
        key_of: Mapping[tuple[int, int], tuple[str, _Slot]],
    ) -> None:
        by_ttl: dict[float, dict[str, bytes]] = {}
        data = placed.get("data") or {}
        for (i, j), (key, slot) in key_of.items():
            entity = data[shape.fields[i].response_key][j]
            if isinstance(entity, dict) and j not in failed[i]:
                by_ttl.setdefault(slot.ttl_seconds, {})[key] = orjson.dumps(entity)
        try:
            for ttl, values in by_ttl.items():
                await self.store.set_many(values, ttl)
        except KeyValueError as exc:
            STORE_ERRORS.labels("write").inc()
            log.warning("entity_cache_write_failed", error=str(exc))

    async def invalidate(self, targets: Iterable[tuple[EntityRef, str | None]]) -> int:
        """Make every cached selection of each entity unfindable (``subgraph`` None: all of
        its fields, else only those ``subgraph`` owns); returns how many were invalidated."""
        markers: dict[str, bytes] = {}
        for ref, subgraph in targets:
            markers[invalidation_key(ref, subgraph)] = uuid.uuid4().hex[:16].encode()
            INVALIDATIONS.labels(ref.type_name).inc()
        if markers:
            await self.store.set_many(markers, self.max_ttl_seconds)
        return len(markers)


def _representations(body: Json, shape: EntityFetchShape) -> list[list[Any]] | None:
    """Each entity field's representations, or None when the variables are not lists."""
    variables = body.get("variables") or {}
    found: list[list[Any]] = []
    for entities in shape.fields:
        given = variables.get(entities.variable)
        if not isinstance(given, list):
            return None
        found.append(given)
    return found
