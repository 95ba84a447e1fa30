"""A rebuild replaces the index with no moment of empty (or partial) results, and events
that arrive while it runs are not lost, on every column."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from subgraphs.search.records import SearchDocument
from tests.integration.search.catalog import known_catalog
from tests.integration.search.conftest import SearchHarness


async def test_searches_see_the_old_index_until_the_new_one_is_complete(
    search: SearchHarness,
) -> None:
    c = await known_catalog(search)
    before = await search.search(sort="NEWEST")
    assert before["totalCount"] == 5
    seen_during: list[int] = []

    async def documents() -> AsyncIterator[SearchDocument]:
        async for doc in search.indexer.documents():
            # Between every document of the new index, a storefront searches.
            seen_during.append((await search.search(sort="NEWEST"))["totalCount"])
            yield doc if doc.product_id != c.socks else _renamed(doc, "Cashmere Socks")

    await search.index.rebuild(documents())
    await search.index.refresh()
    assert seen_during and set(seen_during) == {5}
    assert await search.ids(query="cashmere") == [c.socks]
    assert (await search.search(sort="NEWEST"))["totalCount"] == 5


async def test_events_after_a_rebuild_update_the_new_index(search: SearchHarness) -> None:
    c = await known_catalog(search)
    await search.index.rebuild(search.indexer.documents())
    await search.stock(c.boot, 9)
    assert c.boot in await search.ids(filter={"inStock": True})
    await search.index.rebuild(search.indexer.documents())
    await search.index.refresh()
    assert c.boot in await search.ids(filter={"inStock": True})
    assert (await search.search())["totalCount"] == 5


def _renamed(doc: SearchDocument, name: str) -> SearchDocument:
    return replace(doc, name=name, revision=doc.revision + 1)
