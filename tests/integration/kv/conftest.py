"""A store per test on each column of ``kv_url``, with keys no other test (or run) uses."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from shopgraph.kv import (
    InMemoryKeyValueStore,
    KeyValueStore,
    RedisKeyValueStore,
    drop_memory_store,
    kv_from_url,
)


@dataclass
class KV:
    store: KeyValueStore
    prefix: str = field(default_factory=lambda: f"sgtest:{uuid.uuid4().hex[:12]}:")
    used: list[str] = field(default_factory=list)

    def key(self, name: str) -> str:
        """A key (or channel) private to this test; deleted at teardown."""
        full = self.prefix + name
        self.used.append(full)
        return full

    async def subscriber_count(self, channel: str) -> int:
        """Open subscriptions to ``channel`` (seen by the server, for Redis)."""
        if isinstance(self.store, RedisKeyValueStore):
            counts = await self.store.client.pubsub_numsub(self.store.physical(channel))
            return int(counts[0][1])
        assert isinstance(self.store, InMemoryKeyValueStore)
        return self.store.subscriber_count(channel)


@pytest.fixture
async def kv(kv_url: str) -> AsyncIterator[KV]:
    store = kv_from_url(kv_url)
    helper = KV(store)
    try:
        yield helper
    finally:
        await store.delete(*helper.used)
        await store.close()
        if kv_url.startswith("memory://"):
            drop_memory_store(kv_url)
