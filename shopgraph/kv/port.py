"""The key-value port (docs/architecture.md §3): carts, rate limits, idempotency keys and pub/sub.

Two adapters implement :class:`KeyValueStore` with the same semantics, chosen by URL
(:func:`shopgraph.kv.kv_from_url`): ``memory://`` (in-process, :mod:`shopgraph.kv.memory`)
and ``redis://`` / ``rediss://`` (:mod:`shopgraph.kv.redis`).

Semantics both adapters keep (they are Redis's):

* keys are ``str``; string values and hash field values are ``bytes``;
* a key holds either a string value (``get``/``set``/``incr``/``compare_and_set``) or a
  hash (``hgetall``/``hset``/``hdel``); using the wrong kind raises :class:`WrongTypeError`
  (``set`` without ``only_if_absent`` replaces a key of either kind, as Redis ``SET`` does);
* ``ttl_seconds`` is a positive number of seconds (fractions allowed, millisecond
  precision); ``None`` means "no expiry" for ``set`` and ``compare_and_set`` (which replace
  the key, and with it any previous expiry) and "leave the expiry as it is" for
  ``incr`` on an existing key and for ``hset``;
* an expired key is indistinguishable from one that never existed;
* a hash whose last field is deleted no longer exists;
* pub/sub is fire-and-forget: a subscriber gets, in publication order, the messages
  published on its channel after its ``subscribe`` context was entered and before it was
  exited; nothing is stored for absent subscribers.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class KeyValueError(Exception):
    """Base class of the errors the key-value adapters raise."""


class WrongTypeError(KeyValueError, TypeError):
    """A string operation on a hash key, or a hash operation on a string key."""


class NotAnIntegerError(KeyValueError, ValueError):
    """``incr`` on a value that is not a 64-bit decimal integer, or that would overflow."""


class KeyValueUnavailableError(KeyValueError, ConnectionError):
    """The store cannot be reached (raised by ``ping`` and, for Redis, by any operation)."""


def ttl_milliseconds(ttl_seconds: float) -> int:
    """Validate a TTL and convert it to whole milliseconds (at least 1)."""
    if not math.isfinite(ttl_seconds) or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be a positive number, got {ttl_seconds!r}")
    return max(1, math.ceil(ttl_seconds * 1000))


class KeyValueStore(Protocol):
    """What services use for carts, rate limits, idempotency and status fan-out."""

    async def get(self, key: str) -> bytes | None:
        """The value of ``key``, or ``None`` when it does not exist."""
        ...

    async def set(
        self,
        key: str,
        value: bytes,
        ttl_seconds: float | None = None,
        only_if_absent: bool = False,
    ) -> bool:
        """Store ``value``; with ``only_if_absent`` only when ``key`` does not exist.

        Returns whether the value was written.
        """
        ...

    async def delete(self, *keys: str) -> int:
        """Remove the keys; returns how many existed."""
        ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order (``None`` where a key does not exist), in one
        round trip (Redis ``MGET``)."""
        ...

    async def set_many(self, values: Mapping[str, bytes], ttl_seconds: float) -> None:
        """Store every ``key -> value`` with the same expiry, in one round trip."""
        ...

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        """Atomically add ``amount`` (a missing key counts as 0) and return the new value.

        ``ttl_seconds`` applies only when this call creates the key (fixed-window counters);
        key creation and expiry are one atomic step.
        """
        ...

    async def compare_and_set(
        self,
        key: str,
        expected: bytes | None,
        new: bytes,
        ttl_seconds: float | None = None,
    ) -> bool:
        """Atomically set ``key`` to ``new`` if its value is ``expected``.

        ``expected=None`` means "only if the key does not exist". Returns whether the value
        was written.
        """
        ...

    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; ``None`` if it has no expiry or does not exist."""
        ...

    async def hgetall(self, key: str) -> dict[str, bytes]:
        """All fields of the hash ``key`` (empty when it does not exist)."""
        ...

    async def hset(
        self, key: str, mapping: Mapping[str, bytes], ttl_seconds: float | None = None
    ) -> int:
        """Set fields of the hash ``key``; with ``ttl_seconds`` (re)set the key's expiry.

        Fields and expiry are written atomically. Returns the number of new fields.
        """
        ...

    async def hdel(self, key: str, *fields: str) -> int:
        """Remove fields of the hash ``key``; returns how many existed."""
        ...

    async def expire(self, key: str, ttl_seconds: float) -> bool:
        """Set the expiry of ``key``; returns ``False`` when it does not exist."""
        ...

    async def publish(self, channel: str, message: bytes) -> None:
        """Send ``message`` to every current subscriber of ``channel`` (in any process)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """Subscribe to ``channel``: ``async with store.subscribe(ch) as messages:``.

        The subscription is established when the context is entered; every message
        published afterwards is delivered in order by ``async for m in messages``. Exiting
        the context unsubscribes (and ends the iteration).
        """
        ...

    async def ping(self) -> None:
        """Check the store is reachable; raises :class:`KeyValueUnavailableError` if not."""
        ...

    async def close(self) -> None:
        """Release connections (the shared in-process store keeps its data)."""
        ...
