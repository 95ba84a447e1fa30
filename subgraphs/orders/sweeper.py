"""The background loop that cancels orders left ``PENDING`` too long (started and stopped
with the app).

Every ``interval`` seconds it calls :meth:`OrderService.cancel_stale_pending`; each
cancellation is a conditional transition, so several app processes may sweep the same
database at once and an order is still cancelled once (and never after it was paid).
"""

from __future__ import annotations

from shopgraph.periodic import Periodic
from subgraphs.orders.service import OrderService

DEFAULT_INTERVAL_SECONDS = 60.0


def pending_sweeper(orders: OrderService, interval: float = DEFAULT_INTERVAL_SECONDS) -> Periodic:
    return Periodic("orders-pending-sweeper", orders.cancel_stale_pending, interval)
