"""CPU cost of ONE internal GraphQL request, at the caller and at the callee.

Starts one real ``shopgraph serve products`` process (a fresh PostgreSQL database when
``SHOPGRAPH_TEST_POSTGRES_URL`` is set, as under ``python3 -m infra env``, dropped at the
end; else SQLite in bench/.work), seeds its catalogue, then
sends ``--calls`` product quotes (``_entities``, as carts and orders ask for them) through
:class:`~shopgraph.internal.InternalClient`, ``--concurrency`` at a time, from this process.
Caller CPU is this process's CPU over the calls (nothing else runs in it); callee CPU is
the server's whole session (``/proc``). Writes the markdown table and the command to
bench/results/subgraph-request-<date>.md and prints it.

    eval "$(python3 -m infra env)"
    .venv/bin/python bench/subgraph_request.py --calls 3000 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import time
import uuid
from typing import Any

from checkout_stack import SHOPGRAPH, _base_env, _wait_ready, free_port
from process_usage import cpu_seconds
from processes import BENCH, WORK, log, start, stop
from throwaway_databases import throwaway_databases

from bootstrap.migrate import migrate_all
from bootstrap.registry import service, service_names
from shopgraph.internal import InternalClient
from shopgraph.settings import Settings

RESULTS = BENCH / "results"
SERVICE = "products"
QUOTES = """
query ProductQuotes($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Product { id name sku status price { amount currency } weightGrams }
  }
}
"""
PRODUCT_IDS = "{ products(first: 2) { edges { node { id } } } }"


async def measure(url: str, session: int, calls: int, concurrency: int) -> dict[str, Any]:
    settings = Settings(service_urls={SERVICE: url})
    client = InternalClient(settings, "orders")
    try:
        listed = await client.query(SERVICE, PRODUCT_IDS)
        ids = [edge["node"]["id"] for edge in listed["products"]["edges"]]
        variables = {"r": [{"__typename": "Product", "id": id_} for id_ in ids]}
        for _ in range(200):  # warm both ends: caches, pools, the first token
            await client.query(SERVICE, QUOTES, variables)
        pending = iter(range(calls))

        async def caller() -> None:
            for _ in pending:
                data = await client.query(SERVICE, QUOTES, variables)
                if len(data["_entities"]) != len(ids):
                    raise RuntimeError(f"unexpected answer: {data}")

        callee_before, caller_before = cpu_seconds(session), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        caller_cpu = time.process_time() - caller_before
        callee_cpu = cpu_seconds(session) - callee_before
    finally:
        await client.close()
    return {
        "calls": calls,
        "concurrency": concurrency,
        "rate": calls / elapsed,
        "caller_ms": caller_cpu * 1000 / calls,
        "callee_ms": callee_cpu * 1000 / calls,
    }


async def seed(settings: Settings) -> None:
    await migrate_all(settings, [SERVICE])
    seeder = service(SERVICE).seed
    if seeder is not None:
        await seeder(settings)


def report(result: dict[str, Any], command: str) -> str:
    return "\n".join(
        [
            f"# One internal request: {SERVICE} `_entities` quote (2 products)",
            "",
            f"`{command}`",
            "",
            "| calls | concurrency | req/s | caller CPU ms/req | callee CPU ms/req |",
            "|---:|---:|---:|---:|---:|",
            f"| {result['calls']} | {result['concurrency']} | {result['rate']:.0f} "
            f"| {result['caller_ms']:.2f} | {result['callee_ms']:.2f} |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    # Every service gets a port (products' settings name them all); only products runs.
    ports = {name: free_port() for name in service_names()}
    port = ports[SERVICE]
    data_dir = WORK / "subgraph-request"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = _base_env(data_dir, ports)
    postgres = os.environ.get("SHOPGRAPH_TEST_POSTGRES_URL")
    database = f"sr_{uuid.uuid4().hex[:8]}"
    settings = Settings(data_dir=data_dir, ports=ports)
    if postgres:
        env["SHOPGRAPH_DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{database}"
        settings = settings.model_copy(update={"database_url": env["SHOPGRAPH_DATABASE_URL"]})
    dropped = throwaway_databases(postgres, database) if postgres else contextlib.nullcontext()
    with dropped:
        asyncio.run(seed(settings))
        process = start([*SHOPGRAPH, "serve", SERVICE, "--no-migrate"], env, f"bench-{SERVICE}")
        try:
            _wait_ready(f"http://127.0.0.1:{port}/readyz", process)
            url = f"http://127.0.0.1:{port}/graphql"
            log(f"{SERVICE} (pid {process.pid}) ready: {args.calls} calls")
            result = asyncio.run(measure(url, process.pid, args.calls, args.concurrency))
        finally:
            stop(process)
    command = "bench/subgraph_request.py " + " ".join(sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"subgraph-request-{dt.datetime.now(dt.UTC):%Y-%m-%d-%H%M%S}.md"
    path.write_text(report(result, command))
    print(path.read_text())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
