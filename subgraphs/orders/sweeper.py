"""The background loop that cancels orders left ``PENDING`` too long (started and stopped
with the app).

Every ``interval`` seconds it calls :meth:`OrderService.cancel_stale_pending`; each
cancellation is a conditional transition, so several app processes may sweep the same
database at once and an order is still cancelled once (and never after it was paid).
"""

from __future__ import annotations

import asyncio
import contextlib

from shopgraph.logging import get_logger
from subgraphs.orders.service import OrderService

log = get_logger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0


class Sweeper:
    def __init__(self, orders: OrderService, interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
        self.orders = orders
        self.interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="orders-pending-sweeper")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.orders.cancel_stale_pending()
            except Exception:  # a failed sweep is logged and tried again next round
                log.exception("pending_sweep_failed", retry_in=self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
