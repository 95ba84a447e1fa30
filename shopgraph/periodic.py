"""A background loop that runs one action every ``interval`` seconds while an app is up
(sweepers: expired reservations, stale pending orders). A failed round is logged and the
next round runs as usual; ``stop`` waits for the round in flight. ``first_delay`` puts off
the first round (jobs that need not run the moment a process starts)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from shopgraph.logging import get_logger

log = get_logger(__name__)


class Periodic:
    def __init__(
        self,
        name: str,
        action: Callable[[], Awaitable[object]],
        interval: float,
        *,
        first_delay: float = 0.0,
    ) -> None:
        self.name = name
        self.action = action
        self.interval = interval
        self.first_delay = first_delay
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        if self.first_delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.first_delay)
        while not self._stopping.is_set():
            try:
                await self.action()
            except Exception:  # logged; the next round tries again
                log.exception("periodic_task_failed", task=self.name, retry_in=self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
