"""Releases of abandoned checkouts that inventory did not acknowledge in time, tried again
in the background until it does (docs/architecture.md §6, *Abandoned checkouts*).

A ``placeOrder`` that gives up after asking inventory to reserve releases the attempt before
it answers. When inventory is overloaded or restarting, that release can fail too, while the
reserve still lands later: without another try the stock would stay held until the
reservation's TTL (half an hour), and other shoppers would be refused meanwhile. The refusal
is answered at once; the release is repeated here with backoff until inventory acknowledges
it, for at most ``give_up_after_seconds`` (then the TTL frees the stock). A release is
idempotent by order id and attempt, so repeating it never releases another attempt's hold.
Pending releases die with the process; the TTL is the last resort then too.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from shopgraph import request_deadline
from shopgraph.logging import get_logger

log = get_logger(__name__)

Release = Callable[[], Awaitable[None]]

FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 10.0


class PendingReleases:
    def __init__(self, give_up_after_seconds: float) -> None:
        self.give_up_after_seconds = give_up_after_seconds
        self._tasks: set[asyncio.Task[None]] = set()

    def keep_trying(self, order_id: str, release: Release) -> None:
        """Repeat ``release`` in the background until it succeeds."""
        task = asyncio.create_task(self._retry(order_id, release), name=f"release:{order_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Until every pending release has been acknowledged (or given up)."""
        await asyncio.gather(*self._tasks)

    async def _retry(self, order_id: str, release: Release) -> None:
        give_up_at = time.monotonic() + self.give_up_after_seconds
        pause = FIRST_PAUSE_SECONDS
        while True:
            await asyncio.sleep(pause)
            try:
                with request_deadline.within(None):  # its own budget, not the gone request's
                    await release()
            except Exception as exc:
                if time.monotonic() + pause > give_up_at:
                    log.error("abandoned_checkout_release_gave_up", order_id=order_id)
                    return
                log.info("abandoned_checkout_release_retrying", order_id=order_id, error=str(exc))
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
                continue
            log.info("abandoned_checkout_released_later", order_id=order_id)
            return

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
