"""Elasticsearch request bodies built from an :class:`IndexQuery` (pure: no I/O).

One search is one ``_msearch`` of two requests (:func:`msearch_lines`):

* the **page** (:func:`hits_body`): every query stem must match ``name_terms`` or
  ``body_terms`` (scored), every filter applies in filter context, only ``name`` and
  ``description`` come back from ``_source``;
* the **facets** (:func:`facets_body`): ``size: 0`` with the text query alone and one
  ``filter`` aggregation per facet that applies every filter except its own (disjunctive
  counts).

Both ask for the shard request cache (Elasticsearch caches only ``size: 0`` searches unless
asked), so a repeated search is answered from the cache until the next refresh changes the
index; the facets are a cache entry of their own, shared by every page and sort of a query.

Stems match exactly (no ``fuzziness``: fuzzy matching made "sneakers" find "speakers");
typos are corrected by the service with the term suggester (``similar_terms``).
"""

from __future__ import annotations

from typing import Any, Final

from subgraphs.search.records import (
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
        "category_id": {"type": "keyword"},
        "price_minor": {"type": "long"},
        "currency": {"type": "keyword"},
        "in_stock": {"type": "boolean"},
        "rating": {"type": "double"},
        "rating_count": {"type": "integer"},
        "attributes": {"type": "keyword"},  # "name<US>value"
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


def _filtered(filters: Filters, aggregation: dict[str, Any]) -> dict[str, Any]:
    return {
        "filter": {"bool": {"filter": filter_clauses(filters)}},
        "aggs": {"values": aggregation},
    }


def aggregations(filters: Filters) -> dict[str, Any]:
    price_ranges = [
        {"key": b.key, "from": b.minimum, **({} if b.maximum is None else {"to": b.maximum + 1})}
        for b in PRICE_BUCKETS
    ]
    rating_ranges = [{"key": str(t), "from": t} for t in RATING_THRESHOLDS]
    attributes = {"terms": {"field": "attributes", "size": MAX_FACET_TERMS}}
    aggs: dict[str, Any] = {
        CATEGORY: _filtered(
            filters.without(CATEGORY),
            {"terms": {"field": "category_id", "size": MAX_FACET_TERMS}},
        ),
        PRICE: _filtered(
            filters.without(PRICE),
            {"range": {"field": "price_minor", "keyed": True, "ranges": price_ranges}},
        ),
        IN_STOCK: _filtered(filters.without(IN_STOCK), {"terms": {"field": "in_stock"}}),
        RATING: _filtered(
            filters.without(RATING),
            {"range": {"field": "rating", "keyed": True, "ranges": rating_ranges}},
        ),
        "attributes": _filtered(filters, attributes),
    }
    for index, name in enumerate(filters.attribute_names):
        aggs[f"attribute_{index}"] = _filtered(filters.without(f"attribute:{name}"), attributes)
    return aggs


def sort_clause(sort: SearchSort, has_terms: bool) -> list[dict[str, str]]:
    if sort is SearchSort.RELEVANCE and has_terms:
        first = {"_score": "desc"}
    else:
        first = {_SORT_FIELDS.get(sort, "created_micros"): "desc" if sort.descending else "asc"}
    return [first, {"product_id": "asc"}]


def text_query(terms: tuple[str, ...], filters: Filters | None = None) -> dict[str, Any]:
    """Searchable documents matching every stem, and ``filters`` when given."""
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
    return {"bool": {"filter": clauses, "must": must}}


def hits_body(query: IndexQuery) -> dict[str, Any]:
    """One page of matches (``size`` + 1 to tell whether more follow) and their total."""
    body: dict[str, Any] = {
        "size": query.size + 1,
        "track_total_hits": True,
        "query": text_query(query.terms, query.filters),
        "sort": sort_clause(query.sort, bool(query.terms)),
        "_source": ["name", "description"],
    }
    if query.after is not None:
        body["search_after"] = list(query.after)
    return body


def facets_body(query: IndexQuery) -> dict[str, Any]:
    """The disjunctive facet counts of the query's matches; no hits, so cacheable."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": text_query(query.terms),
        "aggs": aggregations(query.filters),
    }


def msearch_lines(query: IndexQuery) -> list[dict[str, Any]]:
    """``_msearch`` header and body pairs: the page, then the facets, both request-cached."""
    return [{"request_cache": True}, hits_body(query), {"request_cache": True}, facets_body(query)]


# What the adapter reads of an ``_msearch`` response; the rest is not sent.
MSEARCH_FILTER_PATH: Final = (
    "responses.status,responses.error,responses.hits.total.value,responses.hits.hits._id,"
    "responses.hits.hits._source,responses.hits.hits.sort,responses.aggregations"
)


def _split_attributes(buckets: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for bucket in buckets:
        name, _, value = str(bucket["key"]).partition(ATTRIBUTE_SEPARATOR)
        counts.setdefault(name, {})[value] = int(bucket["doc_count"])
    return counts


def facet_counts(aggs: dict[str, Any], filters: Filters) -> FacetCounts:
    """The aggregations of :func:`aggregations` as :class:`FacetCounts`."""
    counts = FacetCounts()
    for bucket in aggs[CATEGORY]["values"]["buckets"]:
        counts.categories[str(bucket["key"])] = int(bucket["doc_count"])
    for key, bucket in aggs[PRICE]["values"]["buckets"].items():
        counts.prices[key] = int(bucket["doc_count"])
    counts.in_stock = {True: 0, False: 0}
    for bucket in aggs[IN_STOCK]["values"]["buckets"]:
        counts.in_stock[bool(bucket["key"])] = int(bucket["doc_count"])
    for key, bucket in aggs[RATING]["values"]["buckets"].items():
        counts.ratings[int(key)] = int(bucket["doc_count"])
    selected = set(filters.attribute_names)
    every = _split_attributes(aggs["attributes"]["values"]["buckets"])
    counts.attributes = {name: values for name, values in every.items() if name not in selected}
    for index, name in enumerate(filters.attribute_names):
        own = _split_attributes(aggs[f"attribute_{index}"]["values"]["buckets"])
        counts.attributes[name] = own.get(name, {})
    return counts
