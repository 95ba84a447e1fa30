"""The gateways ``make bench`` compares, each one process (a second ShopGraph row with
``--workers 2`` when ``shopgraph router serve`` has that option)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from processes import BENCH, WORK

ROOT = BENCH.parent
NODE_SCRIPTS = (
    "apollo_gateway.mjs",
    "hive_router_runtime.config.mjs",
    "loadgen.mjs",
    "compose_supergraph.mjs",
)


@dataclass(frozen=True)
class Gateway:
    name: str
    version: str
    command: list[str]
    env: dict[str, str]
    unsupported: str | None = None
    """Why this gateway cannot run here (then it is listed, never measured)."""
    persisted_query: bool = False
    """Load it with the query's APQ hash only (registered once with the full query)."""


def package_version(name: str) -> str:
    meta = json.loads((WORK / "node_modules" / name / "package.json").read_text())
    return str(meta["version"])


def shopgraph_cli() -> str:
    beside_python = Path(sys.executable).parent / "shopgraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("shopgraph")
    if found is None:
        raise SystemExit("the shopgraph CLI is not installed: run make .venv/.installed")
    return found


def router_serve_options(cli: str) -> str:
    """The help text of `shopgraph router serve`, to detect which options it has."""
    done = subprocess.run(
        [cli, "router", "serve", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        check=True,
    )
    return done.stdout


def working_tree_version() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return f"working tree ({done.stdout.strip() or 'no git'})"


def shopgraph_routers(supergraph: Path, port: int) -> list[Gateway]:
    cli = shopgraph_cli()
    serve = [cli, "router", "serve", "--supergraph", str(supergraph), "--port", str(port)]
    serve += ["--rate-limit", "0", "--no-verify-tokens"]
    env = {"SHOPGRAPH_ENVIRONMENT": "production", "SHOPGRAPH_LOG_LEVEL": "WARNING"}
    version = working_tree_version()
    has_workers = "--workers" in router_serve_options(cli)
    # The bench's subgraphs answer every caller alike: no type is private there.
    cached = {
        **env,
        "SHOPGRAPH_ROUTER__ENTITY_CACHE__ENABLED": "true",
        "SHOPGRAPH_ROUTER__ENTITY_CACHE__PRIVATE_TYPES": "[]",
    }
    has_apq = (ROOT / "router" / "plugins" / "persisted_queries.py").exists()
    return [
        Gateway("ShopGraph router", version, serve, env),
        # The same router with entity fetches answered from its cache (in-process store).
        Gateway("ShopGraph router + entity cache", version, serve, cached),
        Gateway(
            "ShopGraph router, APQ hash only",
            version,
            serve,
            env,
            None if has_apq else "not supported: router/plugins/persisted_queries.py is missing",
            persisted_query=True,
        ),
        Gateway(
            "ShopGraph router --workers 2",
            version,
            [*serve, "--workers", "2"],
            env,
            None if has_workers else "not supported: `shopgraph router serve` has no --workers",
        ),
    ]


def peer_gateways(node: str, supergraph: Path, port: int) -> list[Gateway]:
    hive = [node, str(WORK / "node_modules/@graphql-hive/gateway/dist/bin.js")]
    serve = ["supergraph", str(supergraph), "--host", "127.0.0.1", "--port", str(port)]
    serve += ["--fork", "1"]
    production = {"NODE_ENV": "production"}
    hive_version = package_version("@graphql-hive/gateway")
    runtime_version = package_version("@graphql-hive/router-runtime")
    planner_version = package_version("@graphql-hive/router-query-planner")
    config = ["--config-path", str(WORK / "hive_router_runtime.config.mjs")]
    return [
        Gateway("Hive Gateway", hive_version, [*hive, *serve], production),
        Gateway(
            "Hive Gateway + Rust query planner",
            f"{hive_version}, router-runtime {runtime_version}, "
            f"router-query-planner {planner_version}",
            [*hive, *config, *serve],
            production,
        ),
        Gateway(
            "Apollo Gateway",
            package_version("@apollo/gateway"),
            [node, str(WORK / "apollo_gateway.mjs"), str(supergraph), str(port)],
            production,
        ),
    ]


def install_node_files() -> None:
    """Node resolves imports from a script's own folder: the scripts go beside node_modules."""
    for name in NODE_SCRIPTS:
        shutil.copy(BENCH / name, WORK / name)
