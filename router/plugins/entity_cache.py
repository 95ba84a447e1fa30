"""The entity cache plugin and its ``[entity_cache]`` config section (``router/README.md``).

For each query it tells the caching transport (:mod:`router.entity_cache_transport`) who is
asking and which TTLs apply; mutations bypass the cache. It owns the invalidation consumer
(:mod:`router.entity_cache_events`), started in the background by the first operation, and
adds ``extensions.cache`` (hits, misses, uncached) to a response when the request asks
with ``"extensions": {"cache": true}`` or the header ``x-shopgraph-cache: true``.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import Token
from typing import Any

from pydantic import Field

from router.cache_hints import read_cache_hints
from router.config_section import Section
from router.entity_cache import CacheRequest, EntityCache
from router.entity_cache_events import InvalidationConsumer
from router.entity_cache_policy import CachePolicy, TypeOverride
from router.entity_cache_transport import CURRENT_REQUEST
from router.pipeline import Operation, RouterPlugin
from router.supergraph import Supergraph
from shopgraph.events.bus import EventBus
from shopgraph.kv.port import KeyValueStore
from shopgraph.logging import get_logger

log = get_logger(__name__)
STATS_HEADER = "x-shopgraph-cache"
# Per-user data in ShopGraph: cached only for the signed-in user it belongs to.
PRIVATE_TYPES = ("User", "Cart", "Order", "Payment", "Review")


class EntityCacheTypeSection(Section):
    # Overrides @cacheControl(maxAge:) and the default; 0: never cache this type.
    ttl_seconds: float | None = Field(default=None, ge=0)
    # true: entries are per verified user and anonymous callers are never served from them.
    private: bool | None = None


class EntityCacheSection(Section):
    enabled: bool = False
    # For types with neither a config entry nor a @cacheControl(maxAge:) hint; 0: don't.
    default_ttl_seconds: float = Field(default=60.0, ge=0)
    # Caps every TTL (invalidation markers live this long).
    max_ttl_seconds: float = Field(default=3600.0, gt=0)
    # Types private unless their [entity_cache.types.<Type>] entry says private = false.
    private_types: tuple[str, ...] = PRIVATE_TYPES
    # Delete entries on catalog, inventory and review events (docs/events.md).
    invalidate_on_events: bool = True
    types: dict[str, EntityCacheTypeSection] = Field(default_factory=dict)

    def policy(self) -> CachePolicy:
        overrides = {name: TypeOverride(private=True) for name in self.private_types}
        for name, section in self.types.items():
            private = section.private
            if private is None and name in self.private_types:
                private = True
            overrides[name] = TypeOverride(section.ttl_seconds, private)
        return CachePolicy(
            default_ttl_seconds=self.default_ttl_seconds,
            max_ttl_seconds=self.max_ttl_seconds,
            overrides=overrides,
        )


class EntityCachePlugin(RouterPlugin):
    name = "entity_cache"

    def __init__(
        self, section: EntityCacheSection, store: KeyValueStore, bus: EventBus | None
    ) -> None:
        self.cache = EntityCache(store, section.max_ttl_seconds)
        self._policy = section.policy()
        self._hinted: tuple[str, CachePolicy] | None = None
        self.consumer = InvalidationConsumer(bus, self.cache) if bus is not None else None
        self._starting: asyncio.Task[None] | None = None

    async def on_operation(self, operation: Operation) -> None:
        self._start_consumer()
        subject = operation.principal.subject if operation.principal.is_authenticated else None
        request = CacheRequest(
            self.cache, self._policy_for(operation.gateway), subject, operation.kind == "query"
        )
        operation.state[self.name] = (request, CURRENT_REQUEST.set(request))

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        held = operation.state.pop(self.name, None)
        if held is None:
            return result
        request, token = held
        _reset(token)
        asked = operation.request_extensions.get("cache") is True
        if asked or operation.headers.get(STATS_HEADER, "").lower() == "true":
            operation.extensions["cache"] = request.stats.as_extension(request.reads)
        return result

    async def aclose(self) -> None:
        if self._starting is not None:
            self._starting.cancel()
        if self.consumer is not None:
            await self.consumer.stop()
        await self.cache.store.close()

    def _policy_for(self, gateway: Any) -> CachePolicy:
        """The config's policy over the serving supergraph's ``@cacheControl`` hints."""
        supergraph = getattr(gateway, "supergraph", None)
        if not isinstance(supergraph, Supergraph):
            return self._policy
        if self._hinted is None or self._hinted[0] != supergraph.sdl:
            hints = read_cache_hints(supergraph.sdl)
            policy = self._policy.with_hints(hints, supergraph.api_schema)
            self._hinted = (supergraph.sdl, policy)
        return self._hinted[1]

    def _start_consumer(self) -> None:
        if self.consumer is None:
            return
        if self._starting is None or (self._starting.done() and self._starting.exception()):
            self._starting = asyncio.create_task(self._start(self.consumer))

    @staticmethod
    async def _start(consumer: InvalidationConsumer) -> None:
        try:
            await consumer.start()
        except Exception as exc:  # retried by the next operation
            log.warning("entity_cache_events_not_started", error=repr(exc))
            raise


def _reset(token: Token[CacheRequest | None]) -> None:
    # ValueError: set in another context (never for HTTP); nothing leaks from there
    with contextlib.suppress(ValueError):
        CURRENT_REQUEST.reset(token)
