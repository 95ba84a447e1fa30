"""The payments worker's batch form: a run of ``OrderCreated`` charges its orders in ONE
transaction, with the same guarantees as :meth:`PaymentService.charge` one by one.

The event ids are claimed in the inbox together, the orders' payment rows are claimed and
locked in order id order, and each order still ``PENDING`` goes to the provider with the
keys derived from its id (:func:`~subgraphs.payments.service.charge_keys`), the calls
running at the same time. Its final status and its ``PaymentSucceeded`` /
``PaymentFailed`` outbox row commit together with the others. An order already settled
(a redelivery, a provider's report) is left as it is and emits nothing; an order given
twice is charged once.

If any provider call fails (``ProviderUnavailable``), every call is awaited and the whole
transaction rolls back: the runtime then handles the events one by one with retries, and
the provider answers the repeated keys with the answers it already gave, so money moves once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim_many
from shopgraph.events.outbox import outbox_row
from shopgraph.logging import get_logger
from subgraphs.payments import repository
from subgraphs.payments.models import inbox, outbox
from subgraphs.payments.records import PENDING, OrderCharge
from subgraphs.payments.service import CHARGE_CONSUMER, TOPIC, PaymentService, utc_now

log = get_logger(__name__)


async def charge_orders(
    payments: PaymentService, charges: Sequence[tuple[str, OrderCharge]]
) -> int:
    """Charge each ``(event id, order)`` once in one transaction; how many were charged now."""
    orders = {order.order_id: order for _, order in charges}
    async with payments.db.transaction() as session:
        await claim_many(session, inbox, CHARGE_CONSUMER, [event_id for event_id, _ in charges])
        rows = await repository.claim_order_payments(session, list(orders.values()), utc_now())
        pending = [(rows[i].id, order) for i, order in orders.items() if rows[i].status == PENDING]
        for order_id, row in rows.items():
            customer = orders[order_id].user_id
            if row.status != PENDING and row.user_id is None and customer is not None:
                # Settled by a provider's report, which does not know the customer.
                await repository.update_payment(session, row.id, {"user_id": customer})
        outcomes = await _charge_all(payments, pending)
        for (payment_id, _), (values, _event) in zip(pending, outcomes, strict=True):
            await repository.set_payment(session, payment_id, values)
        if outcomes:
            await session.execute(outbox.insert(), [outbox_row(TOPIC, e) for _, e in outcomes])
    if outcomes:
        payments.notify_committed()
    for (_, order), (values, _event) in zip(pending, outcomes, strict=True):
        log.info(
            "order_charged",
            order_id=order.order_id,
            status=values["status"],
            reason=values.get("failure_reason"),
        )
    return len(outcomes)


async def _charge_all(
    payments: PaymentService, pending: Sequence[tuple[str, OrderCharge]]
) -> list[tuple[dict[str, Any], Event]]:
    """Every provider outcome; the first failure is raised once every call has ended."""
    results = await asyncio.gather(
        *(payments.charge_with_provider(payment_id, order) for payment_id, order in pending),
        return_exceptions=True,
    )
    outcomes: list[tuple[dict[str, Any], Event]] = []
    for result in results:
        if isinstance(result, BaseException):
            raise result
        outcomes.append(result)
    return outcomes
