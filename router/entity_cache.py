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
        variables = body.get("variables") or {}
        others = {k: v for k, v in variables.items() if k not in shape.representation_variables}
        representations: list[list[Any]] = []
        for entities in shape.fields:
            given = variables.get(entities.variable)
            if not isinstance(given, list):
                return await send(body)
            representations.append(given)
        slots = [[self._slot(rep, request) for rep in reps] for reps in representations]
        lookups = [
            (i, j, slot, rep)
            for i, (field_slots, reps) in enumerate(zip(slots, representations, strict=True))
            for j, (slot, rep) in enumerate(zip(field_slots, reps, strict=True))
            if slot is not None
        ]
        request.stats.uncached += sum(len(r) for r in representations) - len(lookups)
        if not lookups:
            return await send(body)
        digests = [selection_digest(f.selection, others) for f in shape.fields]
        try:
            keys = await self._entry_keys(subgraph, digests, lookups)
            found = await self.store.get_many(keys)
        except KeyValueError as exc:
            STORE_ERRORS.labels("read").inc()
            log.warning("entity_cache_read_failed", error=str(exc))
            return await send(body)
        cached: list[list[Any]] = [[None] * len(reps) for reps in representations]
        hit = [[False] * len(reps) for reps in representations]
        key_of: dict[tuple[int, int], tuple[str, _Slot]] = {}
        counted: Counter[tuple[str, str]] = Counter()
        for (i, j, slot, _), key, value in zip(lookups, keys, found, strict=True):
            if value is not None:
                cached[i][j], hit[i][j] = orjson.loads(value), True
                counted[(slot.ref.type_name, "hit")] += 1
            else:
                key_of[(i, j)] = (key, slot)
                counted[(slot.ref.type_name, "miss")] += 1
        for (type_name, result), count in counted.items():
            LOOKUPS.labels(subgraph, type_name, result).inc(count)
        request.stats.hits += len(lookups) - len(key_of)
        request.stats.misses += len(key_of)
        missing = [[j for j, was_hit in enumerate(row) if not was_hit] for row in hit]
        if not any(missing):
            rows = zip(shape.fields, cached, strict=True)
            return {"data": {entities.response_key: row for entities, row in rows}}
        nothing_found = all(
            len(row) == len(reps) for row, reps in zip(missing, representations, strict=True)
        )
        answer = await send(body if nothing_found else partial_body(body, shape, missing))
        placed, failed = place_answer(answer, shape, missing, cached)
        await self._store_answers(shape, placed, failed, key_of)
        return placed

    def _slot(self, representation: Any, request: CacheRequest) -> _Slot | None:
        if not isinstance(representation, dict):
            return None
        type_name = representation.get("__typename")
        policy = request.policy.for_type(type_name) if isinstance(type_name, str) else None
        if policy is None or (policy.private and request.subject is None):
            return None
        encoded = encode(representation)
        ref = EntityRef.of(representation, encoded)
        if ref is None:
            return None
        subject = request.subject if policy.private else None
        return _Slot(ref, policy.ttl_seconds, subject, encoded)

    async def _entry_keys(
        self,
        subgraph: str,
        digests: list[bytes],
        lookups: list[tuple[int, int, _Slot, Any]],
    ) -> list[str]:
        markers = await self.store.get_many(
            [key for _, _, slot, _ in lookups for key in version_keys(slot.ref, subgraph)]
        )
        return [
            entry_key(
                subgraph,
                slot.ref,
                (markers[2 * n], markers[2 * n + 1]),
                digests[i],
                slot.encoded,
                slot.subject,
            )
            for n, (i, _, slot, _) in enumerate(lookups)
        ]

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
