"""A fetched batch of product, stock and rating events applied at once (the worker's batch
form) leaves the index as handling them one by one would, with the newest stock winning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from shopgraph.events.envelope import Event
from subgraphs.search.handlers import registry_for
from tests.integration.search.conftest import SearchHarness


def _stock(search: SearchHarness, product_id: str, available: int, at_offset: float) -> Event:
    payload = {"productId": product_id, "onHand": available, "reserved": 0,
               "available": available, "reason": "RESERVE"}  # fmt: skip
    at = search.clock[0] + timedelta(seconds=at_offset)
    return search.event("StockChanged", product_id, payload, at)


async def _deliver_together(search: SearchHarness, topic: str, events: Sequence[Event]) -> None:
    registry = registry_for(search.indexer)
    [batch] = {registry.batch_for(topic, e.type) for e in events}
    assert batch is not None
    await batch(events)
    await search.index.refresh()


async def test_a_burst_of_stock_changes_ends_at_the_newest(search: SearchHarness) -> None:
    lamp = await search.product("Desk Lamp", price_minor=3000, available=5)
    burst = [_stock(search, lamp, n, at_offset=10 - n) for n in (4, 3, 2, 1, 0)]
    late = _stock(search, lamp, 9, at_offset=-60)  # older than everything applied
    await _deliver_together(search, "inventory", [*burst, late])
    assert await search.names(filter={"inStock": True}) == []

    await _deliver_together(search, "inventory", [_stock(search, lamp, 2, at_offset=20)])
    assert await search.names(filter={"inStock": True}) == ["Desk Lamp"]


async def test_every_catalog_change_of_a_batch_applies_in_order(search: SearchHarness) -> None:
    created = search.tick()
    kettle = await search.product("Blue Kettle", price_minor=2000)
    rename = search.event(
        "ProductUpdated", kettle,
        {"productId": kettle, "sku": "K-1", "name": "Green Kettle", "description": "",
         "status": "ACTIVE", "categoryId": None, "priceMinor": 2500, "currency": "USD",
         "attributes": [], "createdAt": created.isoformat(),
         "updatedAt": (created + timedelta(minutes=1)).isoformat()},
    )  # fmt: skip
    archive = search.event(
        "ProductArchived", kettle,
        {"productId": kettle, "sku": "K-1",
         "updatedAt": (created + timedelta(minutes=2)).isoformat()},
    )  # fmt: skip
    await _deliver_together(search, "catalog", [rename, archive])
    [document] = [d async for d in search.indexer.documents() if d.product_id == kettle]
    assert (document.name, document.price_minor, document.searchable) == (
        "Green Kettle",
        2500,
        False,
    )
    assert await search.ids(query="kettle") == []
