"""``CartCreated`` (topic ``carts``): published when a new cart is stored.

Carts keeps no SQL database, so there is no transactional outbox to write the event in the
same commit as the cart. The event is published right after the ``compare_and_set`` that
stored the new cart succeeded, so no event ever announces a cart that does not exist.
Delivery is **at most once**: if the bus refuses the event, the cart is kept (the customer's
request succeeds) and the miss is logged as ``cart_created_not_published``; analytics then
counts one cart fewer. The event id is derived from the cart id, so any second publication
of the same cart is de-duplicated by consumers' inboxes.
"""

from __future__ import annotations

import uuid
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


def cart_created(cart: Cart, user_id: str | None) -> Event:
    payload = {"cartId": cart.id, "userId": user_id, "guest": user_id is None}
    event = Event.new(CART_CREATED, cart.id, payload)
    return replace(event, id=str(uuid.uuid5(_EVENT_IDS, cart.id)), occurred_at=cart.created_at)


class CartAnnouncer:
    """Publishes ``CartCreated`` on the bus; a failure is logged, never raised."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus

    async def __call__(self, cart: Cart, user_id: str | None) -> None:
        try:
            await self.bus.publish(TOPIC, cart_created(cart, user_id))
        except Exception as exc:  # the cart is stored: the request must not fail
            log.warning("cart_created_not_published", cart_id=cart.id, error=repr(exc))
