"""``make bench-checkout``: the checkout saga under a crowd, on the scale-out stack and on
``make dev`` (``checkout_stack.py``), one run each.

Per stack: a fresh stack; the staff admin gives one product ``--stock`` units (default:
80 % of the shoppers, so the last ones are refused and the stock is contended); N shoppers
register, untimed. Then the measured phase: C shoppers at a time each ``addToCart`` one unit
and ``placeOrder``. Reported: checkouts/s (addToCart + placeOrder, refused ones included),
placeOrder p50/p99, time from placeOrder sent to the order's terminal status p50/p99 (the
status history's timestamp, read from the orders database after the run, so the bench does
not poll), where that time goes hop by hop (``checkout_hops.py``), the slowest placeOrders
with when each was sent (the tail: first wave, mid-run stall or refusals), CPU seconds per process
during the phase, the bench client's own CPU apart from the stack's, and the invariants:
PAID ≤ stock, available = stock - PAID, no order left PENDING (waited for up to 120 s), no
HTTP 5xx. The scale-out stack's databases are dropped at the end (``--keep`` keeps them).
Writes ``bench/results/checkout-<date>.md`` with the command. Measured numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import checkout_stack  # noqa: E402
from checkout_hops import hop_seconds  # noqa: E402
from graphql_client import GraphQLClient, GraphQLError, Operation, graphql_client  # noqa: E402
from process_usage import cpu_seconds, own_cpu_seconds, service_sessions  # noqa: E402
from processes import log  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from shopgraph.db import Database  # noqa: E402
from subgraphs.orders.models import order_status_history, orders  # noqa: E402

RESULTS = BENCH / "results"
SLOWEST = 8  # placeOrders listed with when they were sent, to show where the tail lies
TERMINAL = ("PAID", "PAYMENT_FAILED", "CANCELLED")

REGISTER = Operation.of(
    """mutation($i: RegisterInput!) { register(input: $i) { accessToken errors { code } } }"""
)
LOGIN = Operation.of(
    """mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"""
)
PRODUCTS = Operation.of("{ products(first: 1) { edges { node { id } } } }")
SET_STOCK = Operation.of(
    """mutation($i: SetStockInput!) { setStock(input: $i) { errors { code message } } }"""
)
STOCK = Operation.of(
    """query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }"""
)
ADD = Operation.of(
    """mutation($i: AddToCartInput!) { addToCart(input: $i) { errors { code message } } }"""
)
PLACE = Operation.of("""mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
  order { id status } errors { code message } } }""")
ADDRESS = {"name": "Sam", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345",
           "country": "US"}  # fmt: skip


@dataclass
class Run:
    placed: dict[str, float] = field(default_factory=dict)  # order id → sent (epoch seconds)
    place_seconds: list[float] = field(default_factory=list)
    placed_seconds: list[float] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    # Per placeOrder: sent (perf_counter), seconds taken, outcome (PLACED or the refusal code).
    calls: list[tuple[float, float, str]] = field(default_factory=list)


async def enroll(client: GraphQLClient, count: int, concurrency: int) -> list[str]:
    """Untimed, a few at a time (each sign-up hashes a password), each tried up to 3 times."""
    gate = asyncio.Semaphore(min(concurrency, 4))

    async def one() -> str:
        async with gate:
            email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
            person = {"email": email, "password": "bench-shopper-pass-1",
                      "firstName": "Sam", "lastName": "Shopper"}  # fmt: skip
            for attempt in range(3):
                try:
                    payload = (await client.call(REGISTER, {"i": person}))["register"]
                    if payload["errors"]:  # EMAIL_TAKEN: an earlier try got through
                        sign_in = {"email": email, "password": person["password"]}
                        payload = (await client.call(LOGIN, {"i": sign_in}))["login"]
                    return str(payload["accessToken"])
                except (GraphQLError, aiohttp.ClientError, TimeoutError):
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def checkout(client: GraphQLClient, run: Run, token: str, product_id: str) -> None:
    await client.call(ADD, {"i": {"productId": product_id, "quantity": 1}}, token)
    sent_wall, sent = time.time(), time.perf_counter()
    order_input = {"shippingAddress": ADDRESS, "paymentMethod": "pm_card_visa",
                   "idempotencyKey": uuid.uuid4().hex}  # fmt: skip
    data = await client.call(PLACE, {"i": order_input}, token)
    seconds = time.perf_counter() - sent
    run.place_seconds.append(seconds)
    payload = data["placeOrder"]
    outcome = payload["errors"][0]["code"] if payload["errors"] else "PLACED"
    run.calls.append((sent, seconds, outcome))
    if payload["errors"]:
        run.refused[outcome] += 1
    else:
        run.placed[payload["order"]["id"]] = sent_wall
        run.placed_seconds.append(seconds)


async def terminal_times(database_url: str, run: Run, wait_seconds: float) -> dict[str, Any]:
    """Each placed order's status now and the seconds from placeOrder sent to its terminal
    status, waiting up to ``wait_seconds`` for the last PENDING ones; ``every_status`` counts
    every order in the database, those whose placeOrder answer the client never got too."""
    db = Database(database_url, pool_size=1)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                async with db.session() as session:
                    rows = (await session.execute(select(orders.c.id, orders.c.status))).all()
            except DBAPIError as exc:  # the shared PostgreSQL may be out of connections
                if time.monotonic() > deadline:
                    raise
                log(f"orders database: {exc.__class__.__name__}, trying again")
                await asyncio.sleep(2)
                continue
            every_status = Counter(row.status for row in rows)
            status = {row.id: row.status for row in rows if row.id in run.placed}
            if "PENDING" not in every_status or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        async with db.session() as session:
            history = (
                await session.execute(
                    select(order_status_history.c.order_id, order_status_history.c.at).where(
                        order_status_history.c.status.in_(TERMINAL)
                    )
                )
            ).all()
    finally:
        await db.dispose()
    seconds = [
        row.at.timestamp() - run.placed[row.order_id]
        for row in history
        if row.order_id in run.placed
    ]
    return {
        "status": Counter(status.values()),
        "every_status": every_status,
        "to_terminal": seconds,
    }


async def settled_stock(client: GraphQLClient, product_id: str, wait_seconds: float) -> Any:
    """The product's stock once the inventory worker has committed or released every
    reservation (or after ``wait_seconds``)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        level = (await client.call(STOCK, {"id": product_id}))["product"]["stock"]
        if level["reserved"] == 0 or time.monotonic() > deadline:
            return level
        await asyncio.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    stack: checkout_stack.Stack, shoppers: int, concurrency: int, stock: int
) -> dict[str, Any]:
    run = Run()
    async with graphql_client(stack.router_url, connections=concurrency) as client:
        admin_email = os.environ.get("SHOPGRAPH_ADMIN_EMAIL", "admin@shopgraph.dev")
        admin_password = os.environ.get("SHOPGRAPH_ADMIN_PASSWORD", "shopgraph-admin")
        admin = await client.call(LOGIN, {"i": {"email": admin_email, "password": admin_password}})
        admin_token = str(admin["login"]["accessToken"])
        product_id = str((await client.call(PRODUCTS, {}))["products"]["edges"][0]["node"]["id"])
        await client.call(
            SET_STOCK, {"i": {"productId": product_id, "quantity": stock}}, admin_token
        )
        log(f"{stack.name}: enrolling {shoppers} shoppers (untimed)")
        tokens = await enroll(client, shoppers, concurrency)
        client.statuses.clear()
        log(f"{stack.name}: checkout phase, {concurrency} at a time")
        sessions = {name: p.pid for name, p in stack.processes.items()}
        if stack.backing_services:
            sessions |= {f"service:{name}": sid for name, sid in service_sessions().items()}
        cpu_before = {name: cpu_seconds(pid) for name, pid in sessions.items()}
        gate = asyncio.Semaphore(concurrency)

        async def shopper(token: str) -> None:
            async with gate:
                await checkout(client, run, token, product_id)

        client_cpu_before = own_cpu_seconds()
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(shopper(t) for t in tokens), return_exceptions=True)
        elapsed = time.perf_counter() - started
        client_cpu = own_cpu_seconds() - client_cpu_before
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in sessions.items()}
        failures = Counter(str(o)[:80] for o in outcomes if isinstance(o, BaseException))
        orders_url = stack.database_url.format(service="orders")
        terminal = await terminal_times(orders_url, run, 120)
        hops = await hop_seconds(stack.database_url, run.placed)
        level = await settled_stock(client, product_id, 60)
        statuses = client.statuses
    # From the database: an order placed after the client gave up on its answer holds stock too.
    paid = terminal["every_status"].get("PAID", 0)
    return {
        "stack": stack.name,
        "shoppers": shoppers,
        "concurrency": concurrency,
        "stock": stock,
        "rate": shoppers / elapsed,
        "place_p50": percentile(run.place_seconds, 0.5),
        "place_p99": percentile(run.place_seconds, 0.99),
        "placed_p50": percentile(run.placed_seconds, 0.5),
        "placed_p99": percentile(run.placed_seconds, 0.99),
        "terminal_p50": percentile(terminal["to_terminal"], 0.5),
        "terminal_p99": percentile(terminal["to_terminal"], 0.99),
        "placed": len(run.placed),
        "refused": dict(run.refused),
        "failures": dict(failures),
        "status": dict(terminal["status"]),
        "level": level,
        "cpu": cpu,
        "client_cpu": client_cpu,
        "slowest": sorted(
            ((sent - started, seconds, outcome) for sent, seconds, outcome in run.calls),
            key=lambda call: -call[1],
        )[:SLOWEST],
        "hops": {hop: (percentile(s, 0.5), percentile(s, 0.99), len(s)) for hop, s in hops.items()},
        "http_5xx": sum(n for code, n in statuses.items() if code >= 500),
        "invariants": {
            "PAID ≤ stock": paid <= stock,
            "available = stock - PAID": level["available"] == stock - paid,
            "nothing left reserved": level["reserved"] == 0,
            "no order PENDING": terminal["every_status"].get("PENDING", 0) == 0,
            "no 5xx": all(code < 500 for code in statuses),
            "no failed request": not failures,
        },
    }


def report(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        f"# Checkout bench, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (shared machine).",
        "",
        "| stack | checkouts/s | placeOrder p50 / p99 | placeOrder p50 / p99, placed only "
        "| to terminal p50 / p99 | placed | refused | orders by status | invariants |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        broken = [name for name, ok in r["invariants"].items() if not ok]
        lines.append(
            f"| {r['stack']} ({r['shoppers']} shoppers, {r['concurrency']} at once, stock "
            f"{r['stock']}) | {r['rate']:.1f} | {r['place_p50']:.2f} s / {r['place_p99']:.2f} s "
            f"| {r['placed_p50']:.2f} s / {r['placed_p99']:.2f} s "
            f"| {r['terminal_p50']:.2f} s / {r['terminal_p99']:.2f} s | {r['placed']} | "
            f"{r['refused'] or '—'} | {r['status']} | "
            f"{'all hold' if not broken else 'BROKEN: ' + ', '.join(broken)} |"
        )
    for r in results:
        ours = sum(sec for name, sec in r["cpu"].items() if not name.startswith("service:"))
        total = sum(r["cpu"].values())
        services = (
            f"; with PostgreSQL, Kafka and Redis {total:.1f} s, "
            f"{1000 * total / max(r['shoppers'], 1):.0f} ms per checkout"
            if total > ours
            else ""
        )
        lines += [
            "",
            f"CPU seconds during the checkout phase, {r['stack']} (ShopGraph's processes "
            f"{ours:.1f} s, {1000 * ours / max(r['shoppers'], 1):.0f} ms per checkout{services}; "
            "stock after: "
            f"{r['level']}; HTTP 5xx: {r['http_5xx']}; failed requests: {r['failures'] or 0}):",
            "",
            "| process | CPU s |",
            "|---|---:|",
            *(f"| {name} | {sec:.1f} |" for name, sec in sorted(r["cpu"].items())),
            f"| bench client (not in the totals above) | {r['client_cpu']:.1f} |",
            "",
            f"Time to PAID hop by hop, {r['stack']} (placed orders with both ends recorded):",
            "",
            "| hop | p50 | p99 | orders |",
            "|---|---:|---:|---:|",
            *(
                f"| {hop} | {1000 * p50:.0f} ms | {1000 * p99:.0f} ms | {n} |"
                for hop, (p50, p99, n) in r["hops"].items()
            ),
            "",
            f"The {len(r['slowest'])} slowest placeOrders, {r['stack']}:",
            "",
            "| sent, s into the phase | took | outcome |",
            "|---:|---:|---|",
            *(
                f"| {offset:.2f} s | {seconds:.2f} s | {outcome} |"
                for offset, seconds, outcome in r["slowest"]
            ),
        ]
    lines += [
        "",
        "The scale-out rows count PostgreSQL, Kafka and Redis (`service:`) whole: on a shared "
        "machine they include other work's queries. The bench client's row is the load "
        "generator's own CPU (`getrusage`), on the same cores as the stack.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shoppers", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--stock", type=int, default=None, help="default: 80%% of shoppers")
    parser.add_argument("--stacks", default="scale-out,dev")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scale-out stack's databases (bc_*)"
    )
    args = parser.parse_args()
    stock = args.stock if args.stock is not None else args.shoppers * 4 // 5
    results = []
    for name in args.stacks.split(","):
        if name == "scale-out":
            urls = [os.environ[f"SHOPGRAPH_TEST_{s}_URL"] for s in ("POSTGRES", "KAFKA", "REDIS")]
            context = checkout_stack.scale_out(*urls, keep_databases=args.keep)
        else:
            context = checkout_stack.dev()
        with context as stack:
            results.append(asyncio.run(measure(stack, args.shoppers, args.concurrency, stock)))
        log(f"{name}: {results[-1]['rate']:.1f} checkouts/s")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"checkout-{dt.datetime.now(dt.UTC):%Y-%m-%d-%H%M%S}.md"
    command = "make bench-checkout BENCH_CHECKOUT_ARGS='" + " ".join(sys.argv[1:]) + "'"
    path.write_text(report(results, command))
    print(path.read_text())


if __name__ == "__main__":
    main()
