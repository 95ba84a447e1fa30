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

A run of events (the batch form, :meth:`Notifier.deliver_many`) shares that transaction: one
inbox claim, one recipients lookup, one insert of what was sent. If anything in it fails,
the whole run rolls back and the runtime hands each event to its one-event handler, so a
message of the run may go out twice, as after a crash.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.events.inbox import claim, claim_many
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


@dataclass(frozen=True, slots=True)
class Plan:
    """What an event sends: ``build`` composes the messages for the order's recipient
    (``order_id``; None when the event carries the address). ``remember`` is the
    ``recipients`` row an ``OrderCreated`` writes first."""

    event: Event
    build: Callable[[Recipient | None], list[Outgoing]]
    order_id: str | None = None
    remember: dict[str, Any] | None = None


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


def _known(who: Recipient | None) -> Recipient:
    if who is None:  # pragma: no cover - a plan with an order id always gets its recipient
        raise RecipientUnknown("no recipient given")
    return who


class Notifier:
    def __init__(self, db: Database, mailer: Mailer, sms: SmsSender, directory: Directory) -> None:
        self.db = db
        self.mailer = mailer
        self.sms = sms
        self.directory = directory

    def register(self, registry: HandlerRegistry) -> None:
        handlers = {
            ("users", "PasswordResetRequested"): self.password_reset_requested,
            ("orders", "OrderCreated"): self.order_created,
            ("orders", "OrderCancelled"): self.order_cancelled,
            ("order-status", "OrderStatusChanged"): self.order_status_changed,
            # Where OrderStatusChanged was written before it had a topic of its own.
            ("orders", "OrderStatusChanged"): self.order_status_changed,
            ("payments", "PaymentSucceeded"): self.payment_succeeded,
            ("payments", "PaymentFailed"): self.payment_failed,
        }
        batch = self.deliver_many  # one object, so consecutive events form one run
        for (topic, event_type), handler in handlers.items():
            registry.register(topic, event_type, handler, batch=batch)

    # -- the core: claim, compose, send, record, commit ---------------------------------

    async def _deliver(self, plan: Plan | None) -> bool:
        """False if the event was already handled (nothing sent) or sends nothing."""
        if plan is None:
            return False
        event = plan.event
        fallback = None if plan.order_id is None else await self._fallback(plan.order_id, event)
        async with self.db.transaction() as session:
            if not await claim(session, inbox, CONSUMER, event.id):
                log.info("notification_already_sent", event_id=event.id, event_type=event.type)
                return False
            if plan.remember is not None:
                await _insert_recipients(session, [plan.remember])
            who = None
            if plan.order_id is not None:
                who = await self._recipient(session, plan.order_id, fallback)
            sent = [await self._send(event, item) for item in plan.build(who)]
            await _record_sent(session, sent)
        return True

    async def deliver_many(self, events: Sequence[Event]) -> None:
        """The batch form: the events' messages in one transaction (one inbox claim, one
        recipients lookup, one insert of what was sent). An order whose recipient is not
        known yet raises :class:`RecipientUnknown` before anything is sent: the runtime then
        hands each event to its one-event handler, which asks the users subgraph."""
        plans = [plan for plan in [await self._plan(e) for e in events] if plan is not None]
        if not plans:
            return
        async with self.db.transaction() as session:
            fresh = await claim_many(session, inbox, CONSUMER, [p.event.id for p in plans])
            todo: list[Plan] = []
            for plan in plans:
                if plan.event.id in fresh:
                    fresh.discard(plan.event.id)  # an event given twice sends once
                    todo.append(plan)
            await _insert_recipients(session, [p.remember for p in todo if p.remember])
            wanted = {p.order_id for p in todo if p.order_id is not None}
            known = await _recipients(session, wanted)
            if wanted - known.keys():
                raise RecipientUnknown(
                    f"no OrderCreated seen yet for {len(wanted - known.keys())} orders"
                )
            sent = [
                await self._send(plan.event, item)
                for plan in todo
                for item in plan.build(None if plan.order_id is None else known[plan.order_id])
            ]
            await _record_sent(session, sent)

    async def _send(self, event: Event, item: Outgoing) -> dict[str, Any]:
        """Send ``item``; its ``sent_messages`` row."""
        if item.email is not None:
            await self.mailer.send(item.email)
            channel, subject = "email", item.email.subject
        else:
            await self.sms.send(item.recipient, item.sms or "")
            channel, subject = "sms", None
        return {
            "id": str(uuid.uuid4()),
            "event_id": event.id,
            "event_type": event.type,
            "channel": channel,
            "template": item.template,
            "recipient": item.recipient,
            "subject": subject[:200] if subject else None,
            "sent_at": datetime.now(UTC),
        }

    async def _recipient(
        self, session: AsyncSession, order_id: str, fallback: Person | None
    ) -> Recipient:
        found = await _recipients(session, {order_id})
        if order_id in found:
            return found[order_id]
        if fallback is not None and fallback.email:
            log.info("recipient_from_users", order_id=order_id)
            return Recipient(email=fallback.email, first_name=fallback.first, phone=None)
        raise RecipientUnknown(f"no OrderCreated seen yet for order {order_id}")

    async def _fallback(self, order_id: str, event: Event) -> Person | None:
        """The users subgraph's entry for the event's ``userId``, only when the order's
        recipient is not known yet (no call in the usual order of events)."""
        user_id = event.payload.get("userId")
        if not isinstance(user_id, str) or not user_id:
            return None
        async with self.db.session() as session:
            known = await session.scalar(
                select(recipients.c.order_id).where(recipients.c.order_id == order_id)
            )
        return None if known is not None else await self.directory.person(user_id)

    # -- handlers -------------------------------------------------------------------------

    async def password_reset_requested(self, event: Event) -> None:
        await self._deliver(self._password_reset(event))

    async def order_created(self, event: Event) -> None:
        await self._deliver(await self._order_created(event))

    async def payment_succeeded(self, event: Event) -> None:
        await self._deliver(self._payment_succeeded(event))

    async def payment_failed(self, event: Event) -> None:
        await self._deliver(self._payment_failed(event))

    async def order_cancelled(self, event: Event) -> None:
        await self._deliver(self._order_cancelled(event))

    async def order_status_changed(self, event: Event) -> None:
        """A shipping update when the order becomes ``FULFILLED``; other changes send nothing."""
        await self._deliver(self._order_shipped(event))

    # -- what each event sends ------------------------------------------------------------

    async def _plan(self, event: Event) -> Plan | None:
        match event.type:
            case "PasswordResetRequested":
                return self._password_reset(event)
            case "OrderCreated":
                return await self._order_created(event)
            case "PaymentSucceeded":
                return self._payment_succeeded(event)
            case "PaymentFailed":
                return self._payment_failed(event)
            case "OrderCancelled":
                return self._order_cancelled(event)
            case "OrderStatusChanged":
                return self._order_shipped(event)
        raise ValueError(f"no notification for {event.type!r}")

    def _password_reset(self, event: Event) -> Plan:
        payload = event.payload
        to = _required(payload, "email")
        values = {
            "greeting": _greeting(payload.get("firstName")),
            "token": _required(payload, "token"),
            "expires_at": str(payload.get("expiresAt") or "soon"),
        }
        return Plan(event, lambda _who: [_email(event, "password_reset", to, values)])

    async def _order_created(self, event: Event) -> Plan:
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
        recipient = {
            "order_id": order_id,
            "user_id": user_id,
            "email": to,
            "first_name": name.first if name else None,
            "last_name": name.last if name else None,
            "phone": _phone(payload),
            "total_minor": payload.get("totalMinor"),
            "currency": currency,
            "created_at": datetime.now(UTC),
        }
        return Plan(
            event,
            lambda _who: [_email(event, "order_confirmation", to, values)],
            remember=recipient,
        )

    def _payment_succeeded(self, event: Event) -> Plan:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        amount = _money(payload.get("amountMinor"), payload.get("currency"))

        def build(who: Recipient | None) -> list[Outgoing]:
            who = _known(who)
            values = _order_values(order_id, who.first_name) | {"amount": amount}
            sent = [_email(event, "payment_succeeded", who.email, values)]
            if who.phone:
                text = render_sms("payment_succeeded", values)
                sent.append(Outgoing("payment_succeeded.sms", who.phone, sms=text))
            return sent

        return Plan(event, build, order_id=order_id)

    def _payment_failed(self, event: Event) -> Plan:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        reason = str(payload.get("reason") or "")
        reason_text = DECLINE_TEXT.get(reason, "the payment provider refused it.")

        def build(who: Recipient | None) -> list[Outgoing]:
            who = _known(who)
            values = _order_values(order_id, who.first_name) | {"reason_text": reason_text}
            return [_email(event, "payment_failed", who.email, values)]

        return Plan(event, build, order_id=order_id)

    def _order_cancelled(self, event: Event) -> Plan:
        payload = event.payload
        order_id = str(payload.get("orderId") or event.aggregate_id)
        reason = str(payload.get("reason") or "no reason given")[:200]
        refund_text = (
            "Your payment is being refunded in full; it can take a few days to appear."
            if payload.get("wasPaid") is True
            else "You were not charged."
        )

        def build(who: Recipient | None) -> list[Outgoing]:
            who = _known(who)
            values = _order_values(order_id, who.first_name) | {
                "reason": reason,
                "refund_text": refund_text,
            }
            return [_email(event, "order_cancelled", who.email, values)]

        return Plan(event, build, order_id=order_id)

    def _order_shipped(self, event: Event) -> Plan | None:
        payload = event.payload
        if payload.get("status") != "FULFILLED":
            return None
        order_id = str(payload.get("orderId") or event.aggregate_id)

        def build(who: Recipient | None) -> list[Outgoing]:
            who = _known(who)
            return [
                _email(event, "order_shipped", who.email, _order_values(order_id, who.first_name))
            ]

        return Plan(event, build, order_id=order_id)

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


async def _insert_recipients(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """``recipients`` rows, an order already known kept as it is; one statement."""
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        await session.execute(
            postgresql.insert(recipients)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
    else:
        await session.execute(sqlite.insert(recipients).values(list(rows)).on_conflict_do_nothing())


async def _recipients(session: AsyncSession, order_ids: set[str]) -> dict[str, Recipient]:
    if not order_ids:
        return {}
    rows = await session.execute(
        select(recipients).where(recipients.c.order_id.in_(sorted(order_ids)))
    )
    return {
        row.order_id: Recipient(email=row.email, first_name=row.first_name, phone=row.phone)
        for row in rows
    }


async def _record_sent(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(sent_messages.insert(), list(rows))
