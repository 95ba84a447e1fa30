"""Bad input is a BAD_USER_INPUT request error, never a 500, and changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.integration.search.catalog import known_catalog
from tests.integration.search.conftest import SEARCH, SUGGEST, GraphQLErrors, SearchHarness


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


BAD_SEARCHES: list[dict[str, Any]] = [
    {"query": ""},
    {"query": "   "},
    {"query": "x" * 10_000},
    {"query": "!!!"},
    {"first": 0},
    {"first": 101},
    {"first": -5},
    {"after": "not-a-cursor"},
    {"after": "WyJjMSIsIlBSSUNFX0FTQyIsMSwiYSJd"},  # a PRICE_ASC cursor used with NEWEST
    {"filter": {"categoryIds": [str(uuid.uuid4())]}},
    {"filter": {"minRating": 6}},
    {
        "filter": {
            "priceMin": {"amount": "50", "currency": "USD"},
            "priceMax": {"amount": "10", "currency": "USD"},
        }
    },
    {"filter": {"priceMin": {"amount": "1.234", "currency": "USD"}}},
    {"filter": {"priceMin": {"amount": "1", "currency": "XXX"}}},
    {
        "filter": {
            "priceMin": {"amount": "1", "currency": "USD"},
            "priceMax": {"amount": "9", "currency": "EUR"},
        }
    },
    {"filter": {"attributes": [{"name": " ", "values": ["Red"]}]}},
    {"filter": {"attributes": [{"name": "Color", "values": []}]}},
]


@pytest.mark.parametrize("variables", BAD_SEARCHES)
async def test_bad_search_input_is_refused_and_changes_nothing(
    search: SearchHarness, variables: dict[str, Any]
) -> None:
    await known_catalog(search)
    before = await search.search(sort="NEWEST")
    if variables.get("after", "").startswith("WyJjMSIsIlBSSUNFX0FTQyI"):
        variables = {**variables, "sort": "NEWEST"}
    with pytest.raises(GraphQLErrors) as refused:
        await search.gql(SEARCH, variables)
    assert refused.value.codes == ["BAD_USER_INPUT"], refused.value.errors
    assert await search.search(sort="NEWEST") == before


@pytest.mark.parametrize(
    "variables", [{"prefix": ""}, {"prefix": "?"}, {"prefix": "a" * 101},
                  {"prefix": "a", "first": 0}, {"prefix": "a", "first": 21}],
)  # fmt: skip
async def test_bad_suggestion_input_is_refused(
    search: SearchHarness, variables: dict[str, Any]
) -> None:
    with pytest.raises(GraphQLErrors) as refused:
        await search.gql(SUGGEST, variables)
    assert refused.value.codes == ["BAD_USER_INPUT"], refused.value.errors
