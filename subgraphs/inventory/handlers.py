"""Event handlers of the inventory service (worker group ``inventory``).

* ``payments`` / ``PaymentSucceeded`` → commit the order's reservation;
* ``payments`` / ``PaymentFailed`` → release it;
* ``orders`` / ``OrderCancelled`` → release it, or restock it when the order was paid.

Each handler claims the event id in the inbox in the same transaction as the effect
(:meth:`ReservationService.commit` / ``release`` with ``event_id``), so a redelivered event
has its effect once. A business refusal (no reservation for the order, commit after a
release or expiry, release after a commit) is logged and the event is done: retrying
cannot change the answer, and the orders/payments side owns the compensation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.logging import get_logger
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.inventory.domain import Reservation
from subgraphs.inventory.models import outbox
from subgraphs.inventory.reservations import ReservationService
from workers.runtime import WorkerGroup

log = get_logger(__name__)

GROUP = "inventory"


def register_handlers(registry: HandlerRegistry, reservations: ReservationService) -> None:
    def handler(
        action: Callable[..., Awaitable[Reservation | None]], name: str
    ) -> Callable[[Event], Awaitable[None]]:
        async def handle(event: Event) -> None:
            order_id = event.payload.get("orderId") or event.aggregate_id
            try:
                done = await action(str(order_id), event_id=event.id)
            except DomainError as exc:
                log.warning(
                    "reservation_transition_refused",
                    action=name,
                    order_id=order_id,
                    event_type=event.type,
                    code=exc.code,
                    reason=exc.message,
                )
                return
            if done is None:
                log.info("event_already_applied", action=name, event_id=event.id)

        return handle

    registry.register("payments", "PaymentSucceeded", handler(reservations.commit, "commit"))
    registry.register("payments", "PaymentFailed", handler(reservations.release, "release"))
    registry.register("orders", "OrderCancelled", handler(reservations.cancel, "cancel"))


@asynccontextmanager
async def inventory_handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    """The group's handlers, plus an outbox relay so that a worker process running alone
    (``shopgraph worker inventory``) publishes the ``StockChanged`` events its handlers
    write; several relays on one outbox are safe (see :mod:`shopgraph.events.outbox`)."""
    resources = ServiceResources.from_settings(settings, "inventory", outbox=outbox, ping=False)
    async with resources.running() as res:
        registry = HandlerRegistry()
        register_handlers(registry, ReservationService(res.db, on_commit=res.wake_relay))
        yield registry


WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    # One event at a time: its events change the same stock rows as checkout's reservations,
    # and handled at once they would only queue on those rows ahead of the shoppers.
    WorkerGroup(GROUP, ("payments", "orders"), inventory_handlers),
)
