"""The ``notifications`` group on the real consumer runtime: events in, one mail each out."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from bootstrap.migrate import migrate
from shopgraph.events.bus import bus_from_url
from tests.integration.notifications.conftest import (
    StaticDirectory,
    notification_settings,
    order_created,
    payment_failed,
    payment_succeeded,
)
from tests.support.platform import Mailbox
from workers.notifications import WORKER_GROUPS, notification_handlers
from workers.notifications.directory import Person
from workers.runtime import ConsumerRuntime


def test_the_group_consumes_the_customer_facing_topics() -> None:
    [group] = WORKER_GROUPS
    assert group.name == "notifications"
    assert set(group.topics) == {"users", "orders", "order-status", "payments"}


async def test_events_through_the_runtime_mail_once(
    database_url: str, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    await migrate("notifications", database_url)
    settings = notification_settings(database_url, tmp_path, port)
    bus = bus_from_url(settings.bus_url)
    await bus.start()
    user_id = str(uuid.uuid4())
    directory = StaticDirectory({user_id: Person("late@example.com", "Lee", None)})
    paid = order_created("paid@example.com")
    declined = order_created("declined@example.com")
    late = order_created("late@example.com", user_id=user_id)
    try:
        async with notification_handlers(settings, directory=directory) as registry:
            runtime = ConsumerRuntime(
                bus, "notifications", WORKER_GROUPS[0].topics, registry, max_attempts=3
            )
            task = asyncio.create_task(runtime.run())
            # The usual order: the confirmations go out, then the payments settle...
            for event in (paid, declined):
                await bus.publish("orders", event)
            await mailbox.wait_for("paid@example.com", "confirmed")
            await mailbox.wait_for("declined@example.com", "confirmed")
            await bus.publish("payments", payment_succeeded(paid.aggregate_id))
            # ...and one payment that overtook its order (found through users).
            await bus.publish("payments", payment_succeeded(late.aggregate_id, user_id))
            await bus.publish("orders", late)
            await bus.publish("payments", payment_failed(declined.aggregate_id))
            # A redelivery of an event already mailed.
            await bus.publish("orders", paid)
            await mailbox.wait_for("paid@example.com", "payment received")
            await mailbox.wait_for("declined@example.com", "payment failed")
            await mailbox.wait_for("late@example.com", "payment received")
            await mailbox.wait_for("late@example.com", "confirmed")
            async with asyncio.timeout(10):
                while runtime.stats.handled < 6:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            await runtime.stop()
            await task
    finally:
        await bus.stop()

    assert runtime.stats.dead_lettered == 0
    assert len(mailbox.to("paid@example.com")) == 2
    assert len(mailbox.to("declined@example.com")) == 2
    assert len(mailbox.to("late@example.com")) == 2
