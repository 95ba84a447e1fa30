"""The orders worker's batch form: a run of payment outcomes moves its orders in ONE
transaction, with the effects of :meth:`OrderService.transition` applied event by event.

The event ids are claimed in the inbox together (a redelivery changes nothing), the orders
are locked in id order (PostgreSQL; SQLite's writer lock serialises writers), and each
outcome is checked against the order's status as the outcomes before it in the run left
it: a legal one writes its history row and its ``OrderStatusChanged`` (next version), an
illegal one (already paid, cancelled meanwhile…) or one for an unknown order is reported
and its event is done, as on the one-event path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim_many
from subgraphs.orders import events, repository
from subgraphs.orders.domain import Order, OrderStatus, can_transition
from subgraphs.orders.models import inbox
from subgraphs.orders.service import OrderService


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    event_id: str
    order_id: str
    target: OrderStatus  # PAID or PAYMENT_FAILED
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Applied:
    outcome: PaymentOutcome
    applied: bool
    why: str = ""  # when not applied: "duplicate", "missing" or "illegal"
    current: OrderStatus | None = None


async def apply_outcomes(
    orders: OrderService, outcomes: Sequence[PaymentOutcome], *, actor: str, consumer: str
) -> list[Applied]:
    """Apply ``outcomes`` in order in one transaction; what each did."""
    async with orders.db.transaction() as session:
        done = await _apply(session, orders, outcomes, actor, consumer)
    if orders.on_commit is not None and any(d.applied for d in done):
        orders.on_commit()  # wakes the outbox relay
    return done


async def _apply(
    session: AsyncSession,
    service: OrderService,
    outcomes: Sequence[PaymentOutcome],
    actor: str,
    consumer: str,
) -> list[Applied]:
    fresh = await claim_many(session, inbox, consumer, [o.event_id for o in outcomes])
    current = await repository.lock_orders(
        session,
        [o.order_id for o in outcomes if o.event_id in fresh],
        lock=service.db.is_postgres,
    )
    now = service.clock()
    original: dict[str, Order] = dict(current)
    done: list[Applied] = []
    history: list[dict[str, Any]] = []
    changed: list[Event] = []
    for outcome in outcomes:
        if outcome.event_id not in fresh:
            done.append(Applied(outcome, False, "duplicate"))
            continue
        fresh.discard(outcome.event_id)  # an event given twice applies once
        order = current.get(outcome.order_id)
        if order is None:
            done.append(Applied(outcome, False, "missing"))
            continue
        if not can_transition(order.status, outcome.target):
            done.append(Applied(outcome, False, "illegal", order.status))
            continue
        version = order.version + 1
        history.append(
            {
                "order_id": order.id,
                "status": outcome.target.value,
                "previous_status": order.status.value,
                "actor": actor,
                "reason": outcome.reason,
                "at": now,
            }
        )
        changed.append(events.status_changed(order, outcome.target, version, actor, now))
        current[order.id] = dataclasses.replace(order, status=outcome.target, version=version)
        done.append(Applied(outcome, True))
    moves = {
        order_id: (order.status, order.version - original[order_id].version)
        for order_id, order in current.items()
        if order.version != original[order_id].version
    }
    await repository.move_orders(session, moves, now)
    await repository.record_status_changes(session, history, events.STATUS_TOPIC, changed)
    return done
