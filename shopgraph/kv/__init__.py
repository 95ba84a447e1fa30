"""Key-value port (docs/architecture.md §3): carts, rate limits, idempotency keys, pub/sub fan-out.

``kv_from_url(settings.kv_url)`` gives the adapter for the configured URL: ``memory://``
(in-process, shared by every service of ``make dev``; ``memory://<name>`` is isolated) or
``redis://host:port/db`` / ``rediss://…``.
"""

from __future__ import annotations

from shopgraph.kv.memory import InMemoryKeyValueStore, drop_memory_store, memory_store
from shopgraph.kv.port import (
    KeyValueError,
    KeyValueStore,
    KeyValueUnavailableError,
    NotAnIntegerError,
    WrongTypeError,
)
from shopgraph.kv.redis import RedisKeyValueStore

__all__ = [
    "InMemoryKeyValueStore",
    "KeyValueError",
    "KeyValueStore",
    "KeyValueUnavailableError",
    "NotAnIntegerError",
    "RedisKeyValueStore",
    "WrongTypeError",
    "drop_memory_store",
    "kv_from_url",
    "memory_store",
]


def kv_from_url(url: str) -> KeyValueStore:
    """The store for ``url``: the shared in-process one for ``memory://…``, else Redis.

    A Redis store owns a connection pool: ``close()`` it when done. Closing the in-process
    store does nothing (other services of the process share it).
    """
    if url.startswith("memory://"):
        return memory_store(url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisKeyValueStore.from_url(url)
    raise ValueError(f"unsupported key-value URL {url!r}: use memory:// or redis://host:port/db")
