"""The background loop that expires reservations (started and stopped with the app).

Every ``interval`` seconds it calls :meth:`ReservationService.sweep_expired`; each expiry
re-checks the reservation under its row lock, so several app processes may sweep the same
database at once and still return a reservation's units exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib

from shopgraph.logging import get_logger
from subgraphs.inventory.reservations import ReservationService

log = get_logger(__name__)

DEFAULT_INTERVAL_SECONDS = 5.0


class Sweeper:
    def __init__(
        self, reservations: ReservationService, interval: float = DEFAULT_INTERVAL_SECONDS
    ) -> None:
        self.reservations = reservations
        self.interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="inventory-reservation-sweeper")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.reservations.sweep_expired()
            except Exception:  # a failed sweep is logged and tried again next round
                log.exception("reservation_sweep_failed", retry_in=self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
