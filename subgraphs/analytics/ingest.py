"""What each consumed event writes to the reporting tables.

``WRITERS`` maps ``(topic, event type)`` to a coroutine that reads the payload (see
docs/events.md) and upserts its facts. A payload missing what analytics needs raises
:class:`ValueError`, so the consumer runtime retries and then dead-letters the event
instead of counting something wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.events.envelope import Event
from subgraphs.analytics import repository
from subgraphs.analytics.records import CartFact, PlacedLine, PlacedOrder

Writer = Callable[[AsyncSession, Event], Awaitable[None]]

ORDERS, PAYMENTS, CATALOG, CARTS = "orders", "payments", "catalog", "carts"


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"payload field {name!r} must be a non-empty string")
    return value


def _optional_text(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    return value if isinstance(value, str) and value else None


def _count(payload: dict[str, Any], name: str) -> int:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"payload field {name!r} must be a non-negative integer")
    return value


def placed_order(event: Event) -> PlacedOrder:
    """An ``OrderCreated`` payload read (``ValueError`` if it lacks what analytics needs)."""
    payload = event.payload
    items = payload.get("items")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("payload field 'items' must be a list of objects")
    lines = tuple(
        PlacedLine(
            product_id=_text(item, "productId"),
            sku=_optional_text(item, "sku"),
            name=_optional_text(item, "name"),
            quantity=_count(item, "quantity"),
            unit_price_minor=_count(item, "unitPriceMinor"),
        )
        for item in items
    )
    return PlacedOrder(
        order_id=_text(payload, "orderId"),
        user_id=_optional_text(payload, "userId"),
        currency=_text(payload, "currency"),
        total_minor=_count(payload, "totalMinor"),
        placed_at=event.occurred_at,
        lines=lines,
    )


async def order_created(session: AsyncSession, event: Event) -> None:
    await repository.record_order_placed(session, placed_order(event))


def moment_order_id(event: Event) -> str:
    """The order an ``OrderCancelled`` / ``PaymentSucceeded`` / ``PaymentFailed`` is about."""
    return _text(event.payload, "orderId")


def _order_moment(column: str) -> Writer:
    async def write(session: AsyncSession, event: Event) -> None:
        await repository.record_order_moment(
            session, moment_order_id(event), column, event.occurred_at
        )

    return write


async def payment_refunded(session: AsyncSession, event: Event) -> None:
    payload = event.payload
    await repository.record_refund(
        session,
        refund_id=_text(payload, "refundId"),
        order_id=_text(payload, "orderId"),
        currency=_text(payload, "currency"),
        amount_minor=_count(payload, "amountMinor"),
        at=event.occurred_at,
    )


def cart_fact(event: Event) -> CartFact:
    payload = event.payload
    return CartFact(
        cart_id=_text(payload, "cartId"),
        user_id=_optional_text(payload, "userId"),
        at=event.occurred_at,
    )


async def cart_created(session: AsyncSession, event: Event) -> None:
    cart = cart_fact(event)
    await repository.record_cart(session, cart_id=cart.cart_id, user_id=cart.user_id, at=cart.at)


async def product_changed(session: AsyncSession, event: Event) -> None:
    payload = event.payload
    await repository.record_product(
        session,
        product_id=_text(payload, "productId"),
        sku=_text(payload, "sku"),
        name=_optional_text(payload, "name"),
        archived=event.type == "ProductArchived",
        at=event.occurred_at,
    )


# The order moment each event type sets (the column of ``order_facts``).
MOMENTS: dict[str, str] = {
    "OrderCancelled": "cancelled_at",
    "PaymentSucceeded": "paid_at",
    "PaymentFailed": "payment_failed_at",
}

WRITERS: dict[tuple[str, str], Writer] = {
    (ORDERS, "OrderCreated"): order_created,
    (ORDERS, "OrderCancelled"): _order_moment(MOMENTS["OrderCancelled"]),
    (PAYMENTS, "PaymentSucceeded"): _order_moment(MOMENTS["PaymentSucceeded"]),
    (PAYMENTS, "PaymentFailed"): _order_moment(MOMENTS["PaymentFailed"]),
    (PAYMENTS, "PaymentRefunded"): payment_refunded,
    (CATALOG, "ProductCreated"): product_changed,
    (CATALOG, "ProductUpdated"): product_changed,
    (CATALOG, "ProductArchived"): product_changed,
    (CARTS, "CartCreated"): cart_created,
}

TOPICS: tuple[str, ...] = tuple(dict.fromkeys(topic for topic, _ in WRITERS))

# Every event type analytics reads comes from one topic: the type alone picks the writer.
TOPIC_OF: dict[str, str] = {event_type: topic for topic, event_type in WRITERS}
assert len(TOPIC_OF) == len(WRITERS), "an event type on two topics"
