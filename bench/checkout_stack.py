"""The two stacks ``make bench-checkout`` measures, each started from scratch on free ports:

* ``scale-out``: PostgreSQL (one fresh database per service, dropped at the end unless
  kept), Kafka (a fresh topic namespace), Redis; one ``shopgraph serve <service>`` process
  per subgraph, one ``shopgraph worker <group>`` process per worker group, and
  ``shopgraph router serve`` composing from the running subgraphs (rate limit off: the
  bench is one client);
* ``dev``: ``shopgraph dev`` (one process, SQLite files, in-process bus and store).

Every process runs in its own session (``processes.start``), so its CPU is read whole.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from processes import WORK, log, start, stop
from throwaway_databases import throwaway_databases

from bootstrap.registry import service_names, worker_groups

SHOPGRAPH = [sys.executable, "-m", "bootstrap.cli"]


@dataclass
class Stack:
    name: str
    router_url: str
    database_url: str
    """The services' databases, ``{service}`` standing for the service's name."""
    processes: dict[str, subprocess.Popen[bytes]]
    backing_services: bool = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _base_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    return {
        "SHOPGRAPH_DATA_DIR": str(data_dir),
        "SHOPGRAPH_PORTS": json.dumps(ports),
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_STOREFRONT": "off",
        "PYTHONPATH": str(WORK.parent.parent),
    }


def _answers(url: str) -> bool:
    """``/readyz`` says 200, or the router answers a query with data."""
    try:
        if url.endswith("/graphql"):
            body = httpx.post(url, json={"query": "{ __typename }"}, timeout=5).json()
            return bool(body.get("data"))
        return httpx.get(url, timeout=5).status_code == 200
    except (httpx.HTTPError, ValueError):
        return False


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: exited with {process.returncode} (bench/.work/logs)")
        if _answers(url):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready within {seconds:.0f}s")


@contextmanager
def _stopped(processes: dict[str, subprocess.Popen[bytes]]) -> Iterator[None]:
    """Stop every process in ``processes`` (as filled by then) when the block ends."""
    try:
        yield
    finally:
        for process in processes.values():
            stop(process)


@contextmanager
def scale_out(
    postgres_url: str, kafka_url: str, redis_url: str, *, keep_databases: bool = False
) -> Iterator[Stack]:
    names = service_names()
    ports = {name: free_port() for name in [*names, "router"]}
    data_dir = WORK / "checkout-scale-out"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    prefix = f"bc_{uuid.uuid4().hex[:8]}"
    env = _base_env(data_dir, ports) | {
        "SHOPGRAPH_DATABASE_URL": postgres_url.rsplit("/", 1)[0] + f"/{prefix}_{{service}}",
        "SHOPGRAPH_BUS_URL": f"{kafka_url}?namespace={prefix}",
        "SHOPGRAPH_KV_URL": redis_url,
        # As a deployment expecting bursts would: the 50 shoppers' first requests arrive at
        # once, and without it each of them opens a connection first.
        "SHOPGRAPH_DATABASE_WARM_CONNECTIONS": "20",
    }
    full_env = {**os.environ, **env}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with throwaway_databases(postgres_url, prefix, keep=keep_databases), _stopped(processes):
        log(f"scale-out: databases {prefix}_*, migrate and seed")
        subprocess.run([*SHOPGRAPH, "migrate"], env=full_env, check=True, cwd=WORK)
        subprocess.run([*SHOPGRAPH, "seed"], env=full_env, check=True, cwd=WORK)
        for name in names:
            processes[name] = start([*SHOPGRAPH, "serve", name, "--no-migrate"], env, name)
        worker_metrics: dict[str, str] = {}
        for group in worker_groups():
            # Each worker serves /metrics on its own port: on a shared one all but the
            # first would fail to start.
            metrics_port = free_port()
            worker_metrics[f"worker:{group}"] = f"http://127.0.0.1:{metrics_port}/metrics"
            worker_env = env | {"SHOPGRAPH_METRICS_PORT": str(metrics_port)}
            processes[f"worker:{group}"] = start(
                [*SHOPGRAPH, "worker", group], worker_env, f"worker-{group}"
            )
        for name in names:
            _wait_ready(f"http://127.0.0.1:{ports[name]}/readyz", processes[name])
        for name, url in worker_metrics.items():
            _wait_ready(url, processes[name])
        router_url = f"http://127.0.0.1:{ports['router']}/graphql"
        subgraphs = [f"--subgraph={n}=http://127.0.0.1:{ports[n]}/graphql" for n in names]
        serve_router = [*SHOPGRAPH, "router", "serve", *subgraphs, "--rate-limit", "0"]
        processes["router"] = start([*serve_router, "--port", str(ports["router"])], env, "router")
        _wait_ready(router_url, processes["router"])
        database_url = env["SHOPGRAPH_DATABASE_URL"]
        yield Stack("scale-out", router_url, database_url, processes, backing_services=True)


@contextmanager
def dev() -> Iterator[Stack]:
    ports = {name: free_port() for name in [*service_names(), "router"]}
    data_dir = WORK / "checkout-dev"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = _base_env(data_dir, ports)
    process = start([*SHOPGRAPH, "dev"], env, "dev")
    try:
        router_url = f"http://127.0.0.1:{ports['router']}/graphql"
        _wait_ready(router_url, process)
        database_url = f"sqlite+aiosqlite:///{data_dir}/{{service}}.db"
        yield Stack("make dev", router_url, database_url, {"dev": process})
    finally:
        stop(process)
