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


def test_each_facet_aggregation_applies_every_filter_but_its_own() -> None:
    filters = Filters(category_ids=frozenset({"a"}), in_stock=True,
                      attributes=(("Color", frozenset({"Red"})),))  # fmt: skip
    body = es_query.search_body(
        IndexQuery(
            terms=("shoe",), filters=filters, sort=SearchSort.PRICE_ASC, after=(5, "x"), size=20
        )
    )
    aggs = body["aggs"]

    def fields(agg: str) -> set[str]:
        return {next(iter(next(iter(c.values())))) for c in aggs[agg]["filter"]["bool"]["filter"]}

    assert fields("category") == {"in_stock", "attributes"}
    assert fields("inStock") == {"category_id", "attributes"}
    assert fields("attribute_0") == {"category_id", "in_stock"}
    assert fields("attributes") == {"category_id", "in_stock", "attributes"}
    assert body["post_filter"]["bool"]["filter"] == es_query.filter_clauses(filters)
    assert body["sort"] == [{"price_minor": "asc"}, {"product_id": "asc"}]
    assert body["search_after"] == [5, "x"]
    assert body["size"] == 21
    match = body["query"]["bool"]["must"][0]["multi_match"]
    assert "fuzziness" not in match
    fuzzy = es_query.search_body(
        IndexQuery(("shoe",), filters, SearchSort.RELEVANCE, None, 20), fuzzy=True
    )
    assert fuzzy["query"]["bool"]["must"][0]["multi_match"]["fuzziness"] == "AUTO"
    assert fuzzy["sort"][0] == {"_score": "desc"}
