"""A payments worker killed with SIGKILL while 200 orders flow, then restarted: every order
still ends PAID or PAYMENT_FAILED, with one charge each and each stock hold ended exactly once.
Runs on PostgreSQL + Kafka + Redis: the worker is a separate ``shopgraph worker`` process.

Every wait is for a condition with a generous bound (``SETTLE_SECONDS``), so a machine busy
with other runs makes the test slower, not red."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.support.platform import column_settings, running_platform, settings_env
from tests.support.scheduling import FAULT_TESTS
from tests.support.shop import TERMINAL, Shop

pytestmark = [pytest.mark.e2e, FAULT_TESTS]

SHOPPERS = 20
ROUNDS = 10


def payment_method(shopper: int, round_: int) -> str:
    n = shopper * ROUNDS + round_
    if n % 5 == 0:
        return "pm_card_chargeDeclined"
    return "pm_card_flaky" if n % 7 == 0 else "pm_card_visa"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bootstrap.cli", "worker", "payments"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


# 200 checkouts through a worker restart: minutes on a machine shared with other runs.
@pytest.mark.timeout(1200)
async def test_worker_killed_mid_flow(tmp_path: Path) -> None:
    settings = column_settings("postgres+kafka+redis", tmp_path)
    async with running_platform(settings, skip_groups=frozenset({"payments"})) as platform:
        shop = Shop(platform)
        await shop.sign_in_admin()
        product = await shop.create_product(stock=1000)
        env = settings_env(platform.settings)
        log = tmp_path / "worker.log"
        worker = start_worker(env, log)
        tokens = [await shop.register() for _ in range(SHOPPERS)]
        placed: list[tuple[str, str, str]] = []  # token, order id, payment method
        keys: dict[str, str] = {}  # order id: idempotency key
        sixty_placed = asyncio.Event()

        async def shopper(index: int) -> None:
            for round_ in range(ROUNDS):
                token = tokens[index]
                await shop.add_to_cart(token, product, 1)
                method = payment_method(index, round_)
                key = uuid.uuid4().hex
                result = await shop.place_order_answered(token, payment_method=method, key=key)
                assert result["errors"] == [], result
                placed.append((token, result["order"]["id"], method))
                keys[result["order"]["id"]] = key
                if len(placed) >= 60:
                    sixty_placed.set()
                await shop.wait_for_empty_cart(token)

        async def killer() -> None:
            await sixty_placed.wait()
            worker.send_signal(signal.SIGKILL)
            await asyncio.to_thread(worker.wait)

        try:
            await asyncio.gather(killer(), *(shopper(i) for i in range(SHOPPERS)))
            assert worker.returncode == -signal.SIGKILL
            worker = start_worker(env, log)
            # One order at a time: 200 concurrent pollers would load the platform they wait
            # for; by the time the first is settled most of the others are too.
            statuses = [await shop.wait_for_status(t, o, TERMINAL) for t, o, _ in placed]
        finally:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)

        assert len(placed) == SHOPPERS * ROUNDS
        expected = [
            "PAYMENT_FAILED" if m == "pm_card_chargeDeclined" else "PAID" for *_, m in placed
        ]
        assert statuses == expected
        paid = expected.count("PAID")
        assert await shop.settled_stock(product) == {
            "available": 1000 - paid,
            "reserved": 0,
            "onHand": 1000 - paid,
        }
        # A placeOrder that timed out on a busy machine releases what its try held before
        # answering SERVICE_UNAVAILABLE, and the shopper's retry (same key, same order id)
        # holds again: an order may have several RESERVE/RELEASE pairs. Each hold still ends
        # exactly once, only a paid order's unit leaves, and a declined order is released.
        ledger = await shop.ledger_by_order(product)
        assert {
            order: (entry["COMMIT"], entry["onHand"], entry["reserved"])
            for order, entry in ledger.items()
        } == {
            order: (0, 0, 0) if method == "pm_card_chargeDeclined" else (1, -1, 0)
            for _, order, method in placed
        }
        declined = [order for _, order, method in placed if method == "pm_card_chargeDeclined"]
        assert all(ledger[order]["RELEASE"] >= 1 for order in declined)
        paid_releases = {
            order: (ledger[order]["RELEASE"], shop.refusals[keys[order]])
            for _, order, method in placed
            if method != "pm_card_chargeDeclined"
        }
        assert all(released <= refused for released, refused in paid_releases.values()), (
            "a paid order released more often than its placeOrder was refused",
            paid_releases,
        )
        for _, order_id, method in placed:
            payment = await shop.payment_of(order_id)
            assert payment is not None
            assert payment["status"] == (
                "FAILED" if method == "pm_card_chargeDeclined" else "CAPTURED"
            )
