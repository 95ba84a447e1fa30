"""Validation, cursors and sort rules of the search service (no index involved)."""

from __future__ import annotations

import pytest

from shopgraph.errors import BadUserInput
from shopgraph.pagination import encode_cursor
from subgraphs.search.records import Hit, PriceRange, SearchSort
from subgraphs.search.service import (
    Money,
    attribute_filters,
    cursor_of,
    decode_after,
    effective_sort,
    page_size,
    price_range,
    query_terms,
)


def test_query_terms_are_unique_stems() -> None:
    assert query_terms("Running shoes, running SHOE") == ("run", "shoe")
    assert query_terms(None) == ()


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, "?!"])
def test_empty_overlong_or_wordless_queries_are_refused(bad: str) -> None:
    with pytest.raises(BadUserInput):
        query_terms(bad)


def test_relevance_without_a_query_is_newest_first() -> None:
    assert effective_sort(SearchSort.RELEVANCE, ()) is SearchSort.NEWEST
    assert effective_sort(SearchSort.RELEVANCE, ("shoe",)) is SearchSort.RELEVANCE
    assert effective_sort(SearchSort.PRICE_ASC, ()) is SearchSort.PRICE_ASC


def test_a_cursor_round_trips_its_sort_key() -> None:
    hit = Hit("p-1", "Name", "", 12.625)
    assert decode_after(cursor_of(SearchSort.RELEVANCE, hit), SearchSort.RELEVANCE) == (
        12.625,
        "p-1",
    )


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encode_cursor("PRICE_ASC", 100, "p-1"),  # another sort
        encode_cursor("NEWEST", "100", "p-1"),  # value of the wrong type
        encode_cursor("NEWEST", True, "p-1"),
        encode_cursor("NEWEST", 100, 7),
        encode_cursor("NEWEST", 100),
    ],
)
def test_a_foreign_or_malformed_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(BadUserInput):
        decode_after(cursor, SearchSort.NEWEST)


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_is_between_1_and_100(first: int) -> None:
    with pytest.raises(BadUserInput):
        page_size(first)
    assert page_size(100) == 100


def test_price_range_rules() -> None:
    assert price_range(Money(100, "USD"), None) == PriceRange("USD", 100, None)
    assert price_range(None, None) is None
    with pytest.raises(BadUserInput):
        price_range(Money(500, "USD"), Money(100, "USD"))
    with pytest.raises(BadUserInput):
        price_range(Money(100, "USD"), Money(500, "EUR"))


def test_attribute_filters_merge_names_and_refuse_blanks() -> None:
    merged = attribute_filters((("Color", ("Red",)), (" Color ", ("Blue",))))
    assert merged == (("Color", frozenset({"Red", "Blue"})),)
    with pytest.raises(BadUserInput):
        attribute_filters((("", ("Red",)),))
    with pytest.raises(BadUserInput):
        attribute_filters((("Color", ()),))
