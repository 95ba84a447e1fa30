from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bootstrap.migrate import migrate
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.settings import Settings, load_settings
from tests.support.columns import adapter_urls
from tests.support.platform import Mailbox, free_port
from workers.notifications import notification_handlers
from workers.notifications.directory import Person
from workers.notifications.models import sent_messages
from workers.notifications.sms import LogSmsSender


@dataclass
class StaticDirectory:
    """Names by user id (stands in for the users subgraph)."""

    people: dict[str, Person] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def person(self, user_id: str) -> Person | None:
        self.asked.append(user_id)
        return self.people.get(user_id)


@dataclass
class Notifications:
    settings: Settings
    registry: HandlerRegistry
    mailbox: Mailbox
    sms: LogSmsSender
    directory: StaticDirectory

    async def deliver(self, topic: str, event: Event) -> None:
        handler = self.registry.lookup(topic, event.type)
        assert handler is not None, (topic, event.type)
        await handler(event)

    def mail_to(self, address: str) -> list[Message]:
        return self.mailbox.to(address)

    async def sent(self) -> list[Any]:
        from shopgraph.db import Database

        db = Database(self.settings.database_url_for("notifications"))
        try:
            async with db.session() as session:
                return list(
                    (
                        await session.execute(
                            select(sent_messages).order_by(sent_messages.c.sent_at)
                        )
                    ).all()
                )
        finally:
            await db.dispose()


@pytest.fixture
def smtp() -> Any:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


def notification_settings(database_url: str, tmp_path: Path, smtp_port: int) -> Settings:
    return load_settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        **adapter_urls(database_url),
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
    )


@pytest.fixture
async def notes(
    database_url: str, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> AsyncIterator[Notifications]:
    mailbox, port = smtp
    await migrate("notifications", database_url)
    settings = notification_settings(database_url, tmp_path, port)
    sms = LogSmsSender()
    directory = StaticDirectory()
    async with notification_handlers(settings, sms=sms, directory=directory) as registry:
        yield Notifications(settings, registry, mailbox, sms, directory)


def order_created(
    email: str = "sam@example.com",
    *,
    order_id: str | None = None,
    user_id: str | None = None,
    phone: str | None = None,
) -> Event:
    order_id = order_id or str(uuid.uuid4())
    payload: dict[str, Any] = {
        "orderId": order_id,
        "userId": user_id or str(uuid.uuid4()),
        "email": email,
        "items": [
            {
                "productId": str(uuid.uuid4()),
                "sku": "MUG-1",
                "name": "Coffee <Mug>",
                "quantity": 2,
                "unitPriceMinor": 1250,
            }
        ],
        "totalMinor": 2500,
        "currency": "USD",
        "paymentMethod": "pm_card_visa",
    }
    if phone:
        payload["shippingAddress"] = {"name": "Sam", "phone": phone}
    return Event.new("OrderCreated", order_id, payload)


def payment_succeeded(order_id: str, user_id: str | None = None) -> Event:
    payload: dict[str, Any] = {
        "orderId": order_id,
        "paymentId": str(uuid.uuid4()),
        "amountMinor": 2500,
        "currency": "USD",
    }
    if user_id:
        payload["userId"] = user_id
    return Event.new("PaymentSucceeded", order_id, payload)


def payment_failed(order_id: str, reason: str = "card_declined") -> Event:
    return Event.new(
        "PaymentFailed",
        order_id,
        {"orderId": order_id, "paymentId": str(uuid.uuid4()), "reason": reason},
    )


def body_text(message: Message) -> str:
    """The plain-text part, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


def body_html(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/html part")
