"""Event handlers of the inventory service (worker group ``inventory``).

* ``payments`` / ``PaymentSucceeded`` → commit the order's reservation;
* ``payments`` / ``PaymentFailed`` → release it;
* ``orders`` / ``OrderCancelled`` → release it, or restock it when the order was paid.

Each handler claims the event id in the inbox in the same transaction as the effect
(:meth:`ReservationService.commit` / ``release`` with ``event_id``), so a redelivered event
has its effect once. A run of these events (of any of the three types) is settled in one
transaction, one lock per stock row (the batch form, :mod:`subgraphs.inventory.settlements`).
A business refusal (no reservation for the order, commit after a release or expiry, release
after a commit) is logged and the event is done: retrying cannot change the answer, and the
orders/payments side owns the compensation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.logging import get_logger
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.inventory.domain import Reservation, order_id_of
from subgraphs.inventory.models import outbox
from subgraphs.inventory.reservations import ReservationService
from subgraphs.inventory.settlements import Settle, Settlement, settle_many
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
                _refused(name, str(order_id), event.type, exc.code, exc.message)
                return
            if done is None:
                log.info("event_already_applied", action=name, event_id=event.id)

        return handle

    async def settle(events: Sequence[Event]) -> None:
        settlements: list[Settlement] = []
        for event in events:
            action = SETTLES[event.type]
            try:
                order_id = order_id_of(str(event.payload.get("orderId") or event.aggregate_id))
            except DomainError as exc:
                _refused(action.value, event.aggregate_id, event.type, exc.code, exc.message)
                continue
            settlements.append(Settlement(event.id, order_id, action))
        refusals = await settle_many(
            reservations.db,
            settlements,
            clock=reservations.clock,
            on_commit=reservations.on_commit,
        )
        types = {event.id: event.type for event in events}
        for refusal in refusals:
            done = refusal.settlement
            event_type = types[done.event_id]
            _refused(done.action.value, done.order_id, event_type, refusal.code, refusal.message)

    registry.register(
        "payments", "PaymentSucceeded", handler(reservations.commit, "commit"), batch=settle
    )
    registry.register(
        "payments", "PaymentFailed", handler(reservations.release, "release"), batch=settle
    )
    registry.register(
        "orders", "OrderCancelled", handler(reservations.cancel, "cancel"), batch=settle
    )


SETTLES = {
    "PaymentSucceeded": Settle.COMMIT,
    "PaymentFailed": Settle.RELEASE,
    "OrderCancelled": Settle.CANCEL,
}


def _refused(action: str, order_id: str, event_type: str, code: str, reason: str) -> None:
    log.warning(
        "reservation_transition_refused",
        action=action,
        order_id=order_id,
        event_type=event_type,
        code=code,
        reason=reason,
    )


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


# A batch waits this long for more events, so a checkout burst's payments settle in a few
# transactions, each taking a hot product's stock row once (committing a paid reservation
# changes nothing a shopper can see: the units were already unavailable).
LINGER_SECONDS = 0.25

WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    # One run at a time: its events change the same stock rows as checkout's reservations,
    # and handled at once they would only queue on those rows ahead of the shoppers.
    WorkerGroup(GROUP, ("payments", "orders"), inventory_handlers, linger_seconds=LINGER_SECONDS),
)
