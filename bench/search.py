"""``make bench-search``: the search subgraph on Elasticsearch vs the SQL adapter, one run.

For each adapter in turn (Elasticsearch, SQL on SQLite, SQL on PostgreSQL when
``SHOPGRAPH_TEST_POSTGRES_URL`` is set): load the same generated 50 000-product catalog
(fixed random seed) into a fresh index, serve the search subgraph alone with
``shopgraph serve search`` (one uvicorn process), check a sample of the searches, warm up,
then for each concurrency of ``--connections`` (default 1, 4, 8) send ``search`` with a
query and every facet from that many autocannon connections for D seconds
(:mod:`search_load`), through a mix of popular and long-tail searches (:func:`query_mix`).
Writes one table, a row per adapter and concurrency (requests/s, p50 and p99 latency, CPU
per search of each process, request cache hits) to ``bench/results/search-<date>.md`` with
the machine and the command. Measured numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

from search_load import ElasticStats, Window, install, run_window, write_bodies  # noqa: E402
from served import report_footer, served  # noqa: E402

from bootstrap.migrate import migrate  # noqa: E402
from shopgraph.db import Database  # noqa: E402
from subgraphs.search.indexer import Indexer  # noqa: E402
from subgraphs.search.records import SearchDocument  # noqa: E402
from subgraphs.search.repository import index_from_url  # noqa: E402

ADJECTIVES = ("classic", "vintage", "ultralight", "waterproof", "organic", "premium", "compact",
              "insulated", "wireless", "heavyweight", "slim", "rugged", "soft", "smart", "travel",
              "padded", "breathable", "foldable", "quick-dry", "recycled")  # fmt: skip
MATERIALS = ("cotton", "wool", "leather", "canvas", "steel", "bamboo", "ceramic", "nylon",
             "denim", "linen", "titanium", "fleece", "glass", "cork", "suede")  # fmt: skip
NOUNS = ("jacket", "sneaker", "boot", "backpack", "mug", "bottle", "tent", "hoodie", "shirt",
         "scarf", "glove", "lamp", "speaker", "headphones", "charger", "wallet", "belt", "hat",
         "sock", "blanket", "knife", "pan", "chair", "watch", "umbrella")  # fmt: skip
WORDS = ("durable", "everyday", "comfortable", "lightweight", "stylish", "perfect", "gift",
         "outdoor", "city", "weekend", "running", "hiking", "kitchen", "office", "warm", "cool",
         "summer", "winter", "rain", "sun", "handmade", "modern", "simple", "strong", "easy",
         "care", "washable", "pocket", "zip", "strap", "fit", "size", "color",
         "design")  # fmt: skip
COLORS = ("Black", "White", "Red", "Blue", "Green", "Grey", "Brown", "Yellow")
SIZES = ("XS", "S", "M", "L", "XL")
BRANDS = tuple(f"Brand {c}" for c in "ABCDEFGHIJKL")
QUERIES = ("jacket", "wool jacket", "waterproof boot", "leather", "travel mug", "sneakers",
           "organic cotton shirt", "wireless headphones", "steel bottle", "tent", "hiking",
           "warm winter", "linen", "backpack", "ceramic mug", "rugged", "suede boots", "lamp",
           "soft fleece hoodie", "knife")  # fmt: skip

ADAPTERS = ("elasticsearch", "sqlite", "postgres")
MIX_SIZE = 20_000  # bodies per window, more than a window sends
MIX_CHECKED = 200  # bodies sent once before the load, each checked for errors
WARM_UP_SECONDS = 10  # a fresh index and JVM code paths: steady state after this

SEARCH = """query Search($q: String, $filter: ProductSearchFilter) {
  search(query: $q, filter: $filter, first: 20) {
    totalCount
    edges { cursor node { id } highlights }
    pageInfo { hasNextPage endCursor }
    facets { field label values { value label count selected } }
  }
}"""


def categories() -> list[tuple[str, str, str | None]]:
    """20 roots with 4 children each: (id, name, parent id)."""
    found: list[tuple[str, str, str | None]] = []
    for root in range(20):
        root_id = str(uuid.UUID(int=root + 1))
        found.append((root_id, f"Department {root}", None))
        for child in range(4):
            found.append((str(uuid.UUID(int=1000 + root * 10 + child)), f"Aisle {root}.{child}",
                          root_id))  # fmt: skip
    return found


def catalog(size: int) -> list[SearchDocument]:
    rng = random.Random(9)
    leaves = [c[0] for c in categories() if c[2] is not None]
    docs = []
    for i in range(size):
        name = f"{rng.choice(ADJECTIVES).title()} {rng.choice(MATERIALS).title()} " \
               f"{rng.choice(NOUNS).title()}"  # fmt: skip
        description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 25)))
        count = rng.choice((0, 0, 1, 3, 8, 20))
        docs.append(
            SearchDocument(
                product_id=str(uuid.UUID(int=10**6 + i)),
                revision=1,
                searchable=rng.random() > 0.02,
                name=name,
                description=description,
                category_id=rng.choice(leaves),
                price_minor=rng.randint(300, 40000),
                currency="USD",
                in_stock=rng.random() > 0.2,
                rating=round(rng.uniform(1, 5), 2) if count else 0.0,
                rating_count=count,
                attributes=(
                    ("Color", rng.choice(COLORS)),
                    ("Size", rng.choice(SIZES)),
                    ("Brand", rng.choice(BRANDS)),
                ),
                created_micros=1_700_000_000_000_000 + i * 1_000_000,
            )
        )
    return docs


def variables(i: int) -> dict[str, Any]:
    """A query with every facet, and every other request one or two filters."""
    flt: dict[str, Any] = {}
    if i % 2:
        flt["inStock"] = True
    if i % 3 == 0:
        flt["attributes"] = [{"name": "Color", "values": [COLORS[i % len(COLORS)]]}]
    if i % 5 == 0:
        flt["categoryIds"] = [str(uuid.UUID(int=(i // 5) % 20 + 1))]
    return {"q": QUERIES[i % len(QUERIES)], "filter": flt or None}


def tail_query(rng: random.Random) -> str:
    """A query that rarely repeats: one to three catalog words."""
    shapes = (
        (NOUNS,), (MATERIALS, NOUNS), (ADJECTIVES, NOUNS), (NOUNS, WORDS),
        (ADJECTIVES, MATERIALS), (ADJECTIVES, MATERIALS, NOUNS),
    )  # fmt: skip
    return " ".join(rng.choice(words) for words in rng.choice(shapes))


def query_mix(count: int, seed: int) -> list[dict[str, Any]]:
    """Request bodies: every other one from the head (:func:`variables`, 600 combinations of
    the 20 popular queries and filters, repeated as shoppers repeat them), the rest from the
    long tail (:func:`tail_query` with :func:`variables`' filters, drawn anew per ``seed``)."""
    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        chosen = variables(i // 2 + seed)
        if i % 2:
            chosen = {**variables(rng.randrange(600)), "q": tail_query(rng)}
        bodies.append({"query": SEARCH, "variables": chosen})
    return bodies


@dataclass(frozen=True)
class Row:
    column: str
    loaded_seconds: float
    window: Window
    load_average: float  # 1 min, when the window ended: how busy the machine was


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    database_url: str
    search_url: str


async def load(column: Column, docs: list[SearchDocument]) -> float:
    await migrate("search", column.database_url)
    db = Database(column.database_url, pool_size=2)
    index = index_from_url(column.search_url, db)
    started = time.perf_counter()
    try:
        await index.start()
        indexer = Indexer(db, index)
        for category_id, name, parent in categories():
            await indexer.put_category(category_id, name, parent, deleted=False,
                                       version=dt.datetime.now(dt.UTC))  # fmt: skip

        async def stream() -> AsyncIterator[SearchDocument]:
            for doc in docs:
                yield doc

        await index.rebuild(stream())
        await index.refresh()
    finally:
        await index.close()
        await db.dispose()
    return time.perf_counter() - started


async def serve_and_measure(
    column: Column, tmp: Path, node: str, duration: int, sweep: list[int]
) -> list[tuple[Window, float]]:
    """Serve the subgraph once and measure a window per concurrency, each with its own query
    mix (a window never finds the tail queries of the one before it cached)."""
    env = {"SHOPGRAPH_ENVIRONMENT": "test", "SHOPGRAPH_LOG_LEVEL": "WARNING",
           "SHOPGRAPH_DATA_DIR": str(tmp), "SHOPGRAPH_DATABASE_URL": column.database_url,
           "SHOPGRAPH_SEARCH_URL": column.search_url}  # fmt: skip
    elastic = None
    if column.search_url.startswith("elasticsearch://"):
        parts = urlsplit(column.search_url)
        elastic = ElasticStats(f"http://{parts.netloc}", parts.path.strip("/"))
    windows = []
    async with served("search", env, "--no-migrate") as (url, server):
        async with httpx.AsyncClient(timeout=30) as http:
            for body in query_mix(MIX_CHECKED, seed=0):
                answer = (await http.post(url, json=body)).json()
                assert not answer.get("errors"), answer
        try:
            warm_up = write_bodies(query_mix(MIX_SIZE, seed=1))
            await asyncio.to_thread(run_window, node, url, warm_up, max(sweep), WARM_UP_SECONDS,
                                    server.pid, None)  # fmt: skip
            for seed, connections in enumerate(sweep, start=2):
                bodies = write_bodies(query_mix(MIX_SIZE, seed=seed))
                window = await asyncio.to_thread(run_window, node, url, bodies, connections,
                                                 duration, server.pid, elastic)  # fmt: skip
                print(column.name, window, flush=True)
                windows.append((window, os.getloadavg()[0]))
        finally:
            if elastic is not None:
                elastic.close()
    return windows


def columns(tmp: Path) -> list[Column]:
    es = os.environ.get("SHOPGRAPH_TEST_ELASTICSEARCH_URL", "elasticsearch://127.0.0.1:9200")
    alias = f"bench-products-{uuid.uuid4().hex[:8]}"
    found = [
        Column("elasticsearch", "Elasticsearch 8 (ES adapter)", f"sqlite+aiosqlite:///{tmp}/es-versions.db",
               f"{es}/{alias}"),
        Column("sqlite", "SQL adapter, SQLite FTS5", f"sqlite+aiosqlite:///{tmp}/search.db", "sql://"),
    ]  # fmt: skip
    postgres = os.environ.get("SHOPGRAPH_TEST_POSTGRES_URL")
    if postgres:
        database = postgres.rsplit("/", 1)[0] + f"/bench_search_{uuid.uuid4().hex[:8]}"
        found.append(Column("postgres", "SQL adapter, PostgreSQL tsvector", database, "sql://"))
    return found


async def cleanup(column: Column) -> None:
    if column.search_url.startswith("elasticsearch://"):
        from subgraphs.search.es_index import ElasticIndex

        index = ElasticIndex.from_url(column.search_url)
        try:
            await index.drop()
        finally:
            await index.close()
    if column.database_url.startswith("postgresql"):
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        admin_url, name = column.database_url.rsplit("/", 1)
        engine = create_async_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


def report(args: argparse.Namespace, rows: list[Row], command: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = RESULTS / f"search-{now:%Y-%m-%d-%H%M%S}.md"
    lines = [
        f"# Search benchmark, {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"`search` with a query and every facet (category, price, inStock, rating, attributes)"
        f" at the search subgraph (no router), {args.products} generated products, "
        f"{args.duration} s per concurrency after a {WARM_UP_SECONDS} s warm-up, autocannon "
        f"(bench/loadgen.mjs) sending a query mix: half from 600 popular query and filter "
        f"combinations, half long-tail queries drawn anew for every row.",
        "",
        "CPU ms are per request: the subgraph process, Elasticsearch (its node's process; "
        "other users of that node count too) and the load generator. Request cache: the shard "
        "request cache's hits / lookups over the window (two per search: page and facets).",
        "",
        "| adapter | clients | requests/s | p50 ms | p99 ms | requests | failed "
        "| subgraph CPU ms | ES CPU ms | autocannon CPU ms | request cache hits | load s "
        "| load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        w = row.window
        es_cpu = "" if w.elasticsearch_cpu_ms is None else f"{w.elasticsearch_cpu_ms:.2f}"
        cache = ""
        if w.cache_hits is not None and w.cache_misses is not None:
            lookups = w.cache_hits + w.cache_misses
            cache = f"{100 * w.cache_hits / max(lookups, 1):.0f}% of {lookups}"
        lines.append(f"| {row.column} | {w.connections} | {w.requests_per_second:.1f} | "
                     f"{w.p50_ms:.0f} | {w.p99_ms:.0f} | {w.requests} | {w.failed} | "
                     f"{w.subgraph_cpu_ms:.2f} | {es_cpu} | {w.loadgen_cpu_ms:.2f} | {cache} | "
                     f"{row.loaded_seconds:.1f} | {row.load_average:.1f} |")  # fmt: skip
    lines += report_footer("the server and the index", command, generator="autocannon")
    path.write_text("\n".join(lines))
    return path


def concurrency_sweep(text: str) -> list[int]:
    sweep = [int(part) for part in text.split(",")]
    if not sweep or min(sweep) < 1:
        raise argparse.ArgumentTypeError("connections: comma-separated counts, each >= 1")
    return sweep


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per concurrency")
    parser.add_argument("--connections", type=concurrency_sweep, default=[1, 4, 8],
                        help="concurrent clients, one row each: e.g. 1,4,8")  # fmt: skip
    parser.add_argument("--node", default=os.environ.get("BENCH_NODE") or shutil.which("node"))
    parser.add_argument("--only", action="append", choices=ADAPTERS, help="repeatable")
    args = parser.parse_args()
    if not args.node:
        raise SystemExit("node is not on PATH (npm installs autocannon and Node 24)")
    node = install(args.node)
    docs = catalog(args.products)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for column in columns(Path(tmp)):
            if args.only and column.key not in args.only:
                continue
            try:
                loaded = await load(column, docs)
                print(f"{column.name}: loaded in {loaded:.1f} s", flush=True)
                windows = await serve_and_measure(column, Path(tmp), node, args.duration,
                                                  args.connections)  # fmt: skip
                rows += [Row(column.name, loaded, w, load) for w, load in windows]
            finally:
                await cleanup(column)
    command = "python bench/search.py " + " ".join(sys.argv[1:])
    print(f"wrote {report(args, rows, command.strip())}")


if __name__ == "__main__":
    asyncio.run(main())
