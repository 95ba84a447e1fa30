"""The orders worker's batch form: a run of payment outcomes moves each order as the events
one by one would, in one transaction, and a redelivered run changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from shopgraph.events.envelope import Event
from shopgraph.events.handlers import BatchHandler
from subgraphs.orders.models import outbox
from tests.integration.orders.conftest import Orders, placed_order
from tests.integration.orders.test_status import handlers, payment_event, status_of
from tests.support.sql import count_statements


def apply_run(orders: Orders) -> BatchHandler:
    registry = handlers(orders)
    batch = registry.batch_for("payments", "PaymentSucceeded")
    assert batch is not None
    assert registry.batch_for("payments", "PaymentFailed") is batch
    return batch


async def placed(orders: Orders, count: int) -> list[str]:
    return [await placed_order(orders, await orders.shopper()) for _ in range(count)]


async def test_a_run_moves_each_order_once_in_event_order(orders_app: Orders) -> None:
    paid, failed, paid_then_failed = await placed(orders_app, 3)
    run: Sequence[Event] = [
        payment_event(paid),
        payment_event(failed, "PaymentFailed"),
        payment_event(paid_then_failed),
        payment_event(paid_then_failed, "PaymentFailed"),  # illegal after PAID: ignored
        payment_event(paid),  # another event id for a paid order: ignored
    ]

    await apply_run(orders_app)(run)
    await apply_run(orders_app)(run)  # redelivered

    assert [await status_of(orders_app, o) for o in (paid, failed, paid_then_failed)] == [
        "PAID",
        "PAYMENT_FAILED",
        "PAID",
    ]
    changes = await orders_app.events("OrderStatusChanged")
    assert [(e.aggregate_id, e.payload["status"], e.payload["version"]) for e in changes] == [
        (paid, "PAID", 2),
        (failed, "PAYMENT_FAILED", 2),
        (paid_then_failed, "PAID", 2),
    ]
    [entry] = (await orders_app.service.history_many([failed]))[0][1:]
    assert (entry.status, entry.previous_status, entry.actor, entry.reason) == (
        "PAYMENT_FAILED",
        "PENDING",
        "payments",
        "card declined",
    )
    paid_order = await orders_app.service.get(paid)
    assert paid_order is not None and paid_order.version == 2


async def test_a_run_and_the_one_event_path_share_the_inbox(orders_app: Orders) -> None:
    [order_id] = await placed(orders_app, 1)
    event = payment_event(order_id)
    await apply_run(orders_app)([event, payment_event(order_id, "PaymentFailed")])
    one = handlers(orders_app).lookup("payments", "PaymentSucceeded")
    assert one is not None
    await one(event)  # the runtime's fallback after a failed batch: a redelivery here
    assert await orders_app.count_history(order_id) == 2
    assert len(await orders_app.events("OrderStatusChanged")) == 1


async def test_status_changes_have_a_topic_of_their_own(orders_app: Orders) -> None:
    """Groups reading ``orders`` for OrderCreated / OrderCancelled never fetch them."""
    by_run, one_by_one = await placed(orders_app, 2)
    await apply_run(orders_app)([payment_event(by_run)])
    one = handlers(orders_app).lookup("payments", "PaymentSucceeded")
    assert one is not None
    await one(payment_event(one_by_one))

    async with orders_app.db.session() as session:
        rows = (await session.execute(select(outbox.c.topic, outbox.c.event))).all()
    topics = {(Event.from_bytes(row.event).type, row.topic) for row in rows}
    assert topics == {("OrderCreated", "orders"), ("OrderStatusChanged", "order-status")}


async def test_unknown_orders_in_a_run_change_nothing(orders_app: Orders) -> None:
    [order_id] = await placed(orders_app, 1)
    await apply_run(orders_app)(
        [
            payment_event("not-a-uuid"),
            payment_event("00000000-0000-4000-8000-000000000000"),
            payment_event(order_id),
        ]
    )
    assert await status_of(orders_app, order_id) == "PAID"


async def test_a_longer_run_costs_no_more_statements(orders_app: Orders) -> None:
    orders = await placed(orders_app, 12)
    batch = apply_run(orders_app)
    with count_statements(orders_app.service.db.engine) as two:
        await batch([payment_event(o) for o in orders[:2]])
    with count_statements(orders_app.service.db.engine) as ten:
        await batch([payment_event(o) for o in orders[2:]])
    if orders_app.service.db.is_postgres:  # SQLite claims each event id on its own
        assert len(ten) == len(two)
    assert {await status_of(orders_app, o) for o in orders} == {"PAID"}
