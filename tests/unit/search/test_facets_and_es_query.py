"""Facet semantics and the Elasticsearch request bodies (pure functions)."""

from __future__ import annotations

from subgraphs.search import es_query
from subgraphs.search.facets import Category, CategoryTree, all_facets
from subgraphs.search.records import (
    FacetCounts,
    Filters,
    IndexQuery,
    PriceRange,
    SearchSort,
)

TREE = CategoryTree(
    [Category("shoes", "Shoes", None), Category("running", "Running", "shoes"),
     Category("trail", "Trail", "running"), Category("hats", "Hats", None)]
)  # fmt: skip


def test_category_counts_roll_up_to_every_ancestor() -> None:
    assert TREE.subtree("shoes") == {"shoes", "running", "trail"}
    assert TREE.rolled_up({"trail": 2, "running": 1, "hats": 4}) == {
        "shoes": 3, "running": 3, "trail": 2, "hats": 4}  # fmt: skip


def test_facets_mark_selected_values_and_keep_zero_count_selections() -> None:
    filters = Filters(
        category_ids=frozenset({"hats"}),
        price=PriceRange("USD", 2500, 4999),
        in_stock=True,
        min_rating=4,
        attributes=(("Color", frozenset({"Teal"})),),
    )
    counts = FacetCounts(categories={"trail": 1}, prices={"2500-4999": 3},
                         in_stock={True: 2, False: 1}, ratings={4: 2},
                         attributes={"Color": {"Red": 2}})  # fmt: skip
    facets = {f.field: f for f in all_facets(counts, filters, TREE, {"hats"})}
    category = {v.value: (v.count, v.selected) for v in facets["category"].values}
    assert category == {"shoes": (1, False), "running": (1, False), "trail": (1, False),
                        "hats": (0, True)}  # fmt: skip
    price = {v.value: v.selected for v in facets["price"].values}
    assert price["2500-4999"] is True and price["0-2499"] is False
    assert [v.selected for v in facets["inStock"].values] == [True, False]
    assert next((v.value, v.selected) for v in facets["rating"].values) == ("4", True)
    color = {v.value: (v.count, v.selected) for v in facets["attribute:Color"].values}
    assert color == {"Red": (2, False), "Teal": (0, True)}


def test_category_and_attribute_facets_keep_the_largest_values_and_every_selected_one() -> None:
    many = CategoryTree(Category(f"c{i:02}", f"Aisle {i:02}", None) for i in range(15))
    counts = FacetCounts(
        categories={f"c{i:02}": 100 - i for i in range(15)},
        attributes={"Size": {str(size): size for size in range(1, 13)}, "Fit": {"Slim": 3}},
    )
    filters = Filters(attributes=(("Size", frozenset({"1"})),))
    facets = {f.field: f for f in all_facets(counts, filters, many, {"c14"})}
    category = facets["category"]
    assert [v.value for v in category.values] == [f"c{i:02}" for i in range(10)] + ["c14"]
    assert category.values[-1].selected and category.has_more
    size = facets["attribute:Size"]
    assert [v.value for v in size.values] == [str(n) for n in range(12, 2, -1)] + ["1"]
    assert size.has_more
    assert not facets["attribute:Fit"].has_more and not facets["price"].has_more


def test_each_facet_aggregation_applies_every_filter_but_its_own() -> None:
    filters = Filters(category_ids=frozenset({"a"}), in_stock=True,
                      attributes=(("Color", frozenset({"Red"})),))  # fmt: skip
    query = IndexQuery(
        terms=("shoe",), filters=filters, sort=SearchSort.PRICE_ASC, after=(5, "x"), size=20
    )
    facets = es_query.facets_body(query)
    aggs = facets["aggs"]

    def fields(agg: str) -> set[str]:
        return {next(iter(next(iter(c.values())))) for c in aggs[agg]["filter"]["bool"]["filter"]}

    def counted(agg: str) -> set[str]:
        return set(aggs[agg]["aggs"])

    # Every filter: the total, and the facets that have no filter of their own.
    assert fields("matching") == {"category_id", "in_stock", "attributes"}
    assert counted("matching") >= {"price", "rating", "attributes"}
    assert fields("category") == {"in_stock", "attributes"}
    assert counted("category") == {"category"}
    assert fields("inStock") == {"category_id", "attributes"}
    assert fields("attribute_0") == {"category_id", "in_stock"}
    assert "price" not in aggs and "rating" not in aggs  # no price or rating filter
    # The facets' query is the text alone, unscored (every facet applies its own filters).
    assert facets["query"] == es_query.text_query(("shoe",), scored=False)
    assert "must" not in facets["query"]["bool"]
    assert facets["size"] == 0


def test_facet_counts_and_total_come_from_own_or_shared_aggregations() -> None:
    filters = Filters(in_stock=True, attributes=(("Color", frozenset({"Red"})),))

    def terms(*pairs: tuple[object, int]) -> dict[str, object]:
        return {"buckets": [{"key": k, "doc_count": n} for k, n in pairs]}

    def ranges(**counts: int) -> dict[str, object]:
        return {"buckets": {k: {"doc_count": n} for k, n in counts.items()}}

    us = "\u001f"
    aggs = {
        "matching": {
            "doc_count": 7,
            "category": terms(("c1", 7)),
            "price": ranges(**{"0-2499": 7}),
            "inStock": terms((1, 7)),
            "rating": ranges(**{"4": 2}),
            "attributes": terms((f"Color{us}Red", 7), (f"Size{us}M", 3)),
        },
        "inStock": {"doc_count": 9, "inStock": terms((1, 7), (0, 2))},
        "attribute_0": {
            "doc_count": 12,
            "attributes": terms((f"Color{us}Red", 7), (f"Color{us}Blue", 5), (f"Size{us}M", 4)),
        },
    }
    counts = es_query.facet_counts(aggs, filters)
    assert es_query.total(aggs) == 7
    assert counts.categories == {"c1": 7} and counts.ratings == {4: 2}
    assert counts.in_stock == {True: 7, False: 2}  # its own aggregation, not "matching"
    assert counts.attributes == {"Color": {"Red": 7, "Blue": 5}, "Size": {"M": 3}}


def test_the_page_applies_every_filter_and_fetches_only_what_highlights_need() -> None:
    filters = Filters(category_ids=frozenset({"a"}), in_stock=True)
    query = IndexQuery(("shoe",), filters, SearchSort.PRICE_ASC, (5, "x"), 20)
    hits = es_query.hits_body(query)
    assert hits["query"]["bool"]["filter"] == [
        {"term": {"searchable": True}}, *es_query.filter_clauses(filters)]  # fmt: skip
    assert hits["sort"] == [{"price_minor": "asc"}, {"product_id": "asc"}]
    assert hits["search_after"] == [5, "x"]
    assert hits["size"] == 21
    assert hits["track_total_hits"] is False  # the total comes from the facets
    assert hits["_source"] == ["name", "description"]
    match = hits["query"]["bool"]["must"][0]["multi_match"]
    assert "fuzziness" not in match
    relevance = es_query.hits_body(IndexQuery(("shoe",), filters, SearchSort.RELEVANCE, None, 20))
    assert relevance["sort"][0] == {"_score": "desc"}
    lines = es_query.msearch_lines(query)
    cached = {"request_cache": True}
    assert lines == [cached, hits, cached, es_query.facets_body(query)]
