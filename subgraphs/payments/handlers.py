"""Event handlers of the payments service (worker group ``payments``).

* ``orders`` / ``OrderCreated`` → charge the order (authorize + capture) and emit
  ``PaymentSucceeded`` or ``PaymentFailed`` in the same transaction as the payment row
  (:meth:`PaymentService.charge`); idempotent on the order id. A run of them is charged in
  one transaction (:mod:`.charge_batch`).
* ``orders`` / ``OrderCancelled`` → refund whatever is still captured (a full refund for a
  paid order, ``wasPaid: true``). The payment row decides rather than the flag alone: the
  orders topic is keyed by order id, so this group always settles the charge before it sees
  the cancellation, and a capture that raced the cancellation is refunded too. The refund
  key is derived from the order id, so redeliveries refund once.

A transient provider failure (``ProviderUnavailable``) propagates: nothing was committed,
and the runtime retries with backoff using the same idempotency keys. A payload that breaks
the event contract raises ``ValueError`` and ends in ``orders.dlq`` after the retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.logging import get_logger
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.payments.charge_batch import charge_orders
from subgraphs.payments.models import outbox
from subgraphs.payments.provider import PaymentProvider
from subgraphs.payments.provider_choice import provider_for
from subgraphs.payments.records import OrderCharge
from subgraphs.payments.service import PaymentService
from workers.runtime import PER_ORDER_CONCURRENCY, WorkerGroup

log = get_logger(__name__)

GROUP = "payments"


def register_handlers(registry: HandlerRegistry, payments: PaymentService) -> None:
    async def order_created(event: Event) -> None:
        order = OrderCharge.from_payload(event.aggregate_id, event.payload)
        await payments.charge(order, event_id=event.id)

    async def orders_created(events: Sequence[Event]) -> None:
        charges = [(e.id, OrderCharge.from_payload(e.aggregate_id, e.payload)) for e in events]
        await charge_orders(payments, charges)

    async def order_cancelled(event: Event) -> None:
        order_id = str(event.payload.get("orderId") or event.aggregate_id)
        reason = event.payload.get("reason")
        record = await payments.refund_cancelled_order(
            order_id, reason=reason if isinstance(reason, str) else None, event_id=event.id
        )
        if record is not None and event.payload.get("wasPaid") is False and record.refunded_minor:
            log.warning("refunded_order_cancelled_as_unpaid", order_id=order_id)

    registry.register("orders", "OrderCreated", order_created, batch=orders_created)
    registry.register("orders", "OrderCancelled", order_cancelled)


@asynccontextmanager
async def payment_handlers(
    settings: Settings, *, provider: PaymentProvider | None = None
) -> AsyncIterator[HandlerRegistry]:
    """The group's handlers, plus an outbox relay so that a worker process running alone
    (``shopgraph worker payments``) publishes the events its handlers write."""
    charger = provider or provider_for(settings)  # refuses before anything starts
    resources = ServiceResources.from_settings(settings, "payments", outbox=outbox, ping=False)
    async with resources.running() as res:
        registry = HandlerRegistry()
        register_handlers(registry, PaymentService(res.db, charger, on_commit=res.wake_relay))
        yield registry


WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(GROUP, ("orders",), payment_handlers, concurrency=PER_ORDER_CONCURRENCY),
)
