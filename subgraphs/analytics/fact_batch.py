"""A batch of consumed events written with one statement per kind of fact.

The worker's batch form (:meth:`AnalyticsService.apply_batch`) gets every event of a fetched
batch, whatever its topic: placed orders are upserted together (their lines deleted and
inserted together), each order moment (paid, payment failed, cancelled) in one upsert,
new carts in one insert. Rare kinds (refunds, catalog changes) take their one-event writer.
The result is the one the events' writers give one by one: placed facts and moments touch
disjoint columns, a later moment of one order wins, a known cart is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.events.envelope import Event
from subgraphs.analytics import repository
from subgraphs.analytics.ingest import (
    MOMENTS,
    TOPIC_OF,
    WRITERS,
    cart_fact,
    moment_order_id,
    placed_order,
)
from subgraphs.analytics.records import CartFact, PlacedOrder


async def write_facts(session: AsyncSession, events: Sequence[Event]) -> None:
    """The facts of ``events`` (claimed, of types analytics reads), in their order."""
    placed: dict[str, PlacedOrder] = {}
    moments: dict[str, dict[str, datetime]] = {}
    carts: dict[str, CartFact] = {}
    for event in events:
        if event.type == "OrderCreated":
            order = placed_order(event)
            placed[order.order_id] = order
        elif event.type in MOMENTS:
            moments.setdefault(MOMENTS[event.type], {})[moment_order_id(event)] = event.occurred_at
        elif event.type == "CartCreated":
            cart = cart_fact(event)
            carts.setdefault(cart.cart_id, cart)
        else:
            await WRITERS[TOPIC_OF[event.type], event.type](session, event)
    if placed:
        await repository.record_orders_placed(session, list(placed.values()))
    for column, at in moments.items():
        await repository.record_order_moments(session, column, at)
    if carts:
        await repository.record_carts(session, list(carts.values()))
