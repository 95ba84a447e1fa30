"""``shopgraph router serve --workers N``: N processes answer on one port and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SHOPGRAPH = Path(sys.executable).parent / "shopgraph"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):  # bounded: up to ~60 s on a loaded machine
        assert process.poll() is None, process.stdout.read() if process.stdout else b""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the router never answered /health")


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
    workers = _children(process.pid)
    assert len(workers) == 2
    for _ in range(20):  # fresh connections: the kernel spreads them over both workers
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=10
        )
        assert answer.json() == {"data": {"__typename": "Query"}}

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists()


def test_a_busy_port_is_refused_before_any_worker_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(port, "--workers", "2")
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in output.decode()


def test_workers_must_be_at_least_one() -> None:
    process = _serve(_free_port(), "--workers", "0")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--workers" in output.decode()
