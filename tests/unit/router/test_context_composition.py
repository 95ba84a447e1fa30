"""@context / @fromContext in composition and planning (the serving test is in
tests/integration/router/test_context_serving.py)."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType

from router.compose import SubgraphSource, compose
from router.gateway import Gateway
from router.planner import PlanningError
from router.planner_nodes import Fetch, Flatten, Sequence
from router.supergraph import ContextArgument, parse_supergraph
from tests.unit.router.test_compose_rules import errors_of

FED28 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
    'import: ["@key", "@context", "@fromContext"])\n'
)
SHOPS = """
type Query { shop: Shop item: Item }
type Shop @key(fields: "id") @context(name: "shop") { id: ID! currency: String! item: Item! }
type Item @key(fields: "id") {
  id: ID!
  price(currency: String @fromContext(field: "$shop { currency }"), cents: Boolean): String!
}
"""


def _sdl(shops: str = SHOPS) -> str:
    return compose([SubgraphSource("shops", "http://shops.test/graphql", FED28 + shops)])


def test_the_contextual_argument_becomes_a_join_argument_not_a_field_argument() -> None:
    sdl = _sdl()
    assert (
        "price(cents: Boolean): String! @join__field(graph: SHOPS, contextArguments: "
        '[{context: "shops__shop", name: "currency", type: "String", selection: "{ currency }"}])'
    ) in sdl
    assert '@context(name: "shops__shop")' in sdl
    supergraph = parse_supergraph(sdl)
    assert supergraph.types["Shop"].contexts == {"shops__shop"}
    join = supergraph.field_join("Item", "price", "SHOPS")
    assert join is not None and join.context_arguments == (
        ContextArgument("shops__shop", "currency", "String", "{ currency }"),
    )
    item = supergraph.api_schema.type_map["Item"]
    assert isinstance(item, GraphQLObjectType)
    assert "currency" not in item.fields["price"].args


def test_a_context_never_set_in_the_subgraph_is_an_error() -> None:
    shops = SHOPS.replace('@context(name: "shop")', "")
    problems = errors_of(SubgraphSource("shops", "http://shops.test/graphql", FED28 + shops))
    assert [code for code, _, _ in problems] == ["CONTEXT_NOT_SET"]


def test_the_value_is_fetched_on_the_ancestor_and_passed_as_a_variable() -> None:
    gateway = Gateway.from_supergraph(_sdl())
    plan = gateway.plan("{ shop { item { price(cents: true) } } }")
    assert isinstance(plan.node, Sequence)
    root, entity = plan.node.nodes
    assert isinstance(root, Fetch) and isinstance(entity, Flatten)
    assert "currency" in root.operation and "__typename" in root.operation
    fetch = entity.node
    assert isinstance(fetch, Fetch)
    assert fetch.contexts[0].depth == 1  # the shop, one segment below the root
    assert "$contextualArgument_1:String" in fetch.operation
    assert "price(cents:true,currency:$contextualArgument_1)" in fetch.operation.replace(" ", "")


def test_a_field_with_no_ancestor_setting_its_context_cannot_be_planned() -> None:
    gateway = Gateway.from_supergraph(_sdl())
    with pytest.raises(PlanningError, match="no object above it sets the context"):
        gateway.plan("{ item { price } }")
