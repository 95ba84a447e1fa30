"""Several router processes on one port, for more than one core.

Each worker is a forked copy of the CLI process that binds its own ``SO_REUSEPORT`` socket
to the same address, so the kernel spreads incoming connections across the workers; each
builds its own gateway, connection pools and event loop (uvloop). The parent only
supervises: SIGINT/SIGTERM are passed on to every worker, and when one worker exits the
others are stopped and the parent exits with the first failing worker's code.

In-process state is per worker: the in-memory rate limiter counts per worker (use Redis to
share it) and a supergraph reload happens in each worker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable, Coroutine
from typing import Any

from shopgraph.runner import run_on_uvloop

WorkerMain = Callable[[socket.socket | None], Coroutine[Any, Any, None]]


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve_workers(count: int, host: str, port: int, main: WorkerMain) -> int:
    """Run ``main`` in ``count`` forked workers sharing host:port; the exit code to use."""
    if count < 1:
        raise ValueError(f"--workers must be at least 1, got {count}")
    if count == 1:
        run_on_uvloop(main(None))
        return 0
    _refuse_busy_port(host, port)
    children: list[int] = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                run_on_uvloop(main(reuse_port_socket(host, port)))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    return _supervise(children)


def _refuse_busy_port(host: str, port: int) -> None:
    """Fail before forking when something that is not a reuse-port sibling holds the port."""
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        probe.bind((host, port))
    finally:
        probe.close()


def _supervise(children: list[int]) -> int:
    def forward(signum: int, _frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    exit_code = 0
    running = set(children)
    while running:
        pid, status = os.wait()
        if pid not in running:
            continue
        running.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and exit_code == 0:
            exit_code = code if code > 0 else 1
        for other in running:  # one worker gone: stop the others
            with contextlib.suppress(ProcessLookupError):
                os.kill(other, signal.SIGTERM)
    return exit_code
