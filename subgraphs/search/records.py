"""The values that cross the index port: documents in, queries in, hits and counts out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final

from subgraphs.search import text

# Facet fields (``Facet.field``); an attribute facet is ``attribute:<name>``.
CATEGORY: Final = "category"
PRICE: Final = "price"
IN_STOCK: Final = "inStock"
RATING: Final = "rating"
ATTRIBUTE_PREFIX: Final = "attribute:"


class SearchSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NEWEST = "NEWEST"
    RATING = "RATING"

    @property
    def descending(self) -> bool:
        """The sort value's direction; ties always go by product id, ascending."""
        return self is not SearchSort.PRICE_ASC


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the index holds of one product. ``revision`` grows with every change of the
    product's state; an index never replaces a document with a lower revision.
    A document that is not ``searchable`` (archived, draft, or known only from stock or
    review events so far) stays in the index as a tombstone and matches nothing."""

    product_id: str
    revision: int
    searchable: bool
    name: str
    description: str
    category_id: str | None
    price_minor: int
    currency: str
    in_stock: bool
    rating: float  # mean of approved reviews; 0 when none
    rating_count: int
    attributes: tuple[tuple[str, str], ...]
    created_micros: int  # creation time, microseconds since the epoch (NEWEST sort)

    @property
    def name_terms(self) -> str:
        return text.terms_text(self.name)

    @property
    def body_terms(self) -> str:
        return text.terms_text(self.description)

    @property
    def name_words(self) -> str:
        return " ".join(text.words(self.name))

    def stored_fields(self) -> dict[str, Any]:
        """What both index adapters store of the document, but its attributes (each adapter
        stores those in its own form)."""
        return {
            "product_id": self.product_id,
            "revision": self.revision,
            "searchable": self.searchable,
            "name": self.name,
            "description": self.description,
            "name_terms": self.name_terms,
            "body_terms": self.body_terms,
            "name_words": self.name_words,
            "category_id": self.category_id,
            "price_minor": self.price_minor,
            "currency": self.currency,
            "in_stock": self.in_stock,
            "rating": self.rating,
            "rating_count": self.rating_count,
            "created_micros": self.created_micros,
        }


@dataclass(frozen=True, slots=True)
class PriceRange:
    """Inclusive bounds in minor units; ``currency`` restricts to prices in it."""

    currency: str
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    category_ids: frozenset[str] | None = None  # already expanded to descendants
    price: PriceRange | None = None
    in_stock: bool | None = None
    min_rating: float | None = None
    attributes: tuple[tuple[str, frozenset[str]], ...] = ()

    def without(self, facet: str) -> Filters:
        """Every filter except the facet's own: what its disjunctive counts apply."""
        if facet == CATEGORY:
            return replace(self, category_ids=None)
        if facet == PRICE:
            return replace(self, price=None)
        if facet == IN_STOCK:
            return replace(self, in_stock=None)
        if facet == RATING:
            return replace(self, min_rating=None)
        name = facet.removeprefix(ATTRIBUTE_PREFIX)
        return replace(self, attributes=tuple(a for a in self.attributes if a[0] != name))

    @property
    def attribute_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.attributes)


@dataclass(frozen=True, slots=True)
class PriceBucket:
    """A price facet value: ``minimum`` ≤ price ≤ ``maximum`` (minor units)."""

    minimum: int
    maximum: int | None

    @property
    def key(self) -> str:
        return f"{self.minimum}-{'' if self.maximum is None else self.maximum}"


# 0-24.99, 25-49.99, 50-99.99, 100-199.99, 200 and above (in a 2-decimal currency).
PRICE_BUCKETS: Final = (
    PriceBucket(0, 2499),
    PriceBucket(2500, 4999),
    PriceBucket(5000, 9999),
    PriceBucket(10000, 19999),
    PriceBucket(20000, None),
)
RATING_THRESHOLDS: Final = (4, 3, 2, 1)


@dataclass(frozen=True, slots=True)
class IndexQuery:
    """One search as the index sees it: already validated and expanded."""

    terms: tuple[str, ...]  # query stems, all required; empty = every searchable product
    filters: Filters
    sort: SearchSort  # RELEVANCE only with terms (the service picks NEWEST otherwise)
    after: tuple[float | int, str] | None  # the last sort key seen: (value, product id)
    size: int  # rows wanted; the index returns up to size + 1 to tell if more follow


@dataclass(frozen=True, slots=True)
class Hit:
    product_id: str
    name: str
    description: str
    sort_value: float | int


@dataclass(slots=True)
class FacetCounts:
    """Disjunctive counts: each facet's apply every filter except its own."""

    categories: dict[str, int] = field(default_factory=dict)  # direct category → count
    prices: dict[str, int] = field(default_factory=dict)  # PriceBucket.key → count
    in_stock: dict[bool, int] = field(default_factory=dict)
    ratings: dict[int, int] = field(default_factory=dict)  # threshold → count at or above
    attributes: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexResult:
    hits: list[Hit]  # up to size + 1
    total: int
    facets: FacetCounts


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    product_id: str
