"""What the notifications group does with each event: exactly one email per event (and an
SMS for a paid order when the customer gave a phone number).

Each event is handled in one transaction: inbox claim → compose → **send** → record the
sent message → commit. The send happens before the commit, so delivery is *at least once*:
if the process dies (or the commit fails) after the SMTP server accepted the message, the
event is redelivered and the mail goes out again. The other order (commit, then send) would
lose mail on a crash instead; for receipts and reset codes a rare duplicate is the better
failure, and every message carries a ``Message-ID`` derived from the event id so a mail
system can drop the duplicate. A redelivery *after* the commit sends nothing: the inbox
claim fails.

Payment and cancellation events carry no address: the ``recipients`` table, filled from
``OrderCreated``, gives it. If such an event comes first (the ``orders`` and ``payments``
topics are not ordered with respect to each other), its ``userId`` is looked up in the users
subgraph (:mod:`.directory`); if that finds nobody either, the handler raises
:class:`RecipientUnknown` and the runtime retries it with backoff (and, after its
attempts, dead-letters it: the consumer handles a batch in order, so a retry cannot wait
for an ``OrderCreated`` queued behind it).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.events.inbox import claim
from shopgraph.logging import get_logger
from shopgraph.money import from_minor
from workers.notifications.directory import Directory, Person
from workers.notifications.mail import Mailer, OutgoingEmail
from workers.notifications.models import inbox, recipients, sent_messages
from workers.notifications.sms import SmsSender
from workers.notifications.templates import render, render_sms

log = get_logger(__name__)

CONSUMER = "notifications"

DECLINE_TEXT = {
    "card_declined": "your card was declined.",
    "invalid_payment_method": "the payment method was not accepted.",
    "insufficient_funds": "there were not enough funds on the card.",
}


class RecipientUnknown(RuntimeError):
    """A payment or cancellation event arrived before the order's ``OrderCreated``."""


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    first_name: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Outgoing:
    template: str
    recipient: str
    email: OutgoingEmail | None = None
    sms: str | None = None


Compose = Callable[[AsyncSession], Awaitable[list[Outgoing]]]


def _greeting(first_name: str | None) -> str:
    name = (first_name or "").strip()
    return f"Hi {name}," if name else "Hello,"


def _money(minor: Any, currency: Any) -> str:
    if isinstance(minor, bool) or not isinstance(minor, int) or not isinstance(currency, str):
        raise ValueError("money must be integer minor units and a currency")
    return f"{from_minor(minor, currency)} {currency}"


def _required(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"event payload field {key!r} is missing")
    return value.strip()


def _phone(payload: dict[str, Any]) -> str | None:
    address = payload.get("shippingAddress")
    candidates = [payload.get("phone"), address.get("phone") if isinstance(address, dict) else None]
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return value.strip()[:32]
    return None


def _email(event: Event, template: str, to: str, values: dict[str, str]) -> Outgoing:
    rendered = render(template, values)
    return Outgoing(
        template=template,
        recipient=to,
        email=OutgoingEmail(
            to=to,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=f"<{event.id}.{template}@shopgraph.dev>",
        ),
    )


def _order_values(order_id: str, first_name: str | None) -> dict[str, str]:
    return {
        "order_id": order_id,
        "order_ref": order_id[:8].upper(),
        "greeting": _greeting(first_name),
    }


class Notifier:
    def __init__(self, db: Database, mailer: Mailer, sms: SmsSender, directory: Directory) -> None:
        self.db = db
        self.mailer = mailer
        self.sms = sms
        self.directory = directory

    def register(self, registry: HandlerRegistry) -> None:
        registry.register("users", "PasswordResetRequested", self.password_reset_requested)
        registry.register("orders", "OrderCreated", self.order_created)
        registry.register("orders", "OrderCancelled", self.order_cancelled)
        registry.register("orders", "OrderStatusChanged", self.order_status_changed)
        registry.register("payments", "PaymentSucceeded", self.payment_succeeded)
        registry.register("payments", "PaymentFailed", self.payment_failed)

    # -- the core: claim, compose, send, record, commit ---------------------------------

    async def _deliver(self, event: Event, compose: Compose) -> bool:
        """False if the event was already handled (nothing sent)."""
        async with self.db.transaction() as session:
            if not await claim(session, inbox, CONSUMER, event.id):
                log.info("notification_already_sent", event_id=event.id, event_type=event.type)
                return False
            for item in await compose(session):
                if item.email is not None:
                    await self.mailer.send(item.email)
                    channel, subject = "email", item.email.subject
                elif item.sms is not None:
                    await self.sms.send(item.recipient, item.sms)
                    channel, subject = "sms", None
                else:  # pragma: no cover - Outgoing always carries one of them
                    continue
                await session.execute(
                    sent_messages.insert().values(
                        id=str(uuid.uuid4()),
                        event_id=event.id,
                        event_type=event.type,
                        channel=channel,
                        template=item.template,
                        recipient=item.recipient,
                        subject=subject[:200] if subject else None,
                        sent_at=datetime.now(UTC),
                    )
                )
        return True

    async def _recipient(
        self, session: AsyncSession, order_id: str, fallback: Person | None
    ) -> Recipient:
        row = (
            await session.execute(select(recipients).where(recipients.c.order_id == order_id))
        ).one_or_none()
        if row is not None:
            return Recipient(email=row.email, first_name=row.first_name, phone=row.phone)
        if fallback is not None and fallback.email:
            log.info("recipient_from_users", order_id=order_id)
            return Recipient(email=fallback.email, first_name=fallback.first, phone=None)
        raise RecipientUnknown(f"no OrderCreated seen yet for order {order_id}")

    async def _fallback(self, order_id: str, payload: dict[str, Any]) -> Person | None:
        """The users subgraph's entry for the event's ``userId``, only when the order's
        recipient is not known yet (no call in the usual order of events)."""
        user_id = payload.get("userId")
        if not isinstance(user_id, str) or not user_id:
            return None
        async with self.db.session() as session:
            known = await session.scalar(
                select(recipients.c.order_id).where(recipients.c.order_id == order_id)
            )
        return None if known is not None else await self.directory.person(user_id)

    # -- handlers -------------------------------------------------------------------------

    async def password_reset_requested(self, event: Event) -> None:
        payload = event.payload
        to = _required(payload, "email")
        values = {
            "greeting": _greeting(payload.get("firstName")),
            "token": _required(payload, "token"),
            "expires_at": str(payload.get("expiresAt") or "soon"),
        }

        async def compose(_session: AsyncSession) -> list[Outgoing]:
            return [_email(event, "password_reset", to, values)]

        await self._deliver(event, compose)

    async def order_created(self, event: Event) -> None:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        to = _required(payload, "email")
        user_id = payload.get("userId") if isinstance(payload.get("userId"), str) else None
        currency = payload.get("currency")
        total = _money(payload.get("totalMinor"), currency)
        name = await self._name(payload, user_id)
        raw_items = payload.get("items")
        items: list[Any] = raw_items if isinstance(raw_items, list) else []
        lines = [_item_line(item, str(currency)) for item in items if isinstance(item, dict)]
        values = _order_values(order_id, name.first if name else None) | {
            "total": total,
            "items_text": "\n".join(f"  {line}" for line in lines),
            "items_html": "\n".join(f"<li>{_escape(line)}</li>" for line in lines),
        }

        async def compose(session: AsyncSession) -> list[Outgoing]:
            await _insert_recipient(
                session,
                {
                    "order_id": order_id,
                    "user_id": user_id,
                    "email": to,
                    "first_name": name.first if name else None,
                    "last_name": name.last if name else None,
                    "phone": _phone(payload),
                    "total_minor": payload.get("totalMinor"),
                    "currency": currency,
                    "created_at": datetime.now(UTC),
                },
            )
            return [_email(event, "order_confirmation", to, values)]

        await self._deliver(event, compose)

    async def payment_succeeded(self, event: Event) -> None:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        amount = _money(payload.get("amountMinor"), payload.get("currency"))

        fallback = await self._fallback(order_id, payload)

        async def compose(session: AsyncSession) -> list[Outgoing]:
            who = await self._recipient(session, order_id, fallback)
            values = _order_values(order_id, who.first_name) | {"amount": amount}
            sent = [_email(event, "payment_succeeded", who.email, values)]
            if who.phone:
                text = render_sms("payment_succeeded", values)
                sent.append(Outgoing("payment_succeeded.sms", who.phone, sms=text))
            return sent

        await self._deliver(event, compose)

    async def payment_failed(self, event: Event) -> None:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        reason = str(payload.get("reason") or "")
        reason_text = DECLINE_TEXT.get(reason, "the payment provider refused it.")

        fallback = await self._fallback(order_id, payload)

        async def compose(session: AsyncSession) -> list[Outgoing]:
            who = await self._recipient(session, order_id, fallback)
            values = _order_values(order_id, who.first_name) | {"reason_text": reason_text}
            return [_email(event, "payment_failed", who.email, values)]

        await self._deliver(event, compose)

    async def order_cancelled(self, event: Event) -> None:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        reason = str(payload.get("reason") or "no reason given")[:200]
        refund_text = (
            "Your payment is being refunded in full; it can take a few days to appear."
            if payload.get("wasPaid") is True
            else "You were not charged."
        )

        fallback = await self._fallback(order_id, payload)

        async def compose(session: AsyncSession) -> list[Outgoing]:
            who = await self._recipient(session, order_id, fallback)
            values = _order_values(order_id, who.first_name) | {
                "reason": reason,
                "refund_text": refund_text,
            }
            return [_email(event, "order_cancelled", who.email, values)]

        await self._deliver(event, compose)

    async def order_status_changed(self, event: Event) -> None:
        """A shipping update when the order becomes ``FULFILLED``; other changes send nothing."""
        payload = event.payload
        if payload.get("status") != "FULFILLED":
            return
        order_id = str(payload.get("orderId") or event.aggregate_id)
        fallback = await self._fallback(order_id, payload)

        async def compose(session: AsyncSession) -> list[Outgoing]:
            who = await self._recipient(session, order_id, fallback)
            values = _order_values(order_id, who.first_name)
            return [_email(event, "order_shipped", who.email, values)]

        await self._deliver(event, compose)

    async def _name(self, payload: dict[str, Any], user_id: str | None) -> Person | None:
        """The buyer's name from the event; only an ``OrderCreated`` written before the event
        carried ``firstName`` (no key at all) asks the users subgraph."""
        if "firstName" in payload:
            return Person(
                None, _name_part(payload.get("firstName")), _name_part(payload.get("lastName"))
            )
        if user_id is None:
            return None
        return await self.directory.person(user_id)


def _name_part(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip()[:100] or None


def _item_line(item: dict[str, Any], currency: str) -> str:
    name = str(item.get("name") or item.get("sku") or item.get("productId") or "item")[:100]
    quantity = item.get("quantity")
    unit = item.get("unitPriceMinor")
    price = f" at {_money(unit, currency)}" if isinstance(unit, int) else ""
    return f"{quantity} x {name}{price}"


def _escape(text: str) -> str:
    return html.escape(text)


async def _insert_recipient(session: AsyncSession, values: dict[str, Any]) -> None:
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        await session.execute(
            postgresql.insert(recipients)
            .values(values)
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
    else:
        await session.execute(sqlite.insert(recipients).values(values).on_conflict_do_nothing())
