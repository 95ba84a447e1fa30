"""The notifications group's batch form: a run of events sends each message once, in one
transaction, and leaves an order whose recipient is unknown to the one-event path."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from shopgraph.events.envelope import Event
from tests.integration.notifications.conftest import (
    Notifications,
    order_created,
    payment_failed,
    payment_succeeded,
)
from workers.notifications.notifier import RecipientUnknown


async def deliver_run(notes: Notifications, events: Sequence[Event]) -> None:
    batch = notes.registry.batch_for("orders", "OrderCreated")
    assert batch is not None
    assert notes.registry.batch_for("payments", "PaymentSucceeded") is batch
    await batch(events)


def status_changed(order_id: str, status: str) -> Event:
    return Event.new("OrderStatusChanged", order_id, {"orderId": order_id, "status": status})


async def test_a_run_sends_each_events_mail_once(notes: Notifications) -> None:
    first, second = order_created("first@example.com"), order_created("second@example.com")
    run = [
        first,
        second,
        payment_succeeded(first.aggregate_id),
        status_changed(first.aggregate_id, "PAID"),  # sends nothing
        payment_failed(second.aggregate_id),
    ]

    await deliver_run(notes, run)
    await deliver_run(notes, run)  # redelivered
    for event in run:  # and one by one, as the runtime's fallback would
        await notes.deliver("payments" if event.type.startswith("Payment") else "orders", event)

    assert [m["Subject"] for m in notes.mail_to("first@example.com")] == [
        f"Your ShopGraph order {first.aggregate_id[:8].upper()} is confirmed",
        f"Payment received for your order {first.aggregate_id[:8].upper()}",
    ]
    assert len(notes.mail_to("second@example.com")) == 2
    assert len(await notes.sent()) == 4


async def test_a_payment_whose_order_is_unknown_sends_nothing_from_the_run(
    notes: Notifications,
) -> None:
    known, unknown = order_created("known@example.com"), order_created("unknown@example.com")
    await notes.deliver("orders", known)
    early = payment_succeeded(unknown.aggregate_id)

    with pytest.raises(RecipientUnknown):
        await deliver_run(notes, [payment_succeeded(known.aggregate_id), early])

    assert len(notes.mail_to("known@example.com")) == 1  # the confirmation only
    assert len(await notes.sent()) == 1
