"""Verified purchases from OrderStatusChanged(PAID): before or after the review, once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from bootstrap.registry import worker_groups
from shopgraph.events.bus import bus_from_url
from shopgraph.events.envelope import Event
from subgraphs.reviews.handlers import WORKER_GROUPS, registry_for
from tests.integration.reviews.conftest import REVIEW, Reviews, new_id
from workers.runtime import ConsumerRuntime


def paid(user_id: str, *items: tuple[str, int], status: str = "PAID") -> Event:
    order_id = new_id()
    return Event.new(
        "OrderStatusChanged",
        order_id,
        {
            "orderId": order_id,
            "userId": user_id,
            "status": status,
            "previousStatus": "PENDING",
            "items": [{"productId": p, "quantity": q} for p, q in items],
        },
    )


async def verified(reviews: Reviews, review_id: str, token: str) -> bool:
    review = (await reviews.data(REVIEW, {"id": review_id}, token))["review"]
    return bool(review["verifiedPurchase"])


async def test_purchase_before_the_review_verifies_it(reviews: Reviews) -> None:
    user_id, token = reviews.customer()
    bought, other = new_id(), new_id()
    assert await reviews.service.record_purchase(paid(user_id, (bought, 1)))
    assert (await reviews.add(token, bought))["review"]["verifiedPurchase"] is True
    assert (await reviews.add(token, other))["review"]["verifiedPurchase"] is False
    # someone else's purchase verifies nothing of mine
    _, stranger = reviews.customer()
    assert (await reviews.add(stranger, bought))["review"]["verifiedPurchase"] is False


async def test_purchase_after_the_review_updates_it(reviews: Reviews) -> None:
    user_id, token = reviews.customer()
    _, other_token = reviews.customer()
    product, unrelated = new_id(), new_id()
    mine = (await reviews.add(token, product))["review"]
    theirs = (await reviews.add(other_token, product))["review"]
    not_bought = (await reviews.add(token, unrelated))["review"]
    assert not await verified(reviews, mine["id"], token)

    await reviews.service.record_purchase(paid(user_id, (product, 2), (new_id(), 1)))
    assert await verified(reviews, mine["id"], token)
    assert not await verified(reviews, theirs["id"], other_token)
    assert not await verified(reviews, not_bought["id"], token)


async def test_only_paid_orders_count(reviews: Reviews) -> None:
    user_id, token = reviews.customer()
    product = new_id()
    for status in ("PENDING", "PAYMENT_FAILED", "CANCELLED"):
        assert not await reviews.service.record_purchase(paid(user_id, (product, 1), status=status))
    assert (await reviews.add(token, product))["review"]["verifiedPurchase"] is False
    assert await reviews.service.purchased_quantity(user_id, product) == 0


async def test_a_run_of_events_records_each_paid_order_once(reviews: Reviews) -> None:
    (ann, ann_token), (bob, _) = reviews.customer(), reviews.customer()
    product = new_id()
    review = (await reviews.add(ann_token, product))["review"]
    first, second = paid(ann, (product, 1)), paid(bob, (product, 3))
    run = [first, paid(ann, (product, 5), status="PENDING"), second, first]
    assert await reviews.service.record_purchases(run) == 2  # the repeat and PENDING skipped
    assert await reviews.service.purchased_quantity(ann, product) == 1
    assert await reviews.service.purchased_quantity(bob, product) == 3
    assert await verified(reviews, review["id"], ann_token)
    assert await reviews.service.record_purchases(run) == 0  # redelivered: nothing twice
    assert await reviews.service.purchased_quantity(ann, product) == 1


async def test_redelivered_event_is_applied_once(reviews: Reviews) -> None:
    user_id, _ = reviews.customer()
    product = new_id()
    event = paid(user_id, (product, 2))
    assert await reviews.service.record_purchase(event) is True
    assert await reviews.service.record_purchase(event) is False
    concurrent = await asyncio.gather(*(reviews.service.record_purchase(event) for _ in range(5)))
    assert concurrent == [False] * 5
    assert await reviews.service.purchased_quantity(user_id, product) == 2
    # a second, different order of the same product does count
    assert await reviews.service.record_purchase(paid(user_id, (product, 1)))
    assert await reviews.service.purchased_quantity(user_id, product) == 3


async def test_concurrent_purchase_and_review_end_verified(reviews: Reviews) -> None:
    """The purchase commits while the review is being added: still verified."""
    pairs = [(reviews.customer(), new_id()) for _ in range(12)]
    results = await asyncio.gather(
        *(reviews.add(token, product) for (_, token), product in pairs),
        *(reviews.service.record_purchase(paid(uid, (product, 1))) for (uid, _), product in pairs),
    )
    added = results[: len(pairs)]
    for payload, ((_, token), _product) in zip(added, pairs, strict=True):
        assert await verified(reviews, payload["review"]["id"], token)


async def _wait_until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_worker_applies_redelivered_events_once(
    reviews: Reviews, bus_url: str, topic: str
) -> None:
    """Through the consumer runtime on both buses: the same event published three times."""
    user_id, token = reviews.customer()
    product = new_id()
    review = (await reviews.add(token, product))["review"]
    event = paid(user_id, (product, 4))
    bus = bus_from_url(bus_url)
    await bus.start()
    try:
        for _ in range(3):
            await bus.publish(topic, event)
        await bus.publish(topic, paid(user_id, (new_id(), 1), status="PENDING"))
        runtime = ConsumerRuntime(
            bus,
            f"{topic}-reviews-{uuid.uuid4().hex[:6]}",
            [topic],
            registry_for(reviews.service, (topic,)),
        )
        task = asyncio.create_task(runtime.run())
        try:
            await _wait_until(lambda: runtime.stats.handled == 4)
        finally:
            await runtime.stop()
            await task
    finally:
        await bus.stop()
    assert await reviews.service.purchased_quantity(user_id, product) == 4
    assert await verified(reviews, review["id"], token)


def test_reviews_worker_group_is_declared() -> None:
    (group,) = WORKER_GROUPS
    assert group.name == "reviews"
    assert group.topics == ("order-status", "orders")
    assert worker_groups()["reviews"] is group


async def test_a_purchase_left_on_the_orders_topic_by_an_upgrade_is_still_recorded(
    reviews: Reviews,
) -> None:
    """OrderStatusChanged written before it had a topic of its own is on ``orders``."""
    user_id, token = reviews.customer()
    product = new_id()
    registry = registry_for(reviews.service)
    for topic, bought in (("order-status", product), ("orders", new_id())):
        handler = registry.lookup(topic, "OrderStatusChanged")
        assert handler is not None, topic
        await handler(paid(user_id, (bought, 1)))
    assert (await reviews.add(token, product))["review"]["verifiedPurchase"] is True
    assert await reviews.service.purchased_quantity(user_id, product) == 1
