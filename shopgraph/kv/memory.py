"""In-process key-value store: the embedded adapter of the key-value port (``memory://``).

It keeps Redis's semantics (see :mod:`shopgraph.kv.port`) so code and tests behave the same
on both columns. Every operation runs without awaiting anything in between, so on one event
loop each one is atomic, like a Redis command: concurrent ``incr`` or ``compare_and_set``
calls from many tasks never interleave. Expiry uses the monotonic clock; expired keys are
dropped when touched and by a periodic sweep. Pub/sub gives each subscriber its own
:class:`asyncio.Queue`.

Stores are shared process-wide by URL: every service of ``make dev`` that opens
``memory://`` gets the same store; ``memory://<name>`` is a separate, isolated store
(tests). Nothing survives the process.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from shopgraph.kv.port import NotAnIntegerError, WrongTypeError, ttl_milliseconds

_STORES: dict[str, InMemoryKeyValueStore] = {}
_INTEGER = re.compile(rb"-?[1-9][0-9]*|0")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_SWEEP_EVERY = 1024  # writes between two sweeps of expired keys
_CLOSED = object()


def memory_store(url: str = "memory://") -> InMemoryKeyValueStore:
    """The process-wide store for ``url`` (created on first use)."""
    name = url.removeprefix("memory://").strip("/")
    store = _STORES.get(name)
    if store is None:
        store = _STORES[name] = InMemoryKeyValueStore(name)
    return store


def drop_memory_store(url: str) -> None:
    """Forget the store for ``url`` (tests); its current holders keep a detached copy."""
    _STORES.pop(url.removeprefix("memory://").strip("/"), None)


@dataclass(slots=True)
class _Entry:
    value: bytes | dict[str, bytes]
    expires_at: float | None = None


class InMemoryKeyValueStore:
    """Strings, hashes, expiry and pub/sub held in this process's memory."""

    def __init__(self, name: str = "", clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self._clock = clock
        self._data: dict[str, _Entry] = {}
        self._subscribers: dict[str, list[asyncio.Queue[object]]] = {}
        self._writes = 0

    # -- strings ----------------------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return None if entry is None else self._string(entry)

    async def set(
        self,
        key: str,
        value: bytes,
        ttl_seconds: float | None = None,
        only_if_absent: bool = False,
    ) -> bool:
        expires_at = self._expires_at(ttl_seconds)
        if only_if_absent and self._live(key) is not None:
            return False
        self._write(key, _Entry(bytes(value), expires_at))
        return True

    async def delete(self, *keys: str) -> int:
        removed = 0
        for key in keys:
            if self._live(key) is not None:
                del self._data[key]
                removed += 1
        return removed

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        values: list[bytes | None] = []
        for key in keys:
            entry = self._live(key)
            values.append(None if entry is None else self._string(entry))
        return values

    async def set_many(self, values: Mapping[str, bytes], ttl_seconds: float) -> None:
        expires_at = self._expires_at(ttl_seconds)
        for key, value in values.items():
            self._write(key, _Entry(bytes(value), expires_at))

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        expires_at = self._expires_at(ttl_seconds)
        entry = self._live(key)
        if entry is None:
            current = 0
        else:
            raw = self._string(entry)
            if not _INTEGER.fullmatch(raw) or not _INT64_MIN <= int(raw) <= _INT64_MAX:
                raise NotAnIntegerError("value is not an integer or out of range")
            current = int(raw)
        result = current + amount
        if not _INT64_MIN <= result <= _INT64_MAX:
            raise NotAnIntegerError("increment or decrement would overflow")
        if entry is None:
            self._write(key, _Entry(str(result).encode(), expires_at))
        else:
            entry.value = str(result).encode()
        return result

    async def compare_and_set(
        self,
        key: str,
        expected: bytes | None,
        new: bytes,
        ttl_seconds: float | None = None,
    ) -> bool:
        expires_at = self._expires_at(ttl_seconds)
        entry = self._live(key)
        current = None if entry is None else self._string(entry)
        if current != expected:
            return False
        self._write(key, _Entry(bytes(new), expires_at))
        return True

    # -- expiry -----------------------------------------------------------------------------

    async def ttl(self, key: str) -> float | None:
        entry = self._live(key)
        if entry is None or entry.expires_at is None:
            return None
        return max(0.0, entry.expires_at - self._clock())

    async def expire(self, key: str, ttl_seconds: float) -> bool:
        expires_at = self._expires_at(ttl_seconds)
        entry = self._live(key)
        if entry is None:
            return False
        entry.expires_at = expires_at
        return True

    # -- hashes -----------------------------------------------------------------------------

    async def hgetall(self, key: str) -> dict[str, bytes]:
        entry = self._live(key)
        return {} if entry is None else dict(self._hash(entry))

    async def hset(
        self, key: str, mapping: Mapping[str, bytes], ttl_seconds: float | None = None
    ) -> int:
        expires_at = self._expires_at(ttl_seconds)
        entry = self._live(key)
        fields = {} if entry is None else self._hash(entry)
        added = sum(1 for field in mapping if field not in fields)
        if entry is None:
            if not mapping:
                return 0
            entry = _Entry(fields)
            self._write(key, entry)
        fields.update((field, bytes(value)) for field, value in mapping.items())
        if expires_at is not None:
            entry.expires_at = expires_at
        return added

    async def hdel(self, key: str, *fields: str) -> int:
        entry = self._live(key)
        if entry is None or not fields:
            return 0
        values = self._hash(entry)
        removed = sum(1 for field in fields if values.pop(field, None) is not None)
        if not values:
            del self._data[key]
        return removed

    # -- pub/sub ----------------------------------------------------------------------------

    async def publish(self, channel: str, message: bytes) -> None:
        for queue in self._subscribers.get(channel, ()):
            queue.put_nowait(bytes(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._subscribers.setdefault(channel, []).append(queue)
        try:
            yield self._messages(queue)
        finally:
            subscribers = self._subscribers.get(channel, [])
            if queue in subscribers:
                subscribers.remove(queue)
            if not subscribers:
                self._subscribers.pop(channel, None)
            queue.put_nowait(_CLOSED)

    def subscriber_count(self, channel: str) -> int:
        """How many subscriptions to ``channel`` are open (tests, tooling)."""
        return len(self._subscribers.get(channel, ()))

    @staticmethod
    async def _messages(queue: asyncio.Queue[object]) -> AsyncIterator[bytes]:
        while True:
            item = await queue.get()
            if not isinstance(item, bytes):  # _CLOSED: the subscription was exited
                queue.put_nowait(item)
                return
            yield item

    # -- lifecycle --------------------------------------------------------------------------

    async def ping(self) -> None:
        """Always reachable."""

    async def close(self) -> None:
        """Other services of the process may still use the shared store: keep its state."""

    # -- internals --------------------------------------------------------------------------

    def _expires_at(self, ttl_seconds: float | None) -> float | None:
        if ttl_seconds is None:
            return None
        return self._clock() + ttl_milliseconds(ttl_seconds) / 1000

    def _live(self, key: str) -> _Entry | None:
        entry = self._data.get(key)
        expires_at = None if entry is None else entry.expires_at
        if expires_at is not None and expires_at <= self._clock():
            del self._data[key]
            return None
        return entry

    def _write(self, key: str, entry: _Entry) -> None:
        self._data[key] = entry
        self._writes += 1
        if self._writes % _SWEEP_EVERY == 0:
            now = self._clock()
            expired = [
                k for k, e in self._data.items() if e.expires_at is not None and e.expires_at <= now
            ]
            for k in expired:
                del self._data[k]

    @staticmethod
    def _string(entry: _Entry) -> bytes:
        if not isinstance(entry.value, bytes):
            raise WrongTypeError("operation against a key holding a hash")
        return entry.value

    @staticmethod
    def _hash(entry: _Entry) -> dict[str, bytes]:
        if not isinstance(entry.value, dict):
            raise WrongTypeError("operation against a key holding a string value")
        return entry.value
