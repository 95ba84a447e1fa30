"""Event handlers of the carts service (worker group ``carts``).

* ``orders`` / ``OrderCreated`` → empty the buyer's cart (payload ``userId``).

De-duplication: carts has no database, so its inbox is the key-value store. Emptying a
cart is idempotent anyway (emptying an empty cart changes nothing), so the only harm a
redelivered ``OrderCreated`` could do is to empty a cart the customer has filled *again*
since the order. Two marks prevent that:

1. the inbox mark ``carts:inbox:<event id>`` (``SET … NX``, 30-day expiry), checked first
   and set once the cart is emptied: a redelivery finds it and does nothing;
2. the cart itself records the event id in the same ``compare_and_set`` that empties it,
   so even a crash between emptying and setting the inbox mark cannot make the redelivery
   empty the cart a second time.

A failure before the cart is written leaves neither mark, and the runtime's retry (or the
redelivery) applies the event. A user without a cart has nothing to empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.internal import InternalClient
from shopgraph.kv import kv_from_url
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from subgraphs.carts.service import CartService
from subgraphs.products.client import ProductsClient
from workers.runtime import PER_ORDER_CONCURRENCY, WorkerGroup

log = get_logger(__name__)

GROUP = "carts"


def register_handlers(registry: HandlerRegistry, carts: CartService) -> None:
    @registry.on("orders", "OrderCreated")
    async def clear_cart(event: Event) -> None:
        user_id = event.payload.get("userId")
        if not user_id:
            log.warning("order_without_user", event_id=event.id, order_id=event.aggregate_id)
            return
        if await carts.clear_for_order(str(user_id), event.id):
            log.info("cart_cleared_for_order", user_id=user_id, order_id=event.aggregate_id)
        else:
            log.info("order_event_changed_nothing", event_id=event.id, user_id=user_id)


@asynccontextmanager
async def carts_handlers(settings: Settings) -> AsyncIterator[HandlerRegistry]:
    kv = kv_from_url(settings.kv_url)
    catalog = ProductsClient(InternalClient(settings, GROUP))
    registry = HandlerRegistry()
    register_handlers(registry, CartService(kv, catalog))
    try:
        yield registry
    finally:
        await catalog.close()
        await kv.close()


WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(GROUP, ("orders",), carts_handlers, concurrency=PER_ORDER_CONCURRENCY),
)
