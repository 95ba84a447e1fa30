"""Event handlers of the orders service: two worker groups.

``orders`` (topic ``payments``):

* ``PaymentSucceeded`` → ``PAID``; ``PaymentFailed`` → ``PAYMENT_FAILED`` (actor
  ``payments``). The event id is claimed in the inbox in the same transaction as the
  status change, its history row and the ``OrderStatusChanged`` outbox row, so a
  redelivery changes nothing. A transition the machine refuses (the order was already
  paid, cancelled meanwhile…) is logged and the event is done: retrying cannot change it.
  A run of these events is applied in one transaction (the batch form,
  :mod:`subgraphs.orders.payment_outcomes`).

``order-status`` (topic ``order-status``, and ``orders`` for the events written there
before ``OrderStatusChanged`` had a topic of its own):

* ``OrderStatusChanged`` → publish it on the key-value channel ``order-status:<orderId>``,
  where the ``orderStatusChanged`` subscriptions of every replica listen. Publishing twice
  is harmless (subscribers drop versions they already sent).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Final

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.kv import KeyValueStore, kv_from_url
from shopgraph.logging import get_logger
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.orders import events
from subgraphs.orders.domain import PAYMENTS, OrderStatus, normalize_order_id
from subgraphs.orders.models import outbox
from subgraphs.orders.payment_outcomes import Applied, PaymentOutcome, apply_outcomes
from subgraphs.orders.service import OrderService
from subgraphs.orders.status_feed import StatusUpdate, publish
from workers.runtime import PER_ORDER_CONCURRENCY, WorkerGroup

log = get_logger(__name__)

GROUP: Final = "orders"
STATUS_GROUP: Final = "order-status"
CONSUMER: Final = "orders.payments"
STATUS_TOPICS: Final = (events.STATUS_TOPIC, events.LEGACY_STATUS_TOPIC)


TARGETS: Final = {
    "PaymentSucceeded": OrderStatus.PAID,
    "PaymentFailed": OrderStatus.PAYMENT_FAILED,
}


def register_payment_handlers(registry: HandlerRegistry, orders: OrderService) -> None:
    async def apply(event: Event) -> None:
        outcome = _outcome(event)
        done = await orders.transition(
            outcome.order_id,
            outcome.target,
            actor=PAYMENTS,
            reason=outcome.reason,
            event_id=event.id,
            consumer=CONSUMER,
        )
        _log(Applied(outcome, done.applied, done.reason, done.order.status if done.order else None))

    async def apply_run(run: Sequence[Event]) -> None:
        known: list[PaymentOutcome] = []
        for outcome in map(_outcome, run):
            if normalize_order_id(outcome.order_id) is None:
                _log(Applied(outcome, False, "missing"))
            else:
                known.append(outcome)
        for done in await apply_outcomes(orders, known, actor=PAYMENTS, consumer=CONSUMER):
            _log(done)

    for event_type in TARGETS:
        registry.register("payments", event_type, apply, batch=apply_run)


def _outcome(event: Event) -> PaymentOutcome:
    target = TARGETS[event.type]
    order_id = str(event.payload.get("orderId") or event.aggregate_id)
    reason = event.payload.get("reason") if target is OrderStatus.PAYMENT_FAILED else None
    canonical = normalize_order_id(order_id) or order_id
    return PaymentOutcome(event.id, canonical, target, str(reason) if reason else None)


def _log(done: Applied) -> None:
    outcome = done.outcome
    if done.applied:
        log.info("order_status_changed", order_id=outcome.order_id, status=outcome.target.value)
    elif done.why == "duplicate":
        log.info("event_already_applied", event_id=outcome.event_id, status=outcome.target.value)
    else:
        log.warning(
            "payment_event_ignored",
            order_id=outcome.order_id,
            status=outcome.target.value,
            why=done.why,
            current=done.current.value if done.current else None,
        )


def register_status_handlers(registry: HandlerRegistry, kv: KeyValueStore) -> None:
    async def fan_out(event: Event) -> None:
        try:
            update = StatusUpdate.from_payload(event.payload)
        except (KeyError, ValueError, TypeError):
            log.warning("status_event_malformed", event_id=event.id)
            return
        await publish(kv, update)

    for topic in STATUS_TOPICS:
        registry.register(topic, events.ORDER_STATUS_CHANGED, fan_out)


@asynccontextmanager
async def order_handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    """The ``orders`` group's handlers, with an outbox relay so a worker process running
    alone publishes the ``OrderStatusChanged`` events its handlers write (several relays
    on one outbox are safe, see :mod:`shopgraph.events.outbox`)."""
    resources = ServiceResources.from_settings(settings, "orders", outbox=outbox, ping=False)
    async with resources.running() as res:
        registry = HandlerRegistry()
        register_payment_handlers(registry, OrderService(res.db, on_commit=res.wake_relay))
        yield registry


@asynccontextmanager
async def status_handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    kv = kv_from_url(settings.kv_url)
    registry = HandlerRegistry()
    register_status_handlers(registry, kv)
    try:
        yield registry
    finally:
        await kv.close()


WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(GROUP, ("payments",), order_handlers, concurrency=PER_ORDER_CONCURRENCY),
    WorkerGroup(STATUS_GROUP, STATUS_TOPICS, status_handlers, concurrency=PER_ORDER_CONCURRENCY),
)
