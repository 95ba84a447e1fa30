"""``CartCreated`` leaves in the background: ``addToCart`` returns before the broker has it,
each new cart is announced once, and every miss (queue full, bus refusing, shutdown) is
logged as ``cart_created_not_published`` while the cart stays stored (at most once)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import MutableMapping, Sequence
from typing import Any

from structlog.testing import capture_logs

from shopgraph.events.envelope import Event
from shopgraph.events.memory import InMemoryBus
from shopgraph.kv import InMemoryKeyValueStore
from subgraphs.carts.announcements import CART_CREATED, TOPIC, CartAnnouncer
from subgraphs.carts.service import CartService, Owner
from tests.unit.carts.fakes import FakeCatalog


class GatedBus(InMemoryBus):
    """The in-process bus, holding every publish until ``gate`` opens (a slow broker) or
    refusing it (``refuse``: a broker that is down)."""

    def __init__(self) -> None:
        super().__init__(f"gated-{uuid.uuid4().hex[:8]}")
        self.gate = asyncio.Event()
        self.refuse = False
        self.batches: list[int] = []

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        await self.gate.wait()
        if self.refuse:
            raise ConnectionError("broker unreachable")
        self.batches.append(len(messages))
        await super().publish_many(messages)

    def announced(self) -> list[str]:
        """The cart ids of the ``CartCreated`` events on the topic."""
        events = [Event.from_bytes(value) for part in self._topic(TOPIC) for _key, value in part]
        assert all(e.type == CART_CREATED for e in events)
        return [e.aggregate_id for e in events]


def shop(bus: GatedBus, **options: Any) -> tuple[CartService, CartAnnouncer, str]:
    catalog = FakeCatalog()
    announcer = CartAnnouncer(bus, **options)
    kv = InMemoryKeyValueStore(f"carts-announce-{uuid.uuid4().hex[:8]}")
    return CartService(kv, catalog, on_cart_created=announcer), announcer, catalog.add()


def misses(logs: list[MutableMapping[str, Any]]) -> list[str]:
    return [e["cart_id"] for e in logs if e["event"] == "cart_created_not_published"]


async def test_add_does_not_wait_for_the_broker_and_each_cart_is_announced_once() -> None:
    bus = GatedBus()
    carts, announcer, product = shop(bus)
    owners = [Owner.user(str(uuid.uuid4())) for _ in range(3)]
    created = [(await carts.add(owner, product, 1)).cart for owner in owners]
    await carts.add(owners[0], product, 1)  # an existing cart: nothing more to announce
    assert bus.announced() == []  # every add returned while the broker held the events

    bus.gate.set()
    await announcer.flush()
    assert sorted(bus.announced()) == sorted(c.id for c in created if c is not None)
    assert sum(bus.batches) == 3 and len(bus.batches) <= 2  # queued events leave together
    await announcer.close()


async def test_a_full_queue_drops_the_event_with_a_log_and_keeps_the_cart() -> None:
    bus = GatedBus()
    carts, announcer, product = shop(bus, capacity=1)
    first = (await carts.add(Owner.user(str(uuid.uuid4())), product, 1)).cart
    await asyncio.sleep(0)  # the sender takes the first event and waits for the broker
    second = (await carts.add(Owner.user(str(uuid.uuid4())), product, 1)).cart
    third_owner = Owner.user(str(uuid.uuid4()))
    with capture_logs() as logs:
        third = (await carts.add(third_owner, product, 1)).cart
    assert first is not None and second is not None and third is not None
    assert misses(logs) == [third.id]
    assert await carts.get(third_owner) == third  # the cart is kept all the same

    bus.gate.set()
    await announcer.close()
    assert sorted(bus.announced()) == sorted([first.id, second.id])


async def test_a_refusing_bus_is_logged_per_cart_and_never_retried() -> None:
    bus = GatedBus()
    bus.refuse = True
    carts, announcer, product = shop(bus)
    owners = [Owner.user(str(uuid.uuid4())) for _ in range(2)]
    with capture_logs() as logs:
        created = [(await carts.add(owner, product, 1)).cart for owner in owners]
        bus.gate.set()
        await announcer.flush()
    assert sorted(misses(logs)) == sorted(c.id for c in created if c is not None)
    bus.refuse = False
    await announcer.close()
    assert bus.announced() == []  # at most once: a refused event is not sent again
    assert [await carts.get(owner) for owner in owners] == created


async def test_shutdown_flushes_what_is_queued() -> None:
    bus = GatedBus()
    carts, announcer, product = shop(bus)
    cart = (await carts.add(Owner.user(str(uuid.uuid4())), product, 1)).cart
    assert cart is not None
    closing = asyncio.create_task(announcer.close())
    await asyncio.sleep(0)
    assert not closing.done()  # shutdown waits for the broker
    bus.gate.set()
    await closing
    assert bus.announced() == [cart.id]


async def test_shutdown_logs_what_the_broker_did_not_take_in_time_and_later_events() -> None:
    bus = GatedBus()  # the gate never opens: a broker that does not answer
    carts, announcer, product = shop(bus, flush_seconds=0.05)
    stuck = (await carts.add(Owner.user(str(uuid.uuid4())), product, 1)).cart
    with capture_logs() as logs:
        await announcer.close()
        late = (await carts.add(Owner.user(str(uuid.uuid4())), product, 1)).cart
    assert stuck is not None and late is not None
    assert misses(logs) == [stuck.id, late.id]
    assert bus.announced() == []
