"""Static cost (router.cost_estimate) and actual cost (router.cost_actual) by the rules of
IBM's cost spec as Apollo applies them."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from router.compose import SubgraphSource, compose
from router.cost_actual import actual_cost
from router.cost_estimate import CostError, CostModel, estimate_cost
from router.supergraph import parse_supergraph

SHOP = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
  import: ["@key", "@cost", "@listSize"])
type Query {
  products(first: Int, last: Int): ProductConnection!
    @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"])
  featured: [Product!]! @listSize(assumedSize: 3)
  tags: [String!]!
  search(text: String @cost(weight: 5)): [Product!]!
}
type Mutation { restock(id: ID!): Product }
type ProductConnection { edges: [Edge!]! }
type Edge { node: Product! }
type Product @key(fields: "id") { id: ID! name: String price: Money reviews: [Review!]! }
type Review { stars: Int }
scalar Money @cost(weight: 2)
"""


def _model(list_size: int = 10) -> CostModel:
    supergraph = parse_supergraph(compose([SubgraphSource("shop", "http://shop", SHOP)]))
    return CostModel(supergraph.api_schema, supergraph.directives, list_size)


def _estimate(query: str, variables: dict[str, Any] | None = None, list_size: int = 10) -> int:
    return estimate_cost(_model(list_size), parse(query), None, variables)


def test_objects_cost_one_leaves_nothing_and_weights_override() -> None:
    assert _estimate("{ featured { id name } }") == 3  # assumedSize 3 x Product 1
    assert _estimate("{ featured { price } }") == 3 * (1 + 2)  # Money @cost(weight: 2)
    assert _estimate("{ tags }") == 0
    assert _estimate('{ search(text: "x") { id } }') == 5 + 10 * 1  # argument weight
    assert _estimate("{ featured { reviews { stars } } }", list_size=4) == 3 * (1 + 4 * 1)


def test_slicing_arguments_size_the_connection_edges() -> None:
    query = "query($n: Int) { products(first: $n) { edges { node { id } } } }"
    assert _estimate(query, {"n": 7}) == 1 + 7 * (1 + 1)
    assert _estimate("{ products(last: 2) { edges { node { reviews { stars } } } } }") == 1 + 2 * (
        1 + 1 + 10
    )


def test_one_slicing_argument_is_required_when_the_schema_says_so() -> None:
    with pytest.raises(CostError, match="Exactly one slicing argument"):
        _estimate("{ products { edges { node { id } } } }")
    with pytest.raises(CostError):
        _estimate("{ products(first: 1, last: 1) { edges { node { id } } } }")


def test_mutations_cost_ten_more() -> None:
    assert _estimate('mutation { restock(id: "p1") { id } }') == 10 + 1


def test_actual_cost_counts_what_came_back() -> None:
    query = "{ featured { price reviews { stars } } }"
    data = {
        "featured": [
            {"price": "1", "reviews": [{"stars": 5}, {"stars": 4}]},
            {"price": None, "reviews": []},
        ]
    }
    # two products (1 each), one price that came back (2; the null one costs nothing), and
    # two reviews, where the estimate assumed 3 products with 10 reviews each
    assert actual_cost(_model(), parse(query), None, data) == 2 * 1 + 2 + 2 * 1
    assert actual_cost(_model(), parse(query), None, None) == 0
