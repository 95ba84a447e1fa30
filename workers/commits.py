"""Offsets committed in the background of a busy consumer: at most every ``interval``.

Committing after every small batch costs a broker round trip per batch, and under load a
batch is often one or two events. The runtime hands the applied deliveries here; they are
committed once ``interval`` has passed since the last commit, when the consumer is idle
(a fetch returned nothing), and when it stops gracefully. A crash redelivers what was
applied but not yet committed (at most ``interval`` worth): the handlers' inbox claims
absorb it, as they absorb every redelivery (at-least-once).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from shopgraph.events.bus import Consumer, Delivery


class DeferredCommits:
    def __init__(
        self,
        consumer: Consumer,
        interval_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.consumer = consumer
        self.interval_seconds = interval_seconds
        self._clock = clock
        self._pending: list[Delivery] = []
        self._last = clock()

    def add(self, applied: Sequence[Delivery]) -> None:
        self._pending.extend(applied)

    async def commit_due(self, *, idle: bool) -> None:
        """Commit if ``interval`` has passed since the last commit, or if ``idle``."""
        if idle or self._clock() - self._last >= self.interval_seconds:
            await self.flush()

    async def flush(self) -> None:
        """Commit everything applied so far."""
        pending, self._pending = self._pending, []
        self._last = self._clock()
        if pending:
            await self.consumer.commit(pending)
