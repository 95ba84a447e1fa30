"""Relevance, typo tolerance, every sort, paging, highlights and suggestions on a known
catalog, on every index column."""

from __future__ import annotations

import pytest

from tests.integration.search.catalog import known_catalog
from tests.integration.search.conftest import SUGGEST, SearchHarness

ALL_BY_PRICE = ["Wool Socks", "Rain Jacket", "Trail Running Shoe", "Road Running Shoe",
                "Leather Hiking Boot"]  # fmt: skip
NEWEST_FIRST = ["Wool Socks", "Rain Jacket", "Leather Hiking Boot", "Road Running Shoe",
                "Trail Running Shoe"]  # fmt: skip
BEST_RATED_FIRST = ["Wool Socks", "Trail Running Shoe", "Road Running Shoe",
                    "Leather Hiking Boot", "Rain Jacket"]  # fmt: skip


async def test_relevance_ranks_name_matches_first_and_requires_every_word(
    search: SearchHarness,
) -> None:
    await known_catalog(search)
    running = await search.names(query="running")
    assert running[-1] == "Rain Jacket"  # only its description says "running"
    assert set(running[:2]) == {"Trail Running Shoe", "Road Running Shoe"}
    assert "Retired Running Shoe" not in running  # archived
    both = await search.names(query="Running shoes")
    assert both[0] == "Trail Running Shoe"  # "shoe" in its name and description
    assert set(both) == {"Trail Running Shoe", "Road Running Shoe"}


async def test_a_typo_still_finds_the_product(search: SearchHarness) -> None:
    await known_catalog(search)
    result = await search.search(query="jackett")
    assert [search.name_of[e["node"]["id"]] for e in result["edges"]] == ["Rain Jacket"]
    assert result["correctedQuery"] == "jacket"


async def test_every_misspelled_word_is_corrected_and_the_result_says_so(
    search: SearchHarness,
) -> None:
    await known_catalog(search)
    result = await search.search(query="leathr boots")
    assert [search.name_of[e["node"]["id"]] for e in result["edges"]] == ["Leather Hiking Boot"]
    assert result["correctedQuery"] == "leather boot"
    assert result["edges"][0]["highlights"][0] == "<em>Leather</em> Hiking <em>Boot</em>"
    exact = await search.search(query="leather boots")
    assert exact["correctedQuery"] is None
    nothing = await search.search(query="qqqzzz")
    assert (nothing["totalCount"], nothing["correctedQuery"]) == (0, None)


async def test_highlights_mark_the_matched_words(search: SearchHarness) -> None:
    await known_catalog(search)
    result = await search.search(query="boots")
    assert result["edges"][0]["highlights"] == [
        "Leather Hiking <em>Boot</em>",
        "Waterproof leather <em>boot</em>.",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("PRICE_ASC", ALL_BY_PRICE),
        ("PRICE_DESC", list(reversed(ALL_BY_PRICE))),
        ("NEWEST", NEWEST_FIRST),
        ("RATING", BEST_RATED_FIRST),
        ("RELEVANCE", NEWEST_FIRST),  # without a query: newest first
    ],
)
async def test_every_sort_orders_the_whole_catalog(
    search: SearchHarness, sort: str, expected: list[str]
) -> None:
    await known_catalog(search)
    assert await search.names(sort=sort) == expected


@pytest.mark.parametrize("sort", ["PRICE_ASC", "PRICE_DESC", "NEWEST", "RATING", "RELEVANCE"])
async def test_paging_two_at_a_time_visits_every_product_once_in_order(
    search: SearchHarness, sort: str
) -> None:
    await known_catalog(search)
    query = ["shoe", "socks", "jacket", "boot"][0] if sort == "RELEVANCE" else None
    whole = await search.names(sort=sort, query=query, first=10)
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = await search.search(sort=sort, query=query, first=2, after=after)
        seen += [search.name_of[e["node"]["id"]] for e in page["edges"]]
        assert page["totalCount"] == len(whole)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == whole


async def test_suggestions_complete_the_last_word(search: SearchHarness) -> None:
    catalog = await known_catalog(search)
    data = await search.gql(SUGGEST, {"prefix": "run"})
    suggested = {s["text"]: s["product"]["id"] for s in data["searchSuggestions"]}
    assert suggested == {"Trail Running Shoe": catalog.trail, "Road Running Shoe": catalog.road}
    data = await search.gql(SUGGEST, {"prefix": "trail runn"})
    assert [s["text"] for s in data["searchSuggestions"]] == ["Trail Running Shoe"]
    data = await search.gql(SUGGEST, {"prefix": "r", "first": 1})
    assert len(data["searchSuggestions"]) == 1
