"""Payments domain logic: charge an order once, refund within what was captured.

**Charging** (``OrderCreated``) happens in one transaction per order: the inbox claim, a
row that claims ``order_id`` (unique; ``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT …
FOR UPDATE``), the provider's authorize + capture with keys derived from the order id
(``order:<id>:authorize`` / ``:capture``), the final status and the ``PaymentSucceeded`` /
``PaymentFailed`` outbox row. A concurrent or redelivered ``OrderCreated`` waits for that
row's lock and then finds the order settled, so it neither calls the provider again nor
emits a second event. If the process dies after the provider charged but before the commit,
the retry calls the provider with the same keys and gets the same answer: the money moves
once (the provider's idempotency is part of the port's contract, see :mod:`.provider`).

The trade-off is that the transaction stays open during the provider call (one row lock
per order; on SQLite the in-process writer lock). For a remote processor with slow answers,
split it into "claim row committed as PENDING" → call → "settle row" with the same keys.

**Refunds** lock the payment row, check the idempotency key, the status (only ``CAPTURED``
and ``PARTIALLY_REFUNDED`` are refundable) and the remaining amount, call the provider and
record the refund with a ``PaymentRefunded`` event, all in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.payments import repository
from subgraphs.payments.models import REASON_MAX, inbox, outbox
from subgraphs.payments.provider import PaymentProvider, ProviderUnavailable
from subgraphs.payments.records import (
    PENDING,
    REFUNDABLE,
    OrderCharge,
    PaymentRecord,
    PaymentStatus,
    RefundRecord,
    ReportedOutcome,
)
from subgraphs.payments.traced_provider import traced

log = get_logger(__name__)

TOPIC = "payments"
CHARGE_CONSUMER = "payments.charge"
CANCEL_CONSUMER = "payments.cancel-refund"
KEY_MAX = 120


def utc_now() -> datetime:
    return datetime.now(UTC)


def charge_keys(order_id: str) -> tuple[str, str]:
    """The provider idempotency keys of an order's charge: (authorize, capture)."""
    return f"order:{order_id}:authorize", f"order:{order_id}:capture"


def cancel_refund_key(order_id: str) -> str:
    return f"order:{order_id}:cancel-refund"


class PaymentService:
    def __init__(
        self,
        db: Database,
        provider: PaymentProvider,
        *,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.provider = traced(provider)
        self._on_commit = on_commit or (lambda: None)

    def notify_committed(self) -> None:
        """Wake the outbox relay: a transaction with outbox rows has committed."""
        self._on_commit()

    # -- reads ----------------------------------------------------------------------------

    async def get(self, payment_id: str) -> PaymentRecord | None:
        found = await self.get_many([payment_id])
        return found[0]

    async def get_many(self, payment_ids: Sequence[str]) -> list[PaymentRecord | None]:
        async with self.db.read_connection() as connection:
            return await repository.payments_by_ids(connection, payment_ids)

    async def by_orders(self, order_ids: Sequence[str]) -> list[PaymentRecord | None]:
        """One query for many orders (the ``Order.payment`` DataLoader)."""
        async with self.db.read_connection() as connection:
            return await repository.payments_by_orders(connection, order_ids)

    async def refunds_of(self, payment_ids: Sequence[str]) -> list[list[RefundRecord]]:
        """Each payment's refunds, oldest first (one query for many payments)."""
        async with self.db.read_connection() as connection:
            return await repository.refunds_by_payments(connection, payment_ids)

    # -- charging -------------------------------------------------------------------------

    async def charge(self, order: OrderCharge, *, event_id: str | None = None) -> PaymentRecord:
        """Charge ``order`` once; returns its payment (existing if already settled).

        ``ProviderUnavailable`` propagates (nothing is committed): retry with the same order.
        """
        async with self.db.transaction() as session:
            if event_id is not None:
                await claim(session, inbox, CHARGE_CONSUMER, event_id)
            row = await repository.claim_order_payment(session, order, utc_now())
            if row.status != PENDING:
                log.info("order_already_charged", order_id=order.order_id, status=row.status)
                if row.user_id is None and order.user_id is not None:
                    # Settled by a provider's report, which does not know the customer.
                    return await repository.update_payment(
                        session, row.id, {"user_id": order.user_id}
                    )
                return PaymentRecord.from_row(row)
            values, event = await self.charge_with_provider(row.id, order)
            record = await repository.update_payment(session, row.id, values)
            await add_to_outbox(session, outbox, TOPIC, event)
        self._on_commit()
        log.info(
            "order_charged",
            order_id=order.order_id,
            payment_id=record.id,
            status=record.status,
            reason=record.failure_reason,
        )
        return record

    async def charge_with_provider(
        self, payment_id: str, order: OrderCharge
    ) -> tuple[dict[str, Any], Event]:
        """Authorize + capture with the order's keys: the payment's new values and event."""
        authorize_key, capture_key = charge_keys(order.order_id)
        auth = await self.provider.authorize(
            order.amount_minor, order.currency, order.method, authorize_key, order_id=order.order_id
        )
        values: dict[str, Any] = {"updated_at": utc_now()}
        reason: str | None = auth.decline_reason
        if auth.approved and auth.authorization_id:
            values["authorization_id"] = auth.authorization_id
            capture = await self.provider.capture(auth.authorization_id, capture_key)
            if capture.captured and capture.capture_id:
                values |= {"status": PaymentStatus.CAPTURED, "capture_id": capture.capture_id}
                return values, outcome_event(payment_id, order, failure_reason=None)
            reason = capture.decline_reason
        reason = (reason or "declined")[:REASON_MAX]
        values |= {"status": PaymentStatus.FAILED, "failure_reason": reason}
        return values, outcome_event(payment_id, order, failure_reason=reason)

    async def settle_reported(self, report: ReportedOutcome) -> PaymentRecord:
        """Record an outcome the provider reported asynchronously (a webhook), once.

        The order's payment row is claimed as in :meth:`charge`; if the charge already settled
        it (the usual case), nothing changes and no event is emitted. Otherwise (the worker's
        attempt rolled back and is still retrying) the report settles it here, and the
        worker's retry then finds it settled.
        """
        async with self.db.transaction() as session:
            row = await repository.claim_order_payment(session, report.order, utc_now())
            if row.status != PENDING:
                if (row.status == PaymentStatus.CAPTURED) != report.succeeded:
                    log.warning(
                        "reported_outcome_disagrees",
                        order_id=report.order.order_id,
                        status=row.status,
                        reported_succeeded=report.succeeded,
                    )
                return PaymentRecord.from_row(row)
            values: dict[str, Any] = {"updated_at": utc_now(), "authorization_id": report.intent_id}
            if report.succeeded:
                values |= {"status": PaymentStatus.CAPTURED, "capture_id": report.intent_id}
                event = outcome_event(row.id, report.order, failure_reason=None)
            else:
                reason = (report.failure_reason or "declined")[:REASON_MAX]
                values |= {"status": PaymentStatus.FAILED, "failure_reason": reason}
                event = outcome_event(row.id, report.order, failure_reason=reason)
            record = await repository.update_payment(session, row.id, values)
            await add_to_outbox(session, outbox, TOPIC, event)
        self._on_commit()
        log.info("reported_outcome_settled", order_id=record.order_id, status=record.status)
        return record

    # -- refunds --------------------------------------------------------------------------

    async def refund(
        self,
        *,
        payment_id: str,
        amount_minor: int | None,
        currency: str | None,
        reason: str | None,
        idempotency_key: str | None,
        requested_by: str | None,
    ) -> PaymentRecord:
        """A staff refund; ``amount_minor=None`` refunds the rest. A repeated
        ``idempotency_key`` returns the payment without refunding again."""
        reason = _clean_reason(reason)
        key = _staff_key(idempotency_key)
        try:
            async with self.db.transaction() as session:
                payment = await repository.lock_settled_payment(session, payment_id=payment_id)
                if payment is None:
                    raise DomainError("PAYMENT_NOT_FOUND", "no such payment", "paymentId")
                record = await self._refund_locked(
                    session,
                    payment,
                    amount_minor=amount_minor,
                    currency=currency,
                    reason=reason,
                    key=key,
                    requested_by=requested_by,
                )
        except ProviderUnavailable:
            raise DomainError(
                "PROVIDER_UNAVAILABLE",
                "the payment provider did not answer; nothing was refunded, try again",
            ) from None
        self._on_commit()
        return record

    async def refund_cancelled_order(
        self, order_id: str, *, reason: str | None, event_id: str | None = None
    ) -> PaymentRecord | None:
        """Refund the rest of a cancelled order's payment (once, whatever the redeliveries).

        ``ProviderUnavailable`` propagates so the worker retries with the same key.
        """
        async with self.db.transaction() as session:
            if event_id is not None and not await claim(session, inbox, CANCEL_CONSUMER, event_id):
                return None
            payment = await repository.lock_settled_payment(session, order_id=order_id)
            if payment is None:
                log.warning("cancelled_order_has_no_payment", order_id=order_id)
                return None
            if payment.refundable_minor == 0:
                log.info(
                    "cancelled_order_nothing_to_refund", order_id=order_id, status=payment.status
                )
                return payment
            record = await self._refund_locked(
                session,
                payment,
                amount_minor=None,
                currency=None,
                reason=_clean_reason(reason) or "order cancelled",
                key=cancel_refund_key(order_id),
                requested_by="orders:OrderCancelled",
            )
        self._on_commit()
        return record

    async def _refund_locked(
        self,
        session: AsyncSession,
        payment: PaymentRecord,
        *,
        amount_minor: int | None,
        currency: str | None,
        reason: str | None,
        key: str,
        requested_by: str | None,
    ) -> PaymentRecord:
        refunded_payment = await repository.refund_payment_of_key(session, key)
        if refunded_payment is not None:
            if refunded_payment != payment.id:
                raise DomainError(
                    "IDEMPOTENCY_KEY_REUSED",
                    "this idempotency key was used for another payment",
                    "idempotencyKey",
                )
            return payment
        if payment.status not in REFUNDABLE:
            message = (
                "the payment is already fully refunded"
                if payment.status is PaymentStatus.REFUNDED
                else f"a {payment.status.value} payment cannot be refunded"
            )
            raise DomainError("NOT_REFUNDABLE", message, "paymentId")
        if currency is not None and currency != payment.currency:
            raise DomainError(
                "CURRENCY_MISMATCH",
                f"the payment is in {payment.currency}",
                "amount.currency",
            )
        remaining = payment.amount_minor - payment.refunded_minor
        amount = remaining if amount_minor is None else amount_minor
        if amount <= 0:
            raise DomainError("INVALID_AMOUNT", "a refund must be more than zero", "amount")
        if amount > remaining:
            raise DomainError(
                "REFUND_EXCEEDS_CAPTURED",
                "the refund is more than what is left of the captured amount",
                "amount",
            )
        assert payment.capture_id is not None  # CAPTURED payments always carry it
        result = await self.provider.refund(payment.capture_id, amount, key)
        if not result.refunded or not result.refund_id:
            raise DomainError(
                "REFUND_DECLINED",
                f"the provider declined the refund ({result.decline_reason or 'declined'})",
            )
        refund_id, updated = await repository.add_refund(
            session,
            payment,
            amount_minor=amount,
            reason=reason,
            key=key,
            provider_refund_id=result.refund_id,
            requested_by=requested_by,
            now=utc_now(),
        )
        await add_to_outbox(
            session,
            outbox,
            TOPIC,
            Event.new(
                "PaymentRefunded",
                payment.order_id,
                {
                    "orderId": payment.order_id,
                    "paymentId": payment.id,
                    "refundId": refund_id,
                    "amountMinor": amount,
                    "currency": payment.currency,
                    "refundedTotalMinor": updated.refunded_minor,
                    "fullyRefunded": updated.status is PaymentStatus.REFUNDED,
                    "reason": reason,
                },
            ),
        )
        log.info(
            "payment_refunded", payment_id=payment.id, amount_minor=amount, status=updated.status
        )
        return updated


def outcome_event(payment_id: str, order: OrderCharge, *, failure_reason: str | None) -> Event:
    """``PaymentSucceeded`` (no ``failure_reason``) or ``PaymentFailed`` for ``order``."""
    payload: dict[str, Any] = {
        "orderId": order.order_id,
        "paymentId": payment_id,
        "amountMinor": order.amount_minor,
        "currency": order.currency,
        "userId": order.user_id,
    }
    if failure_reason is None:
        return Event.new("PaymentSucceeded", order.order_id, payload)
    return Event.new("PaymentFailed", order.order_id, {**payload, "reason": failure_reason})


def _clean_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    cleaned = " ".join(reason.split())
    if len(cleaned) > REASON_MAX:
        raise DomainError("INVALID_REASON", f"at most {REASON_MAX} characters", "reason")
    return cleaned or None


def _staff_key(key: str | None) -> str:
    if key is None:
        return f"refund:{uuid.uuid4()}"
    cleaned = key.strip()
    if not cleaned or len(cleaned) > KEY_MAX:
        raise DomainError("INVALID_IDEMPOTENCY_KEY", f"1 to {KEY_MAX} characters", "idempotencyKey")
    return f"staff:{cleaned}"
