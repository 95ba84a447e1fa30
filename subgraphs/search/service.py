"""Search domain logic: input validation, cursors, typo correction, facets and highlights.

No GraphQL here: :mod:`subgraphs.search.schema` turns arguments into a :class:`SearchRequest`
and the :class:`SearchOutcome` back into types. Bad input raises ``BadUserInput`` before the
index is asked anything; a query never changes the index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from shopgraph.db import Database
from shopgraph.errors import BadUserInput
from shopgraph.pagination import decode_cursor, encode_cursor
from subgraphs.search import text
from subgraphs.search.categories import CategoryCache
from subgraphs.search.facets import FacetView, all_facets
from subgraphs.search.records import (
    Filters,
    Hit,
    IndexQuery,
    IndexResult,
    PriceRange,
    SearchSort,
    Suggestion,
)
from subgraphs.search.repository import SearchIndex

MAX_QUERY_LENGTH: Final = 200
DEFAULT_FIRST: Final = 20
DEFAULT_SUGGESTIONS: Final = 8
MAX_FIRST: Final = 100
MAX_SUGGESTIONS: Final = 20
MAX_PREFIX_LENGTH: Final = 100
MAX_ATTRIBUTE_FILTERS: Final = 20
DESCRIPTION_HIGHLIGHT_CHARS: Final = 300


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str | None = None
    category_ids: tuple[str, ...] | None = None
    price_min: Money | None = None
    price_max: Money | None = None
    in_stock: bool | None = None
    min_rating: float | None = None
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: SearchSort = SearchSort.RELEVANCE
    first: int = 20
    after: str | None = None


@dataclass(frozen=True, slots=True)
class SearchEdge:
    product_id: str
    cursor: str
    highlights: list[str]


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    total: int
    edges: list[SearchEdge]
    has_next: bool
    has_previous: bool
    facets: list[FacetView] = field(default_factory=list)
    corrected_query: str | None = None


def query_terms(query: str | None) -> tuple[str, ...]:
    """The stems to match; an empty, blank, over-long or word-less query is bad input."""
    if query is None:
        return ()
    if len(query) > MAX_QUERY_LENGTH:
        raise BadUserInput(f"query must be at most {MAX_QUERY_LENGTH} characters")
    if not query.strip():
        raise BadUserInput("query must not be empty (omit it to browse)")
    terms = tuple(dict.fromkeys(text.stems(query)))
    if not terms:
        raise BadUserInput("query has no letters or digits to search for")
    return terms


def effective_sort(sort: SearchSort, terms: tuple[str, ...]) -> SearchSort:
    """Relevance needs a query; without one, newest first."""
    return SearchSort.NEWEST if sort is SearchSort.RELEVANCE and not terms else sort


def cursor_of(sort: SearchSort, hit: Hit) -> str:
    return encode_cursor(sort.value, hit.sort_value, hit.product_id)


def decode_after(after: str | None, sort: SearchSort) -> tuple[float | int, str] | None:
    """A cursor's sort key; one from another sort, or not a cursor at all, is bad input."""
    if after is None:
        return None
    sort_name, value, product_id = decode_cursor(after, arity=3)
    valid_value = isinstance(value, int | float) and not isinstance(value, bool)
    if sort_name != sort.value or not valid_value or not isinstance(product_id, str):
        raise BadUserInput("invalid cursor (it belongs to another search or sort)")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadUserInput("invalid cursor")
    return value, product_id


def page_size(first: int) -> int:
    if first < 1 or first > MAX_FIRST:
        raise BadUserInput(f"first must be between 1 and {MAX_FIRST}")
    return first


def price_range(low: Money | None, high: Money | None) -> PriceRange | None:
    if low is None and high is None:
        return None
    currencies = {m.currency for m in (low, high) if m is not None}
    if len(currencies) > 1:
        raise BadUserInput("priceMin and priceMax must be in the same currency")
    minimum = low.minor if low is not None else None
    maximum = high.minor if high is not None else None
    if minimum is not None and maximum is not None and minimum > maximum:
        raise BadUserInput("priceMin must not be above priceMax")
    return PriceRange(currency=currencies.pop(), minimum=minimum, maximum=maximum)


def attribute_filters(
    attributes: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, frozenset[str]], ...]:
    if len(attributes) > MAX_ATTRIBUTE_FILTERS:
        raise BadUserInput(f"at most {MAX_ATTRIBUTE_FILTERS} attribute filters")
    merged: dict[str, set[str]] = {}
    for name, values in attributes:
        clean = name.strip()
        if not clean or not values:
            raise BadUserInput("an attribute filter needs a name and at least one value")
        merged.setdefault(clean, set()).update(values)
    return tuple((name, frozenset(values)) for name, values in merged.items())


def highlights(hit: Hit, terms: tuple[str, ...]) -> list[str]:
    if not terms:
        return []
    found = [
        text.highlight(hit.name, terms),
        text.highlight(hit.description[:DESCRIPTION_HIGHLIGHT_CHARS], terms),
    ]
    return [h for h in found if h is not None]


class SearchService:
    def __init__(self, db: Database, index: SearchIndex) -> None:
        self.db = db
        self.index = index
        self.categories = CategoryCache(db)

    async def search(self, request: SearchRequest) -> SearchOutcome:
        terms = query_terms(request.query)
        size = page_size(request.first)
        sort = effective_sort(request.sort, terms)
        after = decode_after(request.after, sort)
        selected = set(request.category_ids or ())
        tree = await self.categories.tree_knowing(selected)
        for category_id in selected:
            if category_id not in tree:
                raise BadUserInput(f"unknown category {category_id!r}")
        if request.min_rating is not None and not 0 <= request.min_rating <= 5:
            raise BadUserInput("minRating must be between 0 and 5")
        filters = Filters(
            category_ids=(
                None
                if request.category_ids is None
                else frozenset(d for c in selected for d in tree.subtree(c))
            ),
            price=price_range(request.price_min, request.price_max),
            in_stock=request.in_stock,
            min_rating=request.min_rating,
            attributes=attribute_filters(request.attributes),
        )
        query = IndexQuery(terms=terms, filters=filters, sort=sort, after=after, size=size)
        result = await self.index.search(query)
        corrected: str | None = None
        if terms and result.total == 0:
            corrected, result = await self._corrected(query, result)
            terms = tuple(text.stems(corrected)) if corrected else terms
        page = result.hits[:size]
        # the facet counts may name a category newer than the cached tree
        tree = await self.categories.tree_knowing(selected | set(result.facets.categories))
        return SearchOutcome(
            total=result.total,
            edges=[
                SearchEdge(h.product_id, cursor_of(sort, h), highlights(h, terms)) for h in page
            ],
            has_next=len(result.hits) > size,
            has_previous=after is not None,
            facets=all_facets(result.facets, filters, tree, selected),
            corrected_query=corrected,
        )

    async def _corrected(
        self, query: IndexQuery, result: IndexResult
    ) -> tuple[str | None, IndexResult]:
        """The query with each unknown stem replaced by the closest indexed one, and its
        result, when that finds something."""
        replaced = []
        for term in query.terms:
            similar = [t for t in await self.index.similar_terms(term) if t != term]
            replaced.append(similar[0] if similar else term)
        if tuple(replaced) == query.terms:
            return None, result
        retry = IndexQuery(
            terms=tuple(replaced),
            filters=query.filters,
            sort=query.sort,
            after=query.after,
            size=query.size,
        )
        corrected = await self.index.search(retry)
        if corrected.total == 0:
            return None, result
        return " ".join(replaced), corrected

    async def suggestions(self, prefix: str, first: int) -> list[Suggestion]:
        if first < 1 or first > MAX_SUGGESTIONS:
            raise BadUserInput(f"first must be between 1 and {MAX_SUGGESTIONS}")
        if len(prefix) > MAX_PREFIX_LENGTH:
            raise BadUserInput(f"prefix must be at most {MAX_PREFIX_LENGTH} characters")
        words = text.words(prefix)
        if not words:
            raise BadUserInput("prefix must contain a letter or digit")
        return await self.index.suggest(words, first)
