"""Runs several ASGI apps and background loops in one process and one event loop.

``make dev`` uses this to serve every subgraph (one uvicorn server per port), the router and
the workers together, so the in-process bus and store are shared. Ctrl-C or SIGTERM stops
every piece: servers drain, background tasks are cancelled after their ``stop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Awaitable, Callable, Coroutine, Generator, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn
import uvloop
from starlette.types import ASGIApp

from shopgraph import heap
from shopgraph.http_deadlines import (
    DEFAULT_HEADER_TIMEOUT_SECONDS,
    MAX_INCOMPLETE_EVENT_BYTES,
    header_deadline_protocol,
)
from shopgraph.logging import get_logger

log = get_logger(__name__)

SERVER_KEEP_ALIVE_SECONDS = 75


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`run_together`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@dataclass(frozen=True)
class Served:
    name: str
    app: ASGIApp
    host: str
    port: int
    # A socket already bound to host:port (e.g. SO_REUSEPORT for several processes on one
    # port); uvicorn binds its own when None.
    sock: socket.socket | None = None


@dataclass(frozen=True)
class Background:
    """A long-running loop: ``run`` until ``stop`` is awaited."""

    name: str
    run: Callable[[], Coroutine[Any, Any, None]]
    stop: Callable[[], Awaitable[None]]


def run_on_uvloop(main: Coroutine[Any, Any, None]) -> None:
    """Run a server process's main coroutine on uvloop (uvicorn's fastest event loop)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


async def run_together(
    served: Sequence[Served],
    background: Sequence[Background] = (),
    *,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
    header_timeout_seconds: float = DEFAULT_HEADER_TIMEOUT_SECONDS,
) -> None:
    """Serve every app and run every loop until a signal (when ``handle_signals``) or
    ``stop`` is set. A connection must deliver each request's headers within
    ``header_timeout_seconds`` (see :mod:`shopgraph.http_deadlines`)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    servers = [
        _QuietServer(
            uvicorn.Config(
                item.app,
                host=item.host,
                port=item.port,
                log_config=None,
                # Off rather than filtered: uvicorn formats each request's access-log
                # arguments before the logger drops them (it is set to WARNING).
                access_log=False,
                lifespan="on",
                ws="websockets-sansio",
                http=header_deadline_protocol(header_timeout_seconds),
                h11_max_incomplete_event_size=MAX_INCOMPLETE_EVENT_BYTES,
                timeout_graceful_shutdown=5,
                # Longer than the callers' pool expiry (httpx: 5 s), so an idle keep-alive
                # connection is always dropped by the caller first: uvicorn's default of 5 s
                # raced it and reset a request now and then (docs/architecture.md §6).
                timeout_keep_alive=SERVER_KEEP_ALIVE_SECONDS,
            )
        )
        for item in served
    ]
    server_tasks = [
        asyncio.create_task(
            server.serve(sockets=[item.sock] if item.sock is not None else None),
            name=f"serve:{item.name}",
        )
        for server, item in zip(servers, served, strict=True)
    ]
    while not all(server.started for server in servers):
        crashed = [task for task in server_tasks if task.done()]
        if crashed:
            stop.set()
            break
        await asyncio.sleep(0.05)
    loop_tasks = [asyncio.create_task(item.run(), name=item.name) for item in background]
    if not stop.is_set():
        heap.settle()  # start-up's long-lived objects stay out of every later collection
        log.info("all_started", servers=[f"{s.name}:{s.port}" for s in served])
        if ready is not None:
            ready.set()

    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait([waiter, *server_tasks, *loop_tasks], return_when=asyncio.FIRST_COMPLETED)
    # A loop that ended on its own before any stop (a worker whose setup refused to start)
    # fails the process below, like a crashed server.
    ended_early = [task for task in loop_tasks if task.done()]
    log.info("stopping")
    # All at once: each loop finishes its own work and commits its own offsets, none waits
    # for another, so ten worker groups stop in the time of the slowest, not of all ten.
    await asyncio.gather(*(item.stop() for item in background), return_exceptions=True)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*server_tasks, return_exceptions=True)
    for task in loop_tasks:
        task.cancel()
    await asyncio.gather(*loop_tasks, return_exceptions=True)
    waiter.cancel()
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(sig)
    for task in [*server_tasks, *ended_early]:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise RuntimeError(f"{task.get_name()} failed") from task.exception()
