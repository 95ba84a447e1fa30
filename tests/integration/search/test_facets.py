"""Facets: labels, roll-up of the category tree, and disjunctive counts, on every column."""

from __future__ import annotations

from typing import Any

from tests.integration.search.catalog import known_catalog
from tests.integration.search.conftest import SearchHarness


def facet(result: dict[str, Any], field: str) -> dict[str, tuple[int, bool]]:
    (found,) = [f for f in result["facets"] if f["field"] == field]
    return {v["value"]: (v["count"], v["selected"]) for v in found["values"]}


def filter_for(field: str, value: str) -> dict[str, Any]:
    """The filter that selects one facet value."""
    if field == "category":
        return {"categoryIds": [value]}
    if field == "price":
        low, _, high = value.partition("-")
        price: dict[str, Any] = {"priceMin": {"amount": str(int(low) / 100), "currency": "USD"}}
        if high:
            price["priceMax"] = {"amount": f"{int(high) / 100:.2f}", "currency": "USD"}
        return price
    if field == "inStock":
        return {"inStock": value == "true"}
    if field == "rating":
        return {"minRating": float(value)}
    name = field.removeprefix("attribute:")
    return {"attributes": [{"name": name, "values": [value]}]}


async def test_category_counts_include_descendants(search: SearchHarness) -> None:
    c = await known_catalog(search)
    categories = facet(await search.search(), "category")
    assert categories == {
        c.footwear: (4, False),  # socks + 2 running shoes + boot
        c.running: (2, False),
        c.boots: (1, False),
        c.clothing: (1, False),
        c.jackets: (1, False),
    }
    footwear = await search.names(filter={"categoryIds": [c.footwear]}, sort="PRICE_ASC")
    assert footwear == ["Wool Socks", "Trail Running Shoe", "Road Running Shoe",
                        "Leather Hiking Boot"]  # fmt: skip


async def test_counts_are_disjunctive(search: SearchHarness) -> None:
    c = await known_catalog(search)
    flt = {"categoryIds": [c.running], "attributes": [{"name": "Color", "values": ["Red"]}]}
    result = await search.search(filter=flt)
    assert [e["node"]["id"] for e in result["edges"]] == [c.trail]
    assert result["totalCount"] == 1
    # The color facet ignores the color filter: both running-shoe colors, Red selected.
    assert facet(result, "attribute:Color") == {"Red": (1, True), "Blue": (1, False)}
    # The category facet ignores the category filter: every red product's categories.
    assert facet(result, "category") == {
        c.footwear: (1, False), c.running: (1, True), c.clothing: (1, False),
        c.jackets: (1, False),
    }  # fmt: skip
    # Size is not selected: it counts under both filters.
    assert facet(result, "attribute:Size") == {"42": (1, False)}


async def test_price_stock_and_rating_facets(search: SearchHarness) -> None:
    await known_catalog(search)
    result = await search.search(filter={"inStock": True})
    assert facet(result, "inStock") == {"true": (4, True), "false": (1, False)}
    assert facet(result, "price") == {
        "0-2499": (1, False), "2500-4999": (0, False), "5000-9999": (2, False),
        "10000-19999": (1, False), "20000-": (0, False),
    }  # fmt: skip
    assert facet(result, "rating") == {"4": (3, False), "3": (3, False), "2": (3, False),
                                       "1": (3, False)}  # fmt: skip
    labels = {v["value"]: v["label"] for f in result["facets"] if f["field"] == "price"
              for v in f["values"]}  # fmt: skip
    assert labels["0-2499"] == "Under 25.00 USD"
    assert labels["5000-9999"] == "50.00 to 99.99 USD"


async def test_filtering_by_any_facet_value_gives_exactly_its_count(
    search: SearchHarness,
) -> None:
    await known_catalog(search)
    for query in (None, "shoe"):
        browse = await search.search(query=query)
        for field in browse["facets"]:
            for value in field["values"]:
                narrowed = await search.search(
                    query=query, filter=filter_for(field["field"], value["value"])
                )
                assert narrowed["totalCount"] == value["count"], (query, field["field"], value)
                assert len(narrowed["edges"]) == value["count"]
                selected = facet(narrowed, field["field"])[value["value"]]
                assert selected == (value["count"], True)
