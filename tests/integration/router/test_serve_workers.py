"""``shopgraph router serve --workers N``: N processes answer on one port and stop together.

Each wait is for a condition (the port answers, every worker listens), bounded generously so
that a heavily loaded machine only makes the tests slower, never failing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.platform import free_port as _free_port

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SHOPGRAPH = Path(sys.executable).parent / "shopgraph"
# Starting the CLI (imports, supergraph) takes a second on a quiet machine, far longer on a
# loaded one; no wait below ends sooner than its condition unless this much time passed.
PATIENCE_SECONDS = 180


def _serve(port: int, *extra: str) -> subprocess.Popen[bytes]:
    serve = [str(SHOPGRAPH), "router", "serve", "--supergraph", str(SUPERGRAPH)]
    return subprocess.Popen(
        [*serve, "--port", str(port), "--rate-limit", "0", "--no-verify-tokens", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SHOPGRAPH_LOG_LEVEL": "WARNING"},
    )


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def _listening_socket_inodes(port: int) -> set[str]:
    """The inodes of the sockets listening on ``port`` (``/proc/net/tcp``, state 0A)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    return inodes


def _wait_until(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else b""
            raise AssertionError(f"the router exited ({process.returncode}): {output!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {PATIENCE_SECONDS} s: {condition.__doc__}")
        time.sleep(0.1)


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    def healthy() -> bool:
        """the router answers /health"""
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False

    _wait_until(healthy, process)


def _wait_every_worker_listening(port: int, process: subprocess.Popen[bytes]) -> list[int]:
    """The workers, once each listens on ``port`` (so each handles SIGTERM as a server)."""

    def every_worker_listens() -> bool:
        """both workers listen on the port"""
        listening = _listening_socket_inodes(port)
        workers = _children(process.pid)
        return len(workers) == 2 and all(_socket_inodes(pid) & listening for pid in workers)

    _wait_until(every_worker_listens, process)
    return _children(process.pid)


@pytest.fixture
def two_workers() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    process = _serve(port, "--workers", "2")
    try:
        _wait_healthy(port, process)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_two_workers_serve_one_port_and_stop_together(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = two_workers
    workers = _wait_every_worker_listening(port, process)
    for _ in range(20):  # fresh connections: the kernel spreads them over both workers
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=10
        )
        assert answer.json() == {"data": {"__typename": "Query"}}

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=PATIENCE_SECONDS) == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists()


def test_a_busy_port_is_refused_before_any_worker_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(port, "--workers", "2")
        output, _ = process.communicate(timeout=PATIENCE_SECONDS)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in output.decode()


def test_workers_must_be_at_least_one() -> None:
    process = _serve(_free_port(), "--workers", "0")
    output, _ = process.communicate(timeout=PATIENCE_SECONDS)
    assert process.returncode == 2
    assert "--workers" in output.decode()
