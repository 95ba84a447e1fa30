"""Redis adapter of the key-value port (``redis://`` / ``rediss://``), on ``redis.asyncio``.

One connection pool per store (``decode_responses=False``: values stay ``bytes``). Atomic
read-modify-write operations (``incr`` with a TTL, ``compare_and_set``) are Lua scripts, so
they are single Redis commands, and so is ``hset`` (fields and expiry in one step).
Each ``subscribe`` holds its own pub/sub connection from the pool and waits for Redis to
confirm the subscription before the context is entered. Redis errors are translated to the
port's exceptions (:class:`~shopgraph.kv.port.WrongTypeError`, ...).

``redis://host:port/db?namespace=x`` prefixes every key and channel on the server with
``x:``, so several platforms (parallel test runs, staging beside dev) can share one Redis
without seeing each other's keys or messages; callers keep using the unprefixed names.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis import exceptions as redis_errors
from redis.typing import EncodableT

from shopgraph.kv.port import (
    KeyValueError,
    KeyValueUnavailableError,
    NotAnIntegerError,
    WrongTypeError,
    ttl_milliseconds,
)

# KEYS[1] key; ARGV[1] amount, ARGV[2] ttl in ms (0: none). The TTL is set only when the
# INCRBY creates the key, in the same atomic step.
_INCR = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and tonumber(ARGV[2]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
"""

# KEYS[1] key; ARGV[1] '1' when the key must be absent, ARGV[2] expected value,
# ARGV[3] new value, ARGV[4] ttl in ms (0: none).
_COMPARE_AND_SET = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1
"""

# KEYS[1] key; ARGV[1] ttl in ms (0: leave the expiry as it is), then field, value, ...
# Type check first, so a failing call changes nothing (a MULTI would still run PEXPIRE).
_HSET = """
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'none' and kind ~= 'hash' then
  return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
end
local added = 0
if #ARGV > 1 then
  added = redis.call('HSET', KEYS[1], unpack(ARGV, 2))
end
if tonumber(ARGV[1]) > 0 and (kind == 'hash' or added > 0) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return added
"""

_NAMESPACE = re.compile(r"[A-Za-z0-9_.-]+")

# How long ``subscribe`` waits for Redis to confirm a subscription.
SUBSCRIBE_TIMEOUT_SECONDS = 10.0


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """Raise the port's exceptions instead of redis-py's."""
    try:
        yield
    except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
        raise KeyValueUnavailableError(str(exc)) from exc
    except redis_errors.ResponseError as exc:
        message = str(exc)
        if "WRONGTYPE" in message:
            raise WrongTypeError(message) from exc
        if "not an integer" in message or "overflow" in message:
            raise NotAnIntegerError(message) from exc
        raise KeyValueError(message) from exc


class RedisKeyValueStore:
    """The key-value port on a Redis server."""

    def __init__(self, client: aioredis.Redis, namespace: str = "") -> None:
        if namespace and not _NAMESPACE.fullmatch(namespace):
            raise ValueError(f"invalid Redis namespace {namespace!r}: letters, digits, _ . -")
        self._redis = client
        self._prefix = f"{namespace}:" if namespace else ""
        self._incr = client.register_script(_INCR)
        self._compare_and_set = client.register_script(_COMPARE_AND_SET)
        self._hset = client.register_script(_HSET)

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisKeyValueStore:
        """A store with its own connection pool (``redis://host:port/db``, ``rediss://``;
        ``?namespace=x`` prefixes its keys and channels, see the module docstring)."""
        server_url, namespace = _split_namespace(url)
        options.setdefault("decode_responses", False)
        return cls(aioredis.Redis.from_url(server_url, **options), namespace)

    @property
    def client(self) -> aioredis.Redis:
        """The underlying ``redis.asyncio`` client (tooling, diagnostics)."""
        return self._redis

    def physical(self, name: str) -> str:
        """The server-side name of a key or channel (with the namespace's prefix)."""
        return self._prefix + name

    # -- strings ----------------------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        with _translated():
            value = await self._redis.get(self.physical(key))
        return None if value is None else _as_bytes(value)

    async def set(
        self,
        key: str,
        value: bytes,
        ttl_seconds: float | None = None,
        only_if_absent: bool = False,
    ) -> bool:
        px = None if ttl_seconds is None else ttl_milliseconds(ttl_seconds)
        with _translated():
            written = await self._redis.set(self.physical(key), value, px=px, nx=only_if_absent)
        return bool(written)

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        with _translated():
            return int(await self._redis.delete(*map(self.physical, keys)))

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        with _translated():
            values = await self._redis.mget([self.physical(key) for key in keys])
        return [None if value is None else _as_bytes(value) for value in values]

    async def set_many(self, values: Mapping[str, bytes], ttl_seconds: float) -> None:
        px = ttl_milliseconds(ttl_seconds)
        if not values:
            return
        with _translated():
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(self.physical(key), value, px=px)
                await pipe.execute()

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        with _translated():
            if ttl_seconds is None:
                return int(await self._redis.incrby(self.physical(key), amount))
            px = ttl_milliseconds(ttl_seconds)
            return int(await self._incr(keys=[self.physical(key)], args=[amount, px]))

    async def compare_and_set(
        self,
        key: str,
        expected: bytes | None,
        new: bytes,
        ttl_seconds: float | None = None,
    ) -> bool:
        px = 0 if ttl_seconds is None else ttl_milliseconds(ttl_seconds)
        args = [b"1", b""] if expected is None else [b"0", expected]
        with _translated():
            written = await self._compare_and_set(keys=[self.physical(key)], args=[*args, new, px])
        return bool(written)

    # -- expiry -----------------------------------------------------------------------------

    async def ttl(self, key: str) -> float | None:
        with _translated():
            ms = int(await self._redis.pttl(self.physical(key)))
        return None if ms < 0 else ms / 1000

    async def expire(self, key: str, ttl_seconds: float) -> bool:
        px = ttl_milliseconds(ttl_seconds)
        with _translated():
            return bool(await self._redis.pexpire(self.physical(key), px))

    # -- hashes -----------------------------------------------------------------------------

    async def hgetall(self, key: str) -> dict[str, bytes]:
        with _translated():
            raw = await self._redis.hgetall(self.physical(key))
        return {_as_str(field): _as_bytes(value) for field, value in raw.items()}

    async def hset(
        self, key: str, mapping: Mapping[str, bytes], ttl_seconds: float | None = None
    ) -> int:
        px = 0 if ttl_seconds is None else ttl_milliseconds(ttl_seconds)
        args: list[EncodableT] = [px]
        for field, value in mapping.items():
            args += [field, value]
        with _translated():
            return int(await self._hset(keys=[self.physical(key)], args=args))

    async def hdel(self, key: str, *fields: str) -> int:
        if not fields:
            return 0
        with _translated():
            return int(await self._redis.hdel(self.physical(key), *fields))

    # -- pub/sub ----------------------------------------------------------------------------

    async def publish(self, channel: str, message: bytes) -> None:
        with _translated():
            await self._redis.publish(self.physical(channel), message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        pubsub = self._redis.pubsub()
        try:
            with _translated():
                await pubsub.subscribe(self.physical(channel))
                await self._confirmed(pubsub)
            closed: list[bool] = []
            try:
                yield self._messages(pubsub, closed)
            finally:
                closed.append(True)
                # The connection is dropped right after, which ends the subscription anyway.
                with contextlib.suppress(redis_errors.RedisError, OSError):
                    await pubsub.unsubscribe(self.physical(channel))
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    @staticmethod
    async def _confirmed(pubsub: aioredis.client.PubSub) -> None:
        """Wait until Redis has processed SUBSCRIBE (only then are publications delivered)."""
        try:
            async with asyncio.timeout(SUBSCRIBE_TIMEOUT_SECONDS):
                while True:
                    message = await pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT_SECONDS)
                    if message is not None and message["type"] == "subscribe":
                        return
        except TimeoutError as exc:
            raise KeyValueUnavailableError("Redis did not confirm the subscription") from exc

    @staticmethod
    async def _messages(pubsub: aioredis.client.PubSub, closed: list[bool]) -> AsyncIterator[bytes]:
        while not closed:
            with _translated():
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message["type"] == "message":
                data: bytes = message["data"]
                yield data

    # -- lifecycle --------------------------------------------------------------------------

    async def ping(self) -> None:
        with _translated():
            await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def _split_namespace(url: str) -> tuple[str, str]:
    """``url`` without its ``namespace`` option (redis-py does not know it), and the option."""
    parts = urlsplit(url)
    options = parse_qsl(parts.query, keep_blank_values=True)
    namespaces = [value for name, value in options if name == "namespace"]
    if len(namespaces) > 1:
        raise ValueError(f"invalid Redis URL {url!r}: more than one namespace")
    rest = urlencode([(name, value) for name, value in options if name != "namespace"])
    return urlunsplit(parts._replace(query=rest)), (namespaces or [""])[0]


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _as_str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
