"""The orders service's events (docs/events.md), built from domain objects.

``OrderCreated`` and ``OrderCancelled`` go to ``orders``; ``OrderStatusChanged`` has a
topic of its own, ``order-status``, since most groups reading ``orders`` never handle it
and would fetch and decode it only to skip it. ``OrderStatusChanged`` written before it
moved is on ``orders`` (``LEGACY_STATUS_TOPIC``); its consumers read it there too until
every orders process writes to the new topic and their backlog there is consumed.

Payload keys are camelCase, money is integer minor units plus a currency. Fields beyond
the documented contract are additions (consumers ignore what they do not know):

* ``OrderCreated``: + ``subtotalMinor``, ``shippingMinor``, ``createdAt``, and the buyer's
  ``firstName`` / ``lastName`` (null when the account has none) so that the notifications
  worker greets without asking users; events written before they existed lack both keys;
* ``OrderStatusChanged``: + ``version`` (grows with every change of the order, so a
  subscriber can drop duplicates and stale messages), ``actor``, ``at``;
* ``OrderCancelled``: + ``wasPaid`` (the order had been paid: payments refunds it),
  ``totalMinor``, ``currency``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from shopgraph.events.envelope import Event
from subgraphs.orders.domain import Order, OrderStatus

TOPIC: Final = "orders"
STATUS_TOPIC: Final = "order-status"
LEGACY_STATUS_TOPIC: Final = TOPIC
ORDER_CREATED: Final = "OrderCreated"
ORDER_STATUS_CHANGED: Final = "OrderStatusChanged"
ORDER_CANCELLED: Final = "OrderCancelled"


def order_created(
    order: Order, *, first_name: str | None = None, last_name: str | None = None
) -> Event:
    return Event.new(
        ORDER_CREATED,
        order.id,
        {
            "orderId": order.id,
            "userId": order.user_id,
            "email": order.email,
            "firstName": first_name,
            "lastName": last_name,
            "items": [
                {
                    "productId": line.product_id,
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "unitPriceMinor": line.unit_price_minor,
                }
                for line in order.lines
            ],
            "subtotalMinor": order.subtotal_minor,
            "shippingMinor": order.shipping_minor,
            "totalMinor": order.total_minor,
            "currency": order.currency,
            "paymentMethod": order.payment_method,
            "createdAt": order.created_at.isoformat(),
        },
    )


def status_changed(
    order: Order, status: OrderStatus, version: int, actor: str, at: datetime
) -> Event:
    return Event.new(
        ORDER_STATUS_CHANGED,
        order.id,
        {
            "orderId": order.id,
            "userId": order.user_id,
            "status": status.value,
            "previousStatus": order.status.value,
            "items": [
                {"productId": line.product_id, "quantity": line.quantity} for line in order.lines
            ],
            "version": version,
            "actor": actor,
            "at": at.isoformat(),
        },
    )


def order_cancelled(order: Order, reason: str | None) -> Event:
    payload: dict[str, Any] = {
        "orderId": order.id,
        "userId": order.user_id,
        "reason": reason or "",
        "wasPaid": order.status is OrderStatus.PAID,
        "totalMinor": order.total_minor,
        "currency": order.currency,
    }
    return Event.new(ORDER_CANCELLED, order.id, payload)
