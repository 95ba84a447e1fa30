"""An entity fetch nobody waits for is folded into a later fetch to the same subgraph at the
same path: the subgraph is asked once, with no extra plan stage."""

from __future__ import annotations

from router.compose import compose
from router.gateway import Gateway
from router.planner_nodes import Fetch, Flatten, Parallel, PlanNode, Sequence
from tests.unit.router.test_compose_rules import sg

SUBGRAPHS = [
    sg("accounts", 'type Query { users: [User!]! } type User @key(fields: "id") { id: ID! }'),
    sg(
        "reviews",
        'type User @key(fields: "id") { id: ID! reviews: [Review!]! } '
        "type Review { body: String! product: Product! } "
        'type Product @key(fields: "upc", resolvable: false) { upc: String! }',
    ),
    sg(
        "products",
        'type Product @key(fields: "upc") { upc: String! name: String! price: Int! weight: Int! }',
    ),
    sg(
        "inventory",
        'type Product @key(fields: "upc") { upc: String! inStock: Boolean! '
        "price: Int! @external weight: Int! @external "
        'shippingEstimate: Int! @requires(fields: "price weight") }',
    ),
]


def _stages(node: PlanNode | None) -> list[list[tuple[str, str]]]:
    """Per plan stage: (subgraph, flatten path) of each fetch."""

    def fetches(n: PlanNode) -> list[tuple[str, str]]:
        if isinstance(n, Flatten):
            assert isinstance(n.node, Fetch)
            return [(n.node.service_name, ".".join(n.path))]
        if isinstance(n, Fetch):
            return [(n.service_name, "")]
        assert isinstance(n, Parallel)
        return [f for child in n.nodes for f in fetches(child)]

    assert isinstance(node, Sequence)
    return [fetches(stage) for stage in node.nodes]


def test_a_key_only_field_waits_for_the_fetch_that_needs_the_required_fields() -> None:
    gateway = Gateway.from_supergraph(compose(SUBGRAPHS))
    plan = gateway.plan("{ users { reviews { product { name inStock shippingEstimate } } } }")
    path = "users.@.reviews.@.product"
    assert _stages(plan.node) == [
        [("accounts", "")],
        [("reviews", "users.@")],
        [("products", path)],
        [("inventory", path)],  # inStock and shippingEstimate in one request
    ]
    assert isinstance(plan.node, Sequence)
    last = plan.node.nodes[-1]
    assert isinstance(last, Flatten) and isinstance(last.node, Fetch)
    inventory = last.node
    assert "inStock" in inventory.operation and "shippingEstimate" in inventory.operation


def test_with_nothing_to_fold_into_the_fetch_keeps_its_earliest_stage() -> None:
    gateway = Gateway.from_supergraph(compose(SUBGRAPHS))
    plan = gateway.plan("{ users { reviews { product { inStock } } } }")
    assert _stages(plan.node) == [
        [("accounts", "")],
        [("reviews", "users.@")],
        [("inventory", "users.@.reviews.@.product")],
    ]


def test_fetches_needing_one_field_with_other_arguments_are_not_folded() -> None:
    subgraphs = [
        sg(
            "products",
            'type Query { products: [Product!]! } type Product @key(fields: "upc") '
            "{ upc: String! price(currency: String!): Int! }",
        ),
        sg(
            "inventory",
            'type Product @key(fields: "upc") { upc: String! '
            "price(currency: String!): Int! @external "
            'dollars: Int! @requires(fields: "price(currency: \\"USD\\")") '
            'euros: Int! @requires(fields: "price(currency: \\"EUR\\")") }',
        ),
    ]
    gateway = Gateway.from_supergraph(compose(subgraphs))
    plan = gateway.plan("{ products { dollars euros } }")
    # one representation cannot carry price in dollars and in euros: two inventory fetches
    assert [f for stage in _stages(plan.node) for f in stage].count(
        ("inventory", "products.@")
    ) == 2
