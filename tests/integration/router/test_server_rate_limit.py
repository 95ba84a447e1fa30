"""Fixed-window rate limits on both key-value columns (in-process store and real Redis)."""

from __future__ import annotations

import asyncio
import uuid

from router.plugins.rate_limit import FixedWindowRateLimiter, client_key
from shopgraph.kv import kv_from_url


async def test_fixed_window_counts_per_client_and_says_when_to_retry(kv_url: str) -> None:
    store = kv_from_url(kv_url)
    prefix = f"test-rate-{uuid.uuid4().hex[:8]}"
    limiter = FixedWindowRateLimiter(store, limit=3, window_seconds=30, prefix=prefix)
    try:
        alice, bob = client_key("Bearer a", None), client_key(None, "10.0.0.2")
        decisions = [await limiter.hit(alice) for _ in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
        assert 1 <= decisions[3].retry_after_seconds <= 30
        assert (await limiter.hit(bob)).allowed
    finally:
        await store.close()


async def test_the_window_ends(kv_url: str) -> None:
    store = kv_from_url(kv_url)
    limiter = FixedWindowRateLimiter(
        store, limit=1, window_seconds=0.3, prefix=f"test-rate-{uuid.uuid4().hex[:8]}"
    )
    try:
        assert (await limiter.hit("c")).allowed
        assert not (await limiter.hit("c")).allowed
        await asyncio.sleep(0.4)
        assert (await limiter.hit("c")).allowed
    finally:
        await store.close()
