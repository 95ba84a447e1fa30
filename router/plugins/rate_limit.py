"""Per-client fixed-window rate limits on the key-value port (``incr`` with a TTL).

The window starts with the client's first request (the key is created with the TTL), so
every instance of the router behind the same Redis shares one counter per client.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from router.plugins.headers import normalized_authorization
from shopgraph.kv.port import KeyValueStore


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


class FixedWindowRateLimiter:
    def __init__(
        self,
        store: KeyValueStore,
        *,
        limit: int,
        window_seconds: float,
        prefix: str = "router:rate",
    ) -> None:
        if limit <= 0 or window_seconds <= 0:
            raise ValueError("limit and window_seconds must be positive")
        self.store = store
        self.limit = limit
        self.window_seconds = window_seconds
        self.prefix = prefix

    async def hit(self, client: str) -> RateDecision:
        key = f"{self.prefix}:{client}"
        count = await self.store.incr(key, 1, ttl_seconds=self.window_seconds)
        if count <= self.limit:
            return RateDecision(True, self.limit, self.limit - count, 0)
        ttl = await self.store.ttl(key)
        if ttl is None:  # a counter that lost its expiry would block the client forever
            await self.store.expire(key, self.window_seconds)
            ttl = self.window_seconds
        return RateDecision(False, self.limit, 0, max(1, math.ceil(ttl)))

    async def spend(self, client: str, amount: int) -> RateDecision:
        """Take ``amount`` from the client's budget for this window; a refused spend is given
        back, so a request that does not fit takes nothing (a cost budget)."""
        key = f"{self.prefix}:{client}"
        total = await self.store.incr(key, amount, ttl_seconds=self.window_seconds)
        if total <= self.limit:
            return RateDecision(True, self.limit, self.limit - total, 0)
        await self.store.incr(key, -amount, ttl_seconds=self.window_seconds)
        ttl = await self.store.ttl(key)
        if ttl is None:
            await self.store.expire(key, self.window_seconds)
            ttl = self.window_seconds
        return RateDecision(
            False, self.limit, max(0, self.limit - total + amount), max(1, math.ceil(ttl))
        )


def client_key(authorization: str | None, client_host: str | None) -> str:
    """Who is counted: the bearer credential (hashed, never stored) or the client address.
    A blank-looking credential is no credential: it counts against the address."""
    authorization = normalized_authorization(authorization)
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
    return "ip:" + (client_host or "unknown")
