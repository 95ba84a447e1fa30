"""Elasticsearch request bodies built from an :class:`IndexQuery` (pure: no I/O).

One search is one ``_msearch`` of two requests (:func:`msearch_lines`):

* the **page** (:func:`hits_body`): every query stem must match ``name_terms`` or
  ``body_terms`` (scored), every filter applies in filter context, only ``name`` and
  ``description`` come back from ``_source``;
* the **facets** (:func:`facets_body`): ``size: 0`` with the text query alone (unscored)
  and disjunctive counts (:func:`aggregations`): one ``filter`` aggregation applying every
  filter, whose count is also the search's total, counts every facet without a filter of its
  own; each facet with one gets a ``filter`` aggregation applying every other filter. The
  page therefore does not count its matches (``track_total_hits: false``).

Both ask for the shard request cache (Elasticsearch caches only ``size: 0`` searches unless
asked), so a repeated search is answered from the cache until the next refresh changes the
index; the facets are a cache entry of their own, shared by every page and sort of a query.

Stems match exactly (no ``fuzziness``: fuzzy matching made "sneakers" find "speakers");
typos are corrected by the service with the term suggester (``similar_terms``).
"""

from __future__ import annotations

from typing import Any, Final

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
    IndexQuery,
    SearchDocument,
    SearchSort,
)

ATTRIBUTE_SEPARATOR: Final = "\u001f"
MAX_FACET_TERMS: Final = 1000
MATCHING: Final = "matching"  # the aggregation applying every filter
ATTRIBUTES: Final = "attributes"

MAPPINGS: Final[dict[str, Any]] = {
    "dynamic": "strict",
    "properties": {
        "product_id": {"type": "keyword"},
        "revision": {"type": "long"},
        "searchable": {"type": "boolean"},
        "name": {"type": "text", "index": False},
        "description": {"type": "text", "index": False},
        # Pre-stemmed text (subgraphs.search.text): the integ-test ES has no stemmer.
        "name_terms": {"type": "text", "analyzer": "whitespace"},
        "body_terms": {"type": "text", "analyzer": "whitespace"},
        # Autocomplete: prefix queries served by an index of 1-10 character prefixes.
        "name_words": {
            "type": "text",
            "analyzer": "whitespace",
            "index_prefixes": {"min_chars": 1, "max_chars": 10},
        },
        # Facet fields: global ordinals built at refresh, not by the first search after it.
        "category_id": {"type": "keyword", "eager_global_ordinals": True},
        "price_minor": {"type": "long"},
        "currency": {"type": "keyword"},
        "in_stock": {"type": "boolean"},
        "rating": {"type": "double"},
        "rating_count": {"type": "integer"},
        "attributes": {"type": "keyword", "eager_global_ordinals": True},  # "name<US>value"
        "created_micros": {"type": "long"},
    },
}
SETTINGS: Final[dict[str, Any]] = {"number_of_shards": 1, "number_of_replicas": 0}

_SORT_FIELDS: Final = {
    SearchSort.PRICE_ASC: "price_minor",
    SearchSort.PRICE_DESC: "price_minor",
    SearchSort.NEWEST: "created_micros",
    SearchSort.RATING: "rating",
}


def source(doc: SearchDocument) -> dict[str, Any]:
    return {
        **doc.stored_fields(),
        "attributes": [f"{n}{ATTRIBUTE_SEPARATOR}{v}" for n, v in sorted(set(doc.attributes))],
    }


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if filters.category_ids is not None:
        clauses.append({"terms": {"category_id": sorted(filters.category_ids)}})
    if filters.price is not None:
        clauses.append({"term": {"currency": filters.price.currency}})
        bounds: dict[str, int] = {}
        if filters.price.minimum is not None:
            bounds["gte"] = filters.price.minimum
        if filters.price.maximum is not None:
            bounds["lte"] = filters.price.maximum
        if bounds:
            clauses.append({"range": {"price_minor": bounds}})
    if filters.in_stock is not None:
        clauses.append({"term": {"in_stock": filters.in_stock}})
    if filters.min_rating is not None:
        clauses.append({"range": {"rating": {"gte": filters.min_rating}}})
    for name, values in filters.attributes:
        wanted = sorted(f"{name}{ATTRIBUTE_SEPARATOR}{v}" for v in values)
        clauses.append({"terms": {"attributes": wanted}})
    return clauses


def _filtered(filters: Filters, aggregations: dict[str, Any]) -> dict[str, Any]:
    return {"filter": {"bool": {"filter": filter_clauses(filters)}}, "aggs": aggregations}


def _facet_aggregations() -> dict[str, dict[str, Any]]:
    price_ranges = [
        {"key": b.key, "from": b.minimum, **({} if b.maximum is None else {"to": b.maximum + 1})}
        for b in PRICE_BUCKETS
    ]
    rating_ranges = [{"key": str(t), "from": t} for t in RATING_THRESHOLDS]
    return {
        CATEGORY: {"terms": {"field": "category_id", "size": MAX_FACET_TERMS}},
        PRICE: {"range": {"field": "price_minor", "keyed": True, "ranges": price_ranges}},
        IN_STOCK: {"terms": {"field": "in_stock"}},
        RATING: {"range": {"field": "rating", "keyed": True, "ranges": rating_ranges}},
        ATTRIBUTES: {"terms": {"field": "attributes", "size": MAX_FACET_TERMS}},
    }


FACET_AGGREGATIONS: Final = _facet_aggregations()


def _is_filtered(filters: Filters, facet: str) -> bool:
    return filters.without(facet) != filters


def aggregations(filters: Filters) -> dict[str, Any]:
    """Disjunctive facet counts with as few filter passes as the filters allow.

    ``matching`` applies every filter: its doc count is the search's total, and it counts
    every facet that has no filter of its own. Each facet with a filter of its own (and each
    filtered attribute) gets a ``filter`` aggregation applying every other filter.
    """
    aggs: dict[str, Any] = {MATCHING: _filtered(filters, FACET_AGGREGATIONS)}
    for facet in (CATEGORY, PRICE, IN_STOCK, RATING):
        if _is_filtered(filters, facet):
            aggs[facet] = _filtered(filters.without(facet), {facet: FACET_AGGREGATIONS[facet]})
    for index, name in enumerate(filters.attribute_names):
        aggs[f"attribute_{index}"] = _filtered(
            filters.without(f"{ATTRIBUTE_PREFIX}{name}"),
            {ATTRIBUTES: FACET_AGGREGATIONS[ATTRIBUTES]},
        )
    return aggs


def sort_clause(sort: SearchSort, has_terms: bool) -> list[dict[str, str]]:
    if sort is SearchSort.RELEVANCE and has_terms:
        first = {"_score": "desc"}
    else:
        first = {_SORT_FIELDS.get(sort, "created_micros"): "desc" if sort.descending else "asc"}
    return [first, {"product_id": "asc"}]


def text_query(
    terms: tuple[str, ...], filters: Filters | None = None, *, scored: bool = True
) -> dict[str, Any]:
    """Searchable documents matching every stem, and ``filters`` when given; unscored (all
    in filter context, which Elasticsearch may also cache) when only the matches count."""
    must = [
        # most_fields: a word in the name and the description scores both (as bm25 does in
        # SQLite); best_fields would keep only the name's score.
        {
            "multi_match": {
                "query": term,
                "type": "most_fields",
                "fields": ["name_terms^3", "body_terms"],
            }
        }
        for term in terms
    ]
    clauses = [{"term": {"searchable": True}}]
    if filters is not None:
        clauses += filter_clauses(filters)
    if not scored:
        return {"bool": {"filter": clauses + must}}
    return {"bool": {"filter": clauses, "must": must}}


def hits_body(query: IndexQuery) -> dict[str, Any]:
    """One page of matches (``size`` + 1 to tell whether more follow). Their total comes
    from the facets (:func:`total`): not counting here lets Elasticsearch skip the matches
    that cannot make the page."""
    body: dict[str, Any] = {
        "size": query.size + 1,
        "track_total_hits": False,
        "query": text_query(query.terms, query.filters),
        "sort": sort_clause(query.sort, bool(query.terms)),
        "_source": ["name", "description"],
    }
    if query.after is not None:
        body["search_after"] = list(query.after)
    return body


def facets_body(query: IndexQuery) -> dict[str, Any]:
    """The disjunctive facet counts of the query's matches and their total; no hits."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": text_query(query.terms, scored=False),
        "aggs": aggregations(query.filters),
    }


def msearch_lines(query: IndexQuery) -> list[dict[str, Any]]:
    """``_msearch`` header and body pairs: the page, then the facets, both request-cached."""
    return [{"request_cache": True}, hits_body(query), {"request_cache": True}, facets_body(query)]


# What the adapter reads of an ``_msearch`` response; the rest is not sent.
MSEARCH_FILTER_PATH: Final = (
    "responses.status,responses.error,responses.hits.hits._id,"
    "responses.hits.hits._source,responses.hits.hits.sort,responses.aggregations"
)


def _split_attributes(buckets: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for bucket in buckets:
        name, _, value = str(bucket["key"]).partition(ATTRIBUTE_SEPARATOR)
        counts.setdefault(name, {})[value] = int(bucket["doc_count"])
    return counts


def total(aggs: dict[str, Any]) -> int:
    """The number of matches under every filter (the ``matching`` aggregation's)."""
    return int(aggs[MATCHING]["doc_count"])


def _buckets(aggs: dict[str, Any], name: str, facet: str) -> Any:
    """A facet's buckets: from its own aggregation when it has a filter, else ``matching``."""
    return aggs.get(name, aggs[MATCHING])[facet]["buckets"]


def facet_counts(aggs: dict[str, Any], filters: Filters) -> FacetCounts:
    """The aggregations of :func:`aggregations` as :class:`FacetCounts`."""
    counts = FacetCounts()
    for bucket in _buckets(aggs, CATEGORY, CATEGORY):
        counts.categories[str(bucket["key"])] = int(bucket["doc_count"])
    for key, bucket in _buckets(aggs, PRICE, PRICE).items():
        counts.prices[key] = int(bucket["doc_count"])
    counts.in_stock = {True: 0, False: 0}
    for bucket in _buckets(aggs, IN_STOCK, IN_STOCK):
        counts.in_stock[bool(bucket["key"])] = int(bucket["doc_count"])
    for key, bucket in _buckets(aggs, RATING, RATING).items():
        counts.ratings[int(key)] = int(bucket["doc_count"])
    selected = set(filters.attribute_names)
    every = _split_attributes(aggs[MATCHING][ATTRIBUTES]["buckets"])
    counts.attributes = {name: values for name, values in every.items() if name not in selected}
    for index, name in enumerate(filters.attribute_names):
        own = _split_attributes(_buckets(aggs, f"attribute_{index}", ATTRIBUTES))
        counts.attributes[name] = own.get(name, {})
    return counts
