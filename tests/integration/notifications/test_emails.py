"""Customers get one email per event, over real SMTP (aiosmtpd on a free port)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shopgraph.events.envelope import Event
from tests.integration.notifications.conftest import (
    Notifications,
    body_html,
    body_text,
    order_created,
    payment_failed,
    payment_succeeded,
)
from workers.notifications.directory import Person
from workers.notifications.notifier import RecipientUnknown


async def test_password_reset_mail_carries_the_token(notes: Notifications) -> None:
    token = "reset-" + uuid.uuid4().hex
    event = Event.new(
        "PasswordResetRequested",
        str(uuid.uuid4()),
        {
            "userId": str(uuid.uuid4()),
            "email": "Forgetful@Example.com",
            "firstName": "Ada",
            "token": token,
            "expiresAt": "2026-11-24T12:00:00+00:00",
        },
    )
    await notes.deliver("users", event)
    [mail] = notes.mail_to("forgetful@example.com")
    assert "reset" in mail["Subject"].lower()
    assert mail["From"] == notes.settings.mail_from
    assert token in body_text(mail)
    assert token in body_html(mail)
    assert body_text(mail).startswith("Hi Ada,")


async def test_order_confirmation_lists_the_order(notes: Notifications) -> None:
    event = order_created("buyer@example.com", user_id="u-1")
    notes.directory.people["u-1"] = Person("sam@elsewhere.example", "Sam", "Shopper")
    await notes.deliver("orders", event)
    [mail] = notes.mail_to("buyer@example.com")
    assert "order" in mail["Subject"].lower() and "confirmed" in mail["Subject"].lower()
    text = body_text(mail)
    assert event.aggregate_id in text
    assert "Hi Sam," in text
    assert "2 x Coffee <Mug> at 12.50 USD" in text
    assert "Total: 25.00 USD" in text
    html = body_html(mail)
    assert "Coffee &lt;Mug&gt;" in html and "<Mug>" not in html  # escaped


async def test_order_confirmation_greets_with_the_name_the_event_carries(
    notes: Notifications,
) -> None:
    event = order_created("named@example.com", user_id="u-2")
    event.payload.update(firstName="Ada", lastName=None)
    notes.directory.people["u-2"] = Person("named@example.com", "Stale", "Name")
    await notes.deliver("orders", event)
    [mail] = notes.mail_to("named@example.com")
    assert body_text(mail).startswith("Hi Ada,")
    assert notes.directory.asked == []  # users was not asked


async def test_a_named_event_of_an_account_without_a_first_name_greets_plainly(
    notes: Notifications,
) -> None:
    event = order_created("anonymous@example.com", user_id="u-3")
    event.payload.update(firstName=None, lastName=None)
    notes.directory.people["u-3"] = Person("anonymous@example.com", "Stale", None)
    await notes.deliver("orders", event)
    [mail] = notes.mail_to("anonymous@example.com")
    assert body_text(mail).startswith("Hello,")
    assert notes.directory.asked == []


async def test_payment_success_and_failure_mails(notes: Notifications) -> None:
    paid = order_created("paid@example.com", phone="+15550100")
    declined = order_created("declined@example.com")
    await notes.deliver("orders", paid)
    await notes.deliver("orders", declined)

    await notes.deliver("payments", payment_succeeded(paid.aggregate_id))
    await notes.deliver("payments", payment_failed(declined.aggregate_id))

    [_, success] = notes.mail_to("paid@example.com")
    assert "payment received" in success["Subject"].lower()
    assert "25.00 USD" in body_text(success)
    assert paid.aggregate_id in body_text(success)
    assert notes.sms.sent and notes.sms.sent[0][0] == "+15550100"
    assert "25.00 USD" in notes.sms.sent[0][1]

    [_, failure] = notes.mail_to("declined@example.com")
    assert "payment failed" in failure["Subject"].lower()
    assert "your card was declined" in body_text(failure)
    assert len(notes.sms.sent) == 1  # no phone on the declined order, and no SMS for failures


async def test_cancellation_mail_mentions_the_refund(notes: Notifications) -> None:
    order = order_created("cancel@example.com")
    await notes.deliver("orders", order)
    await notes.deliver(
        "orders",
        Event.new(
            "OrderCancelled",
            order.aggregate_id,
            {
                "orderId": order.aggregate_id,
                "userId": "u",
                "reason": "out of stock",
                "wasPaid": True,
            },
        ),
    )
    [_, cancelled] = notes.mail_to("cancel@example.com")
    assert "cancelled" in cancelled["Subject"].lower()
    assert "out of stock" in body_text(cancelled)
    assert "refunded" in body_text(cancelled)


async def test_redelivered_events_send_once(notes: Notifications) -> None:
    order = order_created("once@example.com")
    succeeded = payment_succeeded(order.aggregate_id)
    for _ in range(3):
        await notes.deliver("orders", order)
        await notes.deliver("payments", succeeded)
    await asyncio.gather(*(notes.deliver("payments", succeeded) for _ in range(5)))
    subjects = [m["Subject"] for m in notes.mail_to("once@example.com")]
    assert len(subjects) == 2, subjects
    assert len(await notes.sent()) == 2


async def test_a_payment_before_its_order_is_retried_not_lost(notes: Notifications) -> None:
    order = order_created("early@example.com")
    succeeded = payment_succeeded(order.aggregate_id)
    with pytest.raises(RecipientUnknown):
        await notes.deliver("payments", succeeded)
    assert notes.mail_to("early@example.com") == []

    await notes.deliver("orders", order)
    await notes.deliver("payments", succeeded)  # the runtime's retry
    assert len(notes.mail_to("early@example.com")) == 2


async def test_a_payment_before_its_order_finds_the_customer_in_users(
    notes: Notifications,
) -> None:
    user_id = str(uuid.uuid4())
    notes.directory.people[user_id] = Person("early-bird@example.com", "Robin", None)
    order = order_created("early-bird@example.com", user_id=user_id)
    await notes.deliver("payments", payment_succeeded(order.aggregate_id, user_id))
    [paid] = notes.mail_to("early-bird@example.com")
    assert "payment received" in paid["Subject"].lower()
    assert body_text(paid).startswith("Hi Robin,")

    await notes.deliver("orders", order)
    assert len(notes.mail_to("early-bird@example.com")) == 2
    # In the usual order of events, users is asked only for the greeting on OrderCreated.
    asked = len(notes.directory.asked)
    await notes.deliver("payments", payment_failed(order.aggregate_id))
    assert len(notes.directory.asked) == asked


async def test_a_mail_server_outage_sends_later_exactly_once(
    notes: Notifications, unused_smtp_port: int
) -> None:
    from workers.notifications import notification_handlers

    down = notes.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{unused_smtp_port}"})
    order = order_created("outage@example.com")
    async with notification_handlers(down, directory=notes.directory) as registry:
        handler = registry.lookup("orders", "OrderCreated")
        assert handler is not None
        with pytest.raises(Exception):  # noqa: B017 - the SMTP client's connection error
            await handler(order)
    assert await notes.sent() == []
    await notes.deliver("orders", order)  # the retry, with the server back
    assert len(notes.mail_to("outage@example.com")) == 1
    await notes.deliver("orders", order)
    assert len(notes.mail_to("outage@example.com")) == 1


@pytest.fixture
def unused_smtp_port() -> int:
    from tests.support.platform import free_port

    return free_port()


def status_changed(order_id: str, status: str, previous: str) -> Event:
    return Event.new(
        "OrderStatusChanged",
        order_id,
        {"orderId": order_id, "status": status, "previousStatus": previous, "items": []},
    )


# ``orders``: where OrderStatusChanged was written before it had a topic of its own.
@pytest.mark.parametrize("topic", ["order-status", "orders"])
async def test_a_fulfilled_order_gets_a_shipping_update_and_other_changes_send_nothing(
    notes: Notifications, topic: str
) -> None:
    order = order_created("ship@example.com")
    await notes.deliver("orders", order)

    await notes.deliver(topic, status_changed(order.aggregate_id, "PAID", "PENDING"))
    await notes.deliver(topic, status_changed(order.aggregate_id, "FULFILLED", "PAID"))

    [_, shipped] = notes.mail_to("ship@example.com")
    assert "has shipped" in shipped["Subject"]
    assert order.aggregate_id in body_text(shipped)
    assert len(await notes.sent()) == 2
