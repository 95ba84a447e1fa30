"""``CartCreated`` (topic ``carts``): announced when a new cart is stored.

Carts keeps no SQL database, so there is no transactional outbox to write the event in the
same commit as the cart. The event is queued right after the ``compare_and_set`` that
stored the new cart succeeded, so no event ever announces a cart that does not exist, and
it is sent in the background: ``addToCart`` does not wait for the broker's acknowledgement.
A sender task publishes whatever is queued in one ``publish_many`` per batch; the queue is
bounded and flushed when the service shuts down (:meth:`CartAnnouncer.close`).

Delivery is **at most once**: if the queue is full, the bus refuses the batch or the
shutdown flush runs out of time, the cart is kept (the customer's request succeeds) and
each miss is logged as ``cart_created_not_published``; analytics then counts one cart
fewer. A process killed outright loses what it had queued, as it would have lost an event
it was about to publish. The event id is derived from the cart id, so any second
publication of the same cart is de-duplicated by consumers' inboxes.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from shopgraph.events.bus import EventBus
from shopgraph.events.envelope import Event
from shopgraph.logging import get_logger
from subgraphs.carts.models import Cart

log = get_logger(__name__)

TOPIC: Final = "carts"
CART_CREATED: Final = "CartCreated"
_EVENT_IDS: Final = uuid.UUID("6f1c2a9e-4c55-4b8e-9a57-0b6f4f3f5e11")

QUEUE_CAPACITY: Final = 10_000  # events waiting for the broker; beyond it they are dropped
BATCH_SIZE: Final = 500  # events per publish_many
FLUSH_SECONDS: Final = 10.0  # how long shutdown waits for the queue to reach the broker


def cart_created(cart: Cart, user_id: str | None) -> Event:
    payload = {"cartId": cart.id, "userId": user_id, "guest": user_id is None}
    event = Event.new(CART_CREATED, cart.id, payload)
    return replace(event, id=str(uuid.uuid5(_EVENT_IDS, cart.id)), occurred_at=cart.created_at)


def _not_published(events: Sequence[Event], error: str) -> None:
    for event in events:
        log.warning("cart_created_not_published", cart_id=event.aggregate_id, error=error)


class CartAnnouncer:
    """Queues ``CartCreated`` for a background sender; a miss is logged, never raised."""

    def __init__(
        self,
        bus: EventBus,
        *,
        capacity: int = QUEUE_CAPACITY,
        batch_size: int = BATCH_SIZE,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.bus = bus
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self._queue: asyncio.Queue[Event] = asyncio.Queue(capacity)
        self._sender: asyncio.Task[None] | None = None
        self._closed = False

    async def __call__(self, cart: Cart, user_id: str | None) -> None:
        event = cart_created(cart, user_id)
        if self._closed:
            _not_published([event], "the service is shutting down")
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            _not_published([event], f"{self._queue.maxsize} events already wait for the bus")
            return
        if self._sender is None or self._sender.done():
            # A context of its own: the sender outlives the request that happens to start it
            # (the events carry their request's traceparent already).
            self._sender = asyncio.create_task(
                self._send(), name="cart-announcer", context=contextvars.Context()
            )

    async def flush(self) -> None:
        """Return once every event queued so far was published or logged as a miss."""
        await self._queue.join()

    async def close(self) -> None:
        """Flush (for at most ``flush_seconds``), then stop; what is left is logged."""
        self._closed = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), self.flush_seconds)
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        left = self._take(self._queue.qsize())
        if left:
            _not_published(left, "the service shut down before the bus took it")

    async def _send(self) -> None:
        while True:
            batch = [await self._queue.get()]
            batch += self._take(self.batch_size - 1)
            try:
                await self.bus.publish_many([(TOPIC, event) for event in batch])
            except asyncio.CancelledError:
                _not_published(batch, "the service shut down before the bus acknowledged it")
                raise
            except Exception as exc:  # the carts are stored: at most once, by design
                _not_published(batch, repr(exc))
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _take(self, most: int) -> list[Event]:
        taken: list[Event] = []
        while len(taken) < most and not self._queue.empty():
            taken.append(self._queue.get_nowait())
        return taken
