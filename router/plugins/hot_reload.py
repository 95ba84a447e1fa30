"""The current gateway, and swapping it when the supergraph file changes.

:class:`GatewayHolder` is what the server reads on every request; :class:`SupergraphWatcher`
polls the file's modification time and size, builds a new gateway from the new SDL and swaps
it in atomically (one attribute assignment on the event loop). A file that does not build
keeps the old gateway and logs the error. The old gateway is closed after a grace period so
requests already running on it finish.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from router.plugins.ports import GatewayPort
from shopgraph import heap
from shopgraph.logging import get_logger

log = get_logger(__name__)

GatewayFactory = Callable[[str], GatewayPort | Awaitable[GatewayPort]]


class GatewayHolder:
    def __init__(self, gateway: GatewayPort, *, version: str = "initial") -> None:
        self.current = gateway
        self.version = version

    def swap(self, gateway: GatewayPort, version: str) -> GatewayPort:
        old, self.current, self.version = self.current, gateway, version
        return old


class SupergraphWatcher:
    def __init__(
        self,
        path: Path,
        holder: GatewayHolder,
        build: GatewayFactory,
        *,
        interval_seconds: float = 1.0,
        grace_seconds: float = 30.0,
    ) -> None:
        self.path = path
        self.holder = holder
        self.build = build
        self.interval_seconds = interval_seconds
        self.grace_seconds = grace_seconds
        self._seen = self._stamp()
        self._closing: set[asyncio.Task[None]] = set()
        self._retired: list[GatewayPort] = []
        self.last_error: str | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    async def check_once(self) -> bool:
        """Reload if the file changed; True when a new gateway was swapped in."""
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return False
        self._seen = stamp
        try:
            sdl = self.path.read_text()
            built = self.build(sdl)
            gateway = await built if isinstance(built, Awaitable) else built
        except Exception as exc:  # a bad supergraph must not take the router down
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.error("supergraph_reload_failed", path=str(self.path), error=self.last_error)
            return False
        self.last_error = None
        old = self.holder.swap(gateway, version=f"{stamp[0]}")
        heap.settle()
        log.info("supergraph_reloaded", path=str(self.path))
        self._retired.append(old)
        task = asyncio.create_task(self._close_later(old))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return True

    async def _close_later(self, gateway: GatewayPort) -> None:
        await asyncio.sleep(self.grace_seconds)
        await self._close(gateway)

    async def _close(self, gateway: GatewayPort) -> None:
        if gateway not in self._retired:
            return
        self._retired.remove(gateway)
        try:
            await gateway.close()
        except Exception as exc:
            log.warning("old_gateway_close_failed", error=repr(exc))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            await self.check_once()

    async def aclose(self) -> None:
        """Close the gateways still waiting for their grace period (shutdown)."""
        for task in list(self._closing):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        for gateway in list(self._retired):
            await self._close(gateway)
