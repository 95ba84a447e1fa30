"""The entity cache's hook in execution: a transport in front of the subgraph transport.

The entity-cache plugin (:mod:`router.plugins.entity_cache`) sets :data:`CURRENT_REQUEST`
for each client operation; the executor's fetches run in tasks copied from that context,
so each ``_entities`` request here knows its caller. Without a current request (cache
disabled, subscriptions, the audit adapter) and for anything but an entity fetch, requests
pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from router.entity_cache import CacheRequest
from router.entity_cache_fetch import EntityFetchShapes
from router.executor_transport import Transport

CURRENT_REQUEST: ContextVar[CacheRequest | None] = ContextVar(
    "shopgraph_entity_cache_request", default=None
)


class EntityCachingTransport:
    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self._shapes = EntityFetchShapes()

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        request = CURRENT_REQUEST.get()
        query = body.get("query")
        if request is None or not request.reads or not isinstance(query, str):
            return await self.inner.send(service, url, body, headers)
        shape = self._shapes.of(query)
        if shape is None:
            return await self.inner.send(service, url, body, headers)

        async def send(asked: dict[str, Any]) -> dict[str, Any]:
            return await self.inner.send(service, url, asked, headers)

        return await request.cache.fetch(service, body, shape, request, send)

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
