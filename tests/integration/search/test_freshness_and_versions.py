"""The index follows every event kind, and replayed or out-of-order events never bring an
older state back (per-product versions), on every column."""

from __future__ import annotations

import uuid
from datetime import timedelta

from subgraphs.search.categories import MAX_AGE_SECONDS, CategoryCache
from tests.integration.search.catalog import known_catalog
from tests.integration.search.conftest import SearchHarness


async def test_each_event_kind_is_searchable_at_once(search: SearchHarness) -> None:
    c = await known_catalog(search)
    # ProductCreated
    lamp = await search.product("Desk Lamp", price_minor=3000, category=c.clothing)
    assert await search.names(query="lamp") == ["Desk Lamp"]
    # ProductUpdated: new name and category
    await search.put_product(
        lamp, "Reading Light", price_minor=3000, category=c.footwear,
        created=search.clock[0], updated=search.tick(),
    )  # fmt: skip
    assert await search.names(query="lamp") == []
    assert await search.names(query="reading light") == ["Reading Light"]
    assert "Reading Light" in await search.names(filter={"categoryIds": [c.footwear]})
    # StockChanged: out of stock, then back
    await search.stock(lamp, 0)
    assert "Reading Light" not in await search.names(filter={"inStock": True})
    await search.stock(lamp, 3)
    assert "Reading Light" in await search.names(filter={"inStock": True})
    # ReviewApproved / ReviewDeleted: the product's rating
    await search.rating(lamp, 2, 10)
    assert "Reading Light" in await search.names(filter={"minRating": 5})
    await search.rating(lamp, 1, 2)
    assert "Reading Light" not in await search.names(filter={"minRating": 3})
    # CategoryChanged: rename and move
    await search.put_category(c.boots, "Winter Boots", c.clothing, change="MOVED")
    categories = await search.search(filter={"categoryIds": [c.clothing]})
    assert {search.name_of[e["node"]["id"]] for e in categories["edges"]} == {
        "Rain Jacket", "Leather Hiking Boot"}  # fmt: skip
    labels = {v["value"]: v["label"] for f in categories["facets"] if f["field"] == "category"
              for v in f["values"]}  # fmt: skip
    assert labels[c.boots] == "Winter Boots"
    # ProductArchived
    event = search.event(
        "ProductArchived", lamp,
        {"productId": lamp, "sku": "X", "updatedAt": search.tick().isoformat()},
    )  # fmt: skip
    await search.deliver("catalog", event)
    assert "Reading Light" not in await search.names(query="reading light")
    assert "Reading Light" not in await search.names(first=100)


async def test_an_older_catalog_event_never_replaces_a_newer_one(search: SearchHarness) -> None:
    created = search.tick()
    product = await search.product("Blue Kettle", price_minor=2000)
    newer = await search.put_product(
        product, "Green Kettle", price_minor=2500, category=None,
        created=created, updated=created + timedelta(minutes=10),
    )  # fmt: skip
    # An update made before it arrives late:
    await search.put_product(
        product, "Red Kettle", price_minor=9900, category=None,
        created=created, updated=created + timedelta(minutes=5),
    )  # fmt: skip
    assert await search.ids(query="green kettle") == [product]
    assert await search.ids(query="red kettle") == []
    # A redelivery of the newest changes nothing either.
    await search.deliver("catalog", newer)
    exactly_25 = {"amount": "25.00", "currency": "USD"}
    price = {"priceMin": exactly_25, "priceMax": exactly_25}
    assert await search.ids(query="kettle", filter=price) == [product]


async def test_an_older_stock_event_never_replaces_a_newer_one(search: SearchHarness) -> None:
    product = await search.product("Tea Pot", price_minor=2000, available=0)
    late = search.clock[0] - timedelta(seconds=30)
    await search.stock(product, 7, at=late)  # older than the "0" already applied
    assert await search.names(filter={"inStock": True}) == []


async def test_replaying_every_event_leaves_the_same_results(search: SearchHarness) -> None:
    c = await known_catalog(search)
    before = await search.search(query="shoe", filter={"categoryIds": [c.footwear]})
    recorded = []
    original = search.deliver

    async def recording(topic: str, event: object) -> None:
        recorded.append((topic, event))
        await original(topic, event)  # type: ignore[arg-type]

    search.deliver = recording  # type: ignore[method-assign]
    await known_catalog(search)  # a second catalog, recorded
    search.deliver = original  # type: ignore[method-assign]
    middle = await search.search(sort="NEWEST", first=50)
    for topic, event in recorded:
        await search.deliver(topic, event)  # type: ignore[arg-type]
    for topic, event in reversed(recorded):
        await search.deliver(topic, event)  # type: ignore[arg-type]
    assert await search.search(sort="NEWEST", first=50) == middle
    assert before["totalCount"] == 2


async def test_searches_read_the_category_tree_at_most_once_a_second(
    search: SearchHarness,
) -> None:
    now = [100.0]
    cache = CategoryCache(search.indexer.db, clock=lambda: now[0])
    shoes = await search.category("Shoes")
    assert shoes in await cache.tree()
    boots = await search.category("Boots", shoes)
    assert boots not in await cache.tree()  # read less than a second ago
    now[0] += MAX_AGE_SECONDS + 0.01
    assert (await cache.tree()).subtree(shoes) == {shoes, boots}
    # A filter naming a category the tree does not know yet reads it again at once.
    sandals = await search.category("Sandals", shoes)
    assert sandals in await cache.tree_knowing({sandals})


async def test_a_category_whose_parent_the_cached_tree_lacks_reads_it_again(
    search: SearchHarness,
) -> None:
    now = [100.0]
    cache = CategoryCache(search.indexer.db, clock=lambda: now[0])
    apparel = str(uuid.uuid4())
    shoes = await search.category("Shoes", apparel)  # its event came before its parent's
    assert apparel not in await cache.tree()
    await search.put_category(apparel, "Apparel", None, "CREATED")
    # less than a second later, a facet counting shoes must roll up into apparel
    tree = await cache.tree_knowing({shoes})
    assert apparel in tree
    assert tree.rolled_up({shoes: 5}) == {shoes: 5, apparel: 5}
