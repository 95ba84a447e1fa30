"""Closed-loop HTTP load from Python: C clients, each sending its next request as soon as the
previous one answered, for D seconds. ``make bench`` drives its gateways with autocannon
(``loadgen.py``); the benches of one subgraph (``auth.py``, ``search.py``) use this loop."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LoopResult:
    latencies: list[float]
    """Seconds each successful request took."""
    errors: int
    elapsed: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile_ms(self, percent: int) -> float:
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=100)[percent - 1] * 1000


async def closed_loop(
    request: Callable[[], Awaitable[bool]], duration: float, connections: int
) -> LoopResult:
    """Run ``request`` (one HTTP exchange; True when it succeeded) from ``connections``
    concurrent clients until ``duration`` seconds have passed."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def client() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            succeeded = await request()
            took = time.perf_counter() - started
            if succeeded:
                latencies.append(took)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return LoopResult(latencies, errors, time.perf_counter() - started)
