"""The payments worker charges each order once: OrderCreated → PaymentSucceeded/Failed."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from subgraphs.payments.handlers import WORKER_GROUPS, payment_handlers
from subgraphs.payments.provider import SandboxProvider
from tests.integration.payments.conftest import Payments, order_payment
from workers.runtime import ConsumerRuntime


async def test_a_good_card_is_captured_and_announced(pay: Payments) -> None:
    event = pay.order_created(total_minor=4999, currency="EUR")
    await pay.deliver("orders", event)

    payment = await order_payment(pay, event.aggregate_id, pay.tokens.owner)
    assert payment["status"] == "CAPTURED"
    assert payment["amount"] == {"amount": "49.99", "currency": "EUR"}
    assert payment["refundedAmount"] == {"amount": "0.00", "currency": "EUR"}
    assert payment["method"] == "pm_card_visa"
    assert payment["failureReason"] is None

    [succeeded] = await pay.events("PaymentSucceeded")
    assert succeeded.aggregate_id == event.aggregate_id
    assert succeeded.payload["orderId"] == event.aggregate_id
    assert succeeded.payload["paymentId"] == payment["id"]
    assert succeeded.payload["amountMinor"] == 4999
    assert succeeded.payload["currency"] == "EUR"
    assert await pay.events("PaymentFailed") == []
    assert [m.amount_minor for m in pay.sandbox.moved("capture")] == [4999]


@pytest.mark.parametrize(
    ("method", "reason"),
    [("pm_card_chargeDeclined", "card_declined"), ("pm_card_bogus", "invalid_payment_method")],
)
async def test_a_refused_card_fails_the_payment(pay: Payments, method: str, reason: str) -> None:
    event = pay.order_created(method=method)
    await pay.deliver("orders", event)

    payment = await order_payment(pay, event.aggregate_id, pay.tokens.owner)
    assert payment["status"] == "FAILED"
    assert payment["failureReason"] == reason
    [failed] = await pay.events("PaymentFailed")
    assert failed.payload == failed.payload | {
        "orderId": event.aggregate_id,
        "paymentId": payment["id"],
        "reason": reason,
    }
    assert await pay.events("PaymentSucceeded") == []
    assert pay.sandbox.moved("capture") == []


async def test_redelivered_and_concurrent_order_created_charge_once(pay: Payments) -> None:
    event = pay.order_created(total_minor=1234)
    # The same event redelivered, and copies with other ids (e.g. a producer that
    # re-published), all at once and then again.
    copies = [event] * 5 + [
        Event.new(event.type, event.aggregate_id, event.payload) for _ in range(5)
    ]
    await asyncio.gather(*(pay.deliver("orders", e) for e in copies))
    await pay.deliver("orders", event)

    assert await pay.counts() == (1, 0)
    assert len(await pay.events("PaymentSucceeded")) == 1
    captures = pay.sandbox.moved("capture")
    assert [(m.amount_minor, m.currency) for m in captures] == [(1234, "USD")]
    payment = await order_payment(pay, event.aggregate_id, pay.tokens.admin)
    assert payment["status"] == "CAPTURED"


async def test_a_flaky_provider_is_retried_by_the_worker_runtime(pay: Payments) -> None:
    """pm_card_flaky fails twice per key; the real runtime's retries get it through, and the
    two failed attempts left nothing behind."""
    bus = bus_from_url(pay.settings.bus_url)
    await bus.start()
    sandbox = SandboxProvider()
    event = pay.order_created(method="pm_card_flaky", total_minor=700)
    try:
        async with payment_handlers(pay.settings, provider=sandbox) as registry:
            runtime = ConsumerRuntime(bus, "payments", ("orders",), registry, max_attempts=5)
            task = asyncio.create_task(runtime.run())
            await bus.publish("orders", event)
            async with asyncio.timeout(20):
                while runtime.stats.handled < 1:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            await runtime.stop()
            await task
    finally:
        await bus.stop()

    # The batch form's try failed first, then the one-event path's first attempt; it retried.
    assert runtime.stats.retries == 1
    assert runtime.stats.dead_lettered == 0
    assert [kind for kind, _ in sandbox.calls] == ["authorize"] * 3 + ["capture"]
    assert len(sandbox.moved("capture")) == 1
    payment = await order_payment(pay, event.aggregate_id, pay.tokens.admin)
    assert payment["status"] == "CAPTURED"
    assert len(await pay.events("PaymentSucceeded")) == 1


async def test_a_transient_failure_leaves_nothing_behind(pay: Payments) -> None:
    event = pay.order_created(method="pm_card_flaky")
    for _ in range(2):
        with pytest.raises(Exception, match="temporarily unavailable"):
            await pay.deliver("orders", event)
        assert await pay.counts() == (0, 0)
        assert await pay.events() == []
        assert await order_payment(pay, event.aggregate_id, pay.tokens.admin) is None
    await pay.deliver("orders", event)
    assert await pay.counts() == (1, 0)


async def test_an_event_breaking_the_contract_is_refused(pay: Payments) -> None:
    event = pay.order_created()
    broken = Event.new(event.type, event.aggregate_id, event.payload | {"totalMinor": "12.50"})
    with pytest.raises(ValueError, match="totalMinor"):
        await pay.deliver("orders", broken)
    assert await pay.counts() == (0, 0)
    assert pay.sandbox.calls == []


def test_the_group_is_declared() -> None:
    [group] = WORKER_GROUPS
    assert group.name == "payments"
    assert group.topics == ("orders",)


async def test_no_payment_is_shown_for_an_order_not_charged(pay: Payments) -> None:
    assert await order_payment(pay, str(uuid.uuid4()), pay.tokens.admin) is None
