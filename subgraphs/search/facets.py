"""Facet semantics: labels, selection, and the category tree's roll-up (pure: no I/O).

The index counts each product under its own category; here a category's count becomes the
sum over its subtree, because filtering by a category includes its descendants (as the
products listing does). So "filtering by a facet value gives exactly its count" holds.

Category and attribute facets list their :data:`MAX_FACET_VALUES` largest values (and every
selected one) with ``has_more`` set when others were left out: a large catalog's hundred
categories would otherwise make every search response mostly facet values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shopgraph.money import CURRENCY_EXPONENTS, from_minor
from subgraphs.search.records import (
    ATTRIBUTE_PREFIX,
    CATEGORY,
    IN_STOCK,
    PRICE,
    PRICE_BUCKETS,
    RATING,
    RATING_THRESHOLDS,
    FacetCounts,
    Filters,
    PriceBucket,
)

MAX_FACET_VALUES = 10
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class FacetValueView:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class FacetView:
    field: str
    label: str
    values: list[FacetValueView]
    has_more: bool = False


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    parent_id: str | None


class CategoryTree:
    def __init__(self, categories: Iterable[Category]) -> None:
        self.by_id = {c.id: c for c in categories}
        self.children: dict[str, list[str]] = {}
        for category in self.by_id.values():
            if category.parent_id is not None:
                self.children.setdefault(category.parent_id, []).append(category.id)

        # The service keeps a tree for a second and rolls counts up on every search.
        self._subtrees: dict[str, frozenset[str]] = {}

    def __contains__(self, category_id: object) -> bool:
        return category_id in self.by_id

    def subtree(self, category_id: str) -> frozenset[str]:
        """The category and all its descendants."""
        known = self._subtrees.get(category_id)
        if known is not None:
            return known
        found: set[str] = set()
        pending = [category_id]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.children.get(current, ()))
        self._subtrees[category_id] = frozenset(found)
        return self._subtrees[category_id]

    def rolled_up(self, direct: Mapping[str, int]) -> dict[str, int]:
        """Each known category's count including its descendants' products."""
        return {cid: sum(direct.get(d, 0) for d in self.subtree(cid)) for cid in self.by_id}


def _money(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency)}"


def price_label(bucket: PriceBucket, currency: str) -> str:
    if bucket.maximum is None:
        return f"{_money(bucket.minimum, currency)} {currency} and above"
    if bucket.minimum == 0:
        return f"Under {_money(bucket.maximum + 1, currency)} {currency}"
    return f"{_money(bucket.minimum, currency)} to {_money(bucket.maximum, currency)} {currency}"


def top_values(field: str, label: str, ranked: list[FacetValueView]) -> FacetView:
    """The first :data:`MAX_FACET_VALUES` of ``ranked`` plus any selected value after them."""
    kept = ranked[:MAX_FACET_VALUES] + [v for v in ranked[MAX_FACET_VALUES:] if v.selected]
    return FacetView(field, label, kept, has_more=len(kept) < len(ranked))


def category_facet(counts: FacetCounts, tree: CategoryTree, selected: set[str]) -> FacetView:
    totals = tree.rolled_up(counts.categories)
    values = [
        FacetValueView(cid, tree.by_id[cid].name, count, cid in selected)
        for cid, count in totals.items()
        if count > 0 or cid in selected
    ]
    values.sort(key=lambda v: (-v.count, v.label, v.value))
    return top_values(CATEGORY, "Category", values)


def price_facet(counts: FacetCounts, filters: Filters) -> FacetView:
    price = filters.price
    currency = price.currency if price is not None else DEFAULT_CURRENCY
    if currency not in CURRENCY_EXPONENTS:
        currency = DEFAULT_CURRENCY
    values = [
        FacetValueView(
            bucket.key,
            price_label(bucket, currency),
            counts.prices.get(bucket.key, 0),
            price is not None
            and price.minimum == bucket.minimum
            and price.maximum == bucket.maximum,
        )
        for bucket in PRICE_BUCKETS
    ]
    return FacetView(PRICE, "Price", values)


def stock_facet(counts: FacetCounts, filters: Filters) -> FacetView:
    return FacetView(
        IN_STOCK,
        "Availability",
        [
            FacetValueView(
                "true", "In stock", counts.in_stock.get(True, 0), filters.in_stock is True
            ),
            FacetValueView(
                "false", "Out of stock", counts.in_stock.get(False, 0), filters.in_stock is False
            ),
        ],
    )


def rating_facet(counts: FacetCounts, filters: Filters) -> FacetView:
    values = [
        FacetValueView(
            str(threshold),
            f"{threshold} stars & up",
            counts.ratings.get(threshold, 0),
            filters.min_rating == threshold,
        )
        for threshold in RATING_THRESHOLDS
    ]
    return FacetView(RATING, "Rating", values)


def attribute_facets(counts: FacetCounts, filters: Filters) -> list[FacetView]:
    selected = dict(filters.attributes)
    facets = []
    for name in sorted(set(counts.attributes) | set(selected)):
        chosen = selected.get(name, frozenset())
        by_value = dict(counts.attributes.get(name, {}))
        for value in chosen:
            by_value.setdefault(value, 0)
        ranked = sorted(by_value.items(), key=lambda item: (-item[1], item[0]))
        values = [FacetValueView(v, v, c, v in chosen) for v, c in ranked]
        facets.append(top_values(f"{ATTRIBUTE_PREFIX}{name}", name, values))
    return facets


def all_facets(
    counts: FacetCounts, filters: Filters, tree: CategoryTree, selected_categories: set[str]
) -> list[FacetView]:
    return [
        category_facet(counts, tree, selected_categories),
        price_facet(counts, filters),
        stock_facet(counts, filters),
        rating_facet(counts, filters),
        *attribute_facets(counts, filters),
    ]
