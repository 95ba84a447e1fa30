"""A run of OrderCreated is charged in one transaction, with the one-by-one guarantees."""

from __future__ import annotations

import asyncio

import pytest

from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from subgraphs.payments.handlers import payment_handlers
from subgraphs.payments.provider import SandboxProvider
from tests.integration.payments.conftest import Payments, order_payment
from workers.runtime import ConsumerRuntime


async def test_a_run_charges_each_order_once_with_its_own_outcome(pay: Payments) -> None:
    good = pay.order_created(total_minor=1500)
    declined = pay.order_created(method="pm_card_chargeDeclined")
    settled = pay.order_created(total_minor=900)
    await pay.deliver("orders", settled)
    republished = Event.new(good.type, good.aggregate_id, good.payload)

    await pay.deliver_together("orders", [good, declined, settled, good, republished])
    await pay.deliver_together("orders", [good, declined])  # the whole run redelivered

    assert await pay.counts() == (3, 0)
    statuses = {
        event.aggregate_id: (await order_payment(pay, event.aggregate_id, pay.tokens.admin))[
            "status"
        ]
        for event in (good, declined, settled)
    }
    assert statuses == {
        good.aggregate_id: "CAPTURED",
        declined.aggregate_id: "FAILED",
        settled.aggregate_id: "CAPTURED",
    }
    succeeded = await pay.events("PaymentSucceeded")
    assert sorted(e.aggregate_id for e in succeeded) == sorted(
        [good.aggregate_id, settled.aggregate_id]
    )
    [failed] = await pay.events("PaymentFailed")
    assert failed.aggregate_id == declined.aggregate_id
    assert failed.payload["reason"] == "card_declined"
    assert sorted(m.amount_minor or 0 for m in pay.sandbox.moved("capture")) == [900, 1500]


async def test_a_provider_failure_in_a_run_commits_nothing(pay: Payments) -> None:
    good = pay.order_created()
    flaky = pay.order_created(method="pm_card_flaky")
    with pytest.raises(Exception, match="temporarily unavailable"):
        await pay.deliver_together("orders", [good, flaky])

    assert await pay.counts() == (0, 0)
    assert await pay.events() == []
    assert await order_payment(pay, good.aggregate_id, pay.tokens.admin) is None


async def test_the_runtime_gets_a_run_with_a_flaky_card_and_a_broken_event_through(
    pay: Payments,
) -> None:
    """The batch form raises, so the runtime handles the run one by one: the flaky card is
    retried with its keys, the broken event goes to the dead letters, the rest is charged
    once."""
    bus = bus_from_url(pay.settings.bus_url)
    await bus.start()
    sandbox = SandboxProvider()
    good = [pay.order_created(total_minor=100 * (i + 1)) for i in range(3)]
    flaky = pay.order_created(method="pm_card_flaky", total_minor=700)
    broken_order = pay.order_created()
    broken = Event.new(
        broken_order.type, broken_order.aggregate_id, broken_order.payload | {"totalMinor": "1"}
    )
    try:
        async with payment_handlers(pay.settings, provider=sandbox) as registry:
            runtime = ConsumerRuntime(
                bus, "payments", ("orders",), registry, max_attempts=3, backoff_seconds=0.01
            )
            for event in [*good, flaky, broken]:
                await bus.publish("orders", event)
            task = asyncio.create_task(runtime.run())
            async with asyncio.timeout(30):
                while runtime.stats.handled + runtime.stats.dead_lettered < 5:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            await runtime.stop()
            await task
    finally:
        await bus.stop()

    assert runtime.stats.dead_lettered == 1
    assert await pay.counts() == (4, 0)
    assert sorted(m.amount_minor or 0 for m in sandbox.moved("capture")) == [100, 200, 300, 700]
    assert len(await pay.events("PaymentSucceeded")) == 4
    assert await order_payment(pay, broken.aggregate_id, pay.tokens.admin) is None
