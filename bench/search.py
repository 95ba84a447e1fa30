"""``make bench-search``: the search subgraph on Elasticsearch vs the SQL adapter, one run.

For each adapter in turn (Elasticsearch, SQL on SQLite, SQL on PostgreSQL when
``SHOPGRAPH_TEST_POSTGRES_URL`` is set): load the same generated 50 000-product catalog
(fixed random seed) into a fresh index, serve the search subgraph alone with
``shopgraph serve search`` (one uvicorn process), warm up, then send ``search`` with a query
and every facet from C concurrent HTTP clients for D seconds, rotating through a fixed list
of queries and filters. Writes requests/s, p50 and p99 latency to
``bench/results/search-<date>.md`` with the machine and the command. Measured numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

from closed_loop import closed_loop  # noqa: E402
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


@dataclass(frozen=True)
class Column:
    name: str
    database_url: str
    search_url: str


@dataclass(frozen=True)
class Measured:
    column: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


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
    column: Column, tmp: Path, duration: float, connections: int
) -> Measured:
    env = {"SHOPGRAPH_ENVIRONMENT": "test", "SHOPGRAPH_LOG_LEVEL": "WARNING",
           "SHOPGRAPH_DATA_DIR": str(tmp), "SHOPGRAPH_DATABASE_URL": column.database_url,
           "SHOPGRAPH_SEARCH_URL": column.search_url}  # fmt: skip
    async with served("search", env, "--no-migrate") as (url, _server):
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            first = (await http.post(url, json={"query": SEARCH, "variables": variables(0)})).json()
            assert not first.get("errors"), first
            await closed_loop(search_request(http, url), 3.0, connections)  # warm-up
            result = await closed_loop(search_request(http, url), duration, connections)
    return Measured(column.name, result.per_second, result.percentile_ms(50),
                    result.percentile_ms(99), len(result.latencies), result.errors)  # fmt: skip


def search_request(http: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[bool]]:
    """One ``search`` after another through the fixed list of queries and filters."""
    counter = itertools.count(1)

    async def request() -> bool:
        body = {"query": SEARCH, "variables": variables(next(counter))}
        response = await http.post(url, json=body)
        return response.status_code == 200 and not response.json().get("errors")

    return request


def columns(tmp: Path) -> list[Column]:
    es = os.environ.get("SHOPGRAPH_TEST_ELASTICSEARCH_URL", "elasticsearch://127.0.0.1:9200")
    alias = f"bench-products-{uuid.uuid4().hex[:8]}"
    found = [
        Column("Elasticsearch 8 (ES adapter)", f"sqlite+aiosqlite:///{tmp}/es-versions.db",
               f"{es}/{alias}"),
        Column("SQL adapter, SQLite FTS5", f"sqlite+aiosqlite:///{tmp}/search.db", "sql://"),
    ]  # fmt: skip
    postgres = os.environ.get("SHOPGRAPH_TEST_POSTGRES_URL")
    if postgres:
        database = postgres.rsplit("/", 1)[0] + f"/bench_search_{uuid.uuid4().hex[:8]}"
        found.append(Column("SQL adapter, PostgreSQL tsvector", database, "sql://"))
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


def report(args: argparse.Namespace, rows: list[tuple[Measured, float]], command: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = RESULTS / f"search-{now:%Y-%m-%d-%H%M%S}.md"
    lines = [
        f"# Search benchmark, {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"`search` with a query and every facet (category, price, inStock, rating, attributes)"
        f" at the search subgraph (no router), {args.products} generated products, "
        f"{args.connections} concurrent clients, {args.duration:.0f} s after a 3 s warm-up.",
        "",
        "| adapter | requests/s | p50 ms | p99 ms | requests | errors | load s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m, loaded in rows:
        lines.append(f"| {m.column} | {m.requests_per_second:.1f} | {m.p50_ms:.1f} | "
                     f"{m.p99_ms:.1f} | {m.requests} | {m.errors} | {loaded:.1f} |")  # fmt: skip
    lines += report_footer("the server and the index", command)
    path.write_text("\n".join(lines))
    return path


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    docs = catalog(args.products)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for column in columns(Path(tmp)):
            try:
                loaded = await load(column, docs)
                print(f"{column.name}: loaded in {loaded:.1f} s", flush=True)
                measured = await serve_and_measure(column, Path(tmp), args.duration,
                                                   args.connections)  # fmt: skip
                print(measured, flush=True)
                rows.append((measured, loaded))
            finally:
                await cleanup(column)
    command = "python bench/search.py " + " ".join(sys.argv[1:])
    print(f"wrote {report(args, rows, command.strip())}")


if __name__ == "__main__":
    asyncio.run(main())
