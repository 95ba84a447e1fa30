"""Checkout proven under faults (issue #12): while shoppers check out concurrently, the
inventory subgraph process and the payments worker process are killed with SIGKILL and
started again, the Kafka broker is killed and restarted, and PostgreSQL crashes and
recovers. Afterwards every order has reached its terminal status, each effect of an event
happened exactly once (one charge and one stock commit per paid order, one confirmation and
one payment mail per order), no stock is left reserved and the stock adds up.

An inventory outage shorter than the request's deadline costs ``placeOrder`` latency, not
the order: no ``placeOrder`` in flight during it is refused (its internal retries spend the
request's deadline, shopgraph/request_deadline.py). The platform's deadline here outlasts
the longest outage the test allows: on a machine shared by a crowd of runs the restarted
process alone can take longer than the default 25 s to be ready.

PostgreSQL and Kafka are the test's own (tests/e2e/private_servers.py): restarting the
shared ones would break every other test. Redis is the shared one and is not restarted.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import structlog

from bootstrap.registry import service_names
from shopgraph.settings import Settings, load_settings
from tests.conftest import real_service_url
from tests.e2e.private_servers import PrivateServers, private_servers
from tests.support.platform import Platform, free_port, running_platform, settings_env
from tests.support.scheduling import FAULT_TESTS
from tests.support.shop import TERMINAL, GraphQLFailure, Shop

# About 90 s on a quiet machine; four to five minutes on a 2-core one shared by a crowd.
pytestmark = [pytest.mark.e2e, FAULT_TESTS, pytest.mark.timeout(600)]

T = TypeVar("T")

SHOPPERS = 12
ROUNDS = 3
STOCK = 500
INVENTORY_OUTAGE_SECONDS = 3.0
# How long a (re)started process may take to answer /readyz.
READY_SECONDS = 90.0
# The orders subgraph's request deadline: longer than any inventory outage the test allows
# (down, then restarted and ready), shorter than the test client's own timeout.
PLACE_ORDER_DEADLINE_SECONDS = INVENTORY_OUTAGE_SECONDS + READY_SECONDS + 10.0
MAIL_SUBJECT = re.compile(
    r"order (?P<confirmed>\w{8}) is confirmed|Payment \w+ for your order (?P<payment>\w{8})"
)
# payments runs as its own process; search, analytics and reviews play no part in checkout
# and would only load the machine.
SEPARATE_OR_UNUSED_GROUPS = frozenset({"payments", "search", "analytics", "reviews"})
# A step that fails while a server is down is tried again for this long (a placeOrder
# may itself take up to its deadline).
PERSIST_SECONDS = 2 * PLACE_ORDER_DEADLINE_SECONDS


@dataclass
class Outage:
    started: float
    ended: float = float("inf")

    def overlaps(self, sent: float, answered: float) -> bool:
        return sent < self.ended and answered > self.started


@dataclass
class Journal:
    """What the shoppers saw: placed orders, refusals and failed calls, with times."""

    placed: list[tuple[str, str, str]] = field(default_factory=list)  # token, order, method
    refusals: list[tuple[float, float, str]] = field(default_factory=list)  # sent, answered
    failed_calls: Counter[str] = field(default_factory=Counter)
    progress: asyncio.Condition = field(default_factory=asyncio.Condition)
    timeline: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, what: str) -> None:
        """A line of the run's timeline (printed when the test fails)."""
        line = f"{time.monotonic() - self.started:6.1f}s {len(self.placed):3d} placed  {what}"
        self.timeline.append(line)
        print(line, flush=True)

    async def record_placed(self, token: str, order_id: str, method: str) -> None:
        async with self.progress:
            self.placed.append((token, order_id, method))
            self.progress.notify_all()

    async def wait_placed(self, count: int) -> None:
        async with self.progress:
            await self.progress.wait_for(lambda: len(self.placed) >= min(count, SHOPPERS * ROUNDS))


def payment_method(shopper: int, round_: int) -> str:
    return "pm_card_chargeDeclined" if (shopper * ROUNDS + round_) % 5 == 0 else "pm_card_visa"


async def persist(journal: Journal, what: str, step: Callable[[], Awaitable[T]]) -> T:
    """``step`` tried again while a server is down (as a storefront would)."""
    async with asyncio.timeout(PERSIST_SECONDS):
        while True:
            try:
                return await step()
            except (GraphQLFailure, httpx.HTTPError, ValueError) as exc:
                journal.failed_calls[f"{what}: {type(exc).__name__}"] += 1
                await asyncio.sleep(0.5)


class ShopgraphProcess:
    """One ``shopgraph`` command as its own process, killed and started again by the test."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "bootstrap.cli", *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait() == -signal.SIGKILL

    def restart(self) -> None:
        self.process = self._start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def wait_ready(platform: Platform, service: str, process: ShopgraphProcess) -> float:
    """Seconds from now until the service's ``/readyz`` answers 200."""
    started = time.monotonic()
    url = platform.url(service).removesuffix("/graphql") + "/readyz"
    async with asyncio.timeout(READY_SECONDS):
        while True:
            assert process.process.poll() is None, f"{service} exited (see {process.log})"
            try:
                if (await platform.http.get(url, timeout=2)).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)


def faults_settings(servers: PrivateServers, tmp_path: Path) -> Settings:
    return load_settings(
        environment="test",
        data_dir=tmp_path,
        ports={service: free_port() for service in service_names()},
        outbox_poll_seconds=0.05,
        database_url=servers.postgres_url.rsplit("/", 1)[0] + "/faults_{service}",
        bus_url=f"{servers.kafka_url}?namespace=faults{uuid.uuid4().hex[:8]}",
        kv_url=real_service_url("redis"),
        request_deadline_seconds=PLACE_ORDER_DEADLINE_SECONDS,
    )


@pytest.fixture
def servers() -> Iterator[PrivateServers]:
    with private_servers() as started:
        yield started


@pytest.fixture(autouse=True)
def plain_logs() -> Iterator[None]:
    """Warnings and errors as JSON lines while the platform runs in the test's event loop.
    structlog's default console renderer draws each logged exception with rich (locals
    included): under the faults' bursts of errors that stalls the loop for seconds."""
    saved = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=False,
    )
    try:
        yield
    finally:
        structlog.configure(**saved)


async def test_checkout_survives_killed_processes_and_restarted_servers(
    servers: PrivateServers, tmp_path: Path
) -> None:
    settings = faults_settings(servers, tmp_path)
    journal = Journal()
    async with running_platform(
        settings, skip_groups=SEPARATE_OR_UNUSED_GROUPS, skip_services=frozenset({"inventory"})
    ) as platform:
        env = settings_env(platform.settings) | {
            "SHOPGRAPH_METRICS_PORT": str(free_port()),
            "SHOPGRAPH_LOG_LEVEL": "WARNING",
        }
        inventory = ShopgraphProcess(
            ["serve", "inventory", "--no-migrate"], env, tmp_path / "inventory.log"
        )
        payments = ShopgraphProcess(["worker", "payments"], env, tmp_path / "payments.log")
        try:
            await wait_ready(platform, "inventory", inventory)
            shop = Shop(platform)
            await shop.sign_in_admin()
            product = await shop.create_product(stock=STOCK)
            tokens = await asyncio.gather(*(shop.register() for _ in range(SHOPPERS)))
            outage = await run_faults_under_load(
                shop, journal, product, list(tokens), servers, inventory, payments
            )
            journal.note("every order placed")
            try:
                await assert_every_effect_once(shop, platform, journal, product)
            finally:
                journal.note(f"failed calls: {dict(journal.failed_calls)}")
        finally:
            inventory.stop()
            payments.stop()

    refused = [r for r in journal.refusals if outage.overlaps(r[0], r[1])]
    assert refused == [], f"placeOrder refused during the inventory outage: {refused}"


async def run_faults_under_load(
    shop: Shop,
    journal: Journal,
    product: str,
    tokens: list[str],
    servers: PrivateServers,
    inventory: ShopgraphProcess,
    payments: ShopgraphProcess,
) -> Outage:
    """The shoppers' rounds with the faults injected one after the other as orders come in;
    returns the inventory outage (kill to ready again)."""
    outage = Outage(started=float("inf"))

    async def shopper(index: int) -> None:
        token = tokens[index]
        for round_ in range(ROUNDS):
            await persist(journal, "addToCart", lambda: shop.add_to_cart(token, product, 1))
            method = payment_method(index, round_)
            order_id = await place(shop, journal, token, method)
            await journal.record_placed(token, order_id, method)
            await shop.wait_for_empty_cart(token, seconds=PERSIST_SECONDS)

    async def faults() -> None:
        total = SHOPPERS * ROUNDS
        await journal.wait_placed(total // 6)
        outage.started = time.monotonic()
        inventory.kill()
        journal.note("inventory killed")
        await asyncio.sleep(INVENTORY_OUTAGE_SECONDS)
        inventory.restart()
        ready_after = await wait_ready(shop.platform, "inventory", inventory)
        outage.ended = time.monotonic()
        journal.note(f"inventory ready again, {ready_after:.1f}s after its start")
        await journal.wait_placed(total // 3)
        payments.kill()
        journal.note("payments worker killed")
        await asyncio.sleep(1)
        payments.restart()
        journal.note("payments worker started")
        await journal.wait_placed(total // 2)
        journal.note("kafka killed")
        await servers.restart_kafka()
        journal.note("kafka ready again")
        await journal.wait_placed(2 * total // 3)
        journal.note("postgres crashed")
        await servers.restart_postgres()
        journal.note("postgres ready again")

    await asyncio.gather(faults(), *(shopper(i) for i in range(len(tokens))))
    return outage


async def place(shop: Shop, journal: Journal, token: str, method: str) -> str:
    """placeOrder with one idempotency key until it is placed, noting every refusal."""
    key = uuid.uuid4().hex
    async with asyncio.timeout(PERSIST_SECONDS):
        while True:
            sent = time.monotonic()
            try:
                result = await shop.place_order(token, payment_method=method, key=key)
            except (GraphQLFailure, httpx.HTTPError, ValueError) as exc:
                journal.failed_calls[f"placeOrder: {type(exc).__name__}"] += 1
                journal.refusals.append((sent, time.monotonic(), type(exc).__name__))
                await asyncio.sleep(0.5)
                continue
            codes = [error["code"] for error in result["errors"]]
            if not codes:
                return str(result["order"]["id"])
            assert codes == ["SERVICE_UNAVAILABLE"], result
            journal.refusals.append((sent, time.monotonic(), codes[0]))
            await asyncio.sleep(0.5)


async def assert_every_effect_once(
    shop: Shop, platform: Platform, journal: Journal, product: str
) -> None:
    placed = journal.placed
    assert len(placed) == len({order for _, order, _ in placed}) == SHOPPERS * ROUNDS
    statuses = await asyncio.gather(
        *(shop.wait_for_status(t, o, TERMINAL, seconds=120) for t, o, _ in placed)
    )
    expected = ["PAYMENT_FAILED" if m == "pm_card_chargeDeclined" else "PAID" for *_, m in placed]
    assert statuses == expected
    paid = {
        order for (_, order, _), status in zip(placed, statuses, strict=True) if status == "PAID"
    }

    assert await shop.settled_stock(product, seconds=60) == {
        "onHand": STOCK - len(paid),
        "reserved": 0,
        "available": STOCK - len(paid),
    }
    committed = Counter(
        m["orderId"] for m in await shop.movements(product) if m["kind"] == "COMMIT"
    )
    assert committed == Counter(paid)
    for _, order_id, _ in placed:
        payment = await shop.payment_of(order_id)
        assert payment is not None
        assert payment["status"] == ("CAPTURED" if order_id in paid else "FAILED")

    most = await most_mails_of_an_order(platform, [order for _, order, _ in placed])
    assert most == {"confirmed": 1, "payment": 1}


async def most_mails_of_an_order(platform: Platform, orders: list[str]) -> dict[str, int]:
    """Once every order has its confirmation and its payment mail (received or failed):
    the most mails of each kind that one order got."""
    refs = {order[:8].upper() for order in orders}
    async with asyncio.timeout(60):
        while True:
            counts: dict[str, Counter[str]] = {"confirmed": Counter(), "payment": Counter()}
            for message in platform.mailbox.messages:
                found = MAIL_SUBJECT.search(str(message["Subject"]))
                if found and found["confirmed"]:
                    counts["confirmed"][found["confirmed"]] += 1
                elif found:
                    counts["payment"][found["payment"]] += 1
            if all(set(by_order) >= refs for by_order in counts.values()):
                return {kind: max(by_order.values()) for kind, by_order in counts.items()}
            await asyncio.sleep(0.2)
