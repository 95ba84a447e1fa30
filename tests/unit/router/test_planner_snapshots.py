"""Snapshot plans (pretty-printed) for hand-written fixtures and the ShopGraph supergraph.

Fixtures: ``tests/fixtures/router/features/*.graphql`` (hand-written subgraphs) composed by
@theguild/federation-composition into ``features_supergraph.graphql``; the ShopGraph
``schema/*.graphql`` composed the same way into ``shopgraph_supergraph.graphql``.
Snapshots live in ``tests/fixtures/router/snapshots/``; regenerate them after a deliberate
planner change with ``SHOPGRAPH_UPDATE_SNAPSHOTS=1 pytest tests/unit/router`` and review
the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from router.plan_format import format_plan
from router.planner import QueryPlanner
from router.supergraph import parse_supergraph

FIXTURES = Path(__file__).parents[2] / "fixtures" / "router"
SNAPSHOTS = FIXTURES / "snapshots"

FEATURES = {
    "root_fields_from_several_subgraphs": "{ books { id title } authors { name } }",
    "entity_jump": "{ books { title author { name born } } }",
    "provides_keeps_fields_local": "{ topAuthors { id name } }",
    "provides_not_used_for_other_fields": "{ topAuthors { name born } }",
    "several_keys_picks_a_usable_one": "{ book(id: 1) { title inStock } }",
    "composite_key": "{ edition(bookId: 1, year: 2020) { printRun shipsFrom } }",
    "requires_with_arguments": '{ books { title shippingCost(zone: "EU") } }',
    "requires_chain_and_override": "{ books { isbn price inStock } }",
    "shareable_prefers_current_subgraph": "{ books { title } media { ... on Movie { title } } }",
    "union_partial_members": """
        { media { __typename ... on Book { title author { name } } ... on Movie { copies } } }
    """,
    "interface_object": "{ node(id: 1) { id reviewCount ... on Book { title } } }",
    "interface_object_root": """
        { recentlyReviewed { id reviewCount ... on Book { title } ... on Movie { copies } } }
    """,
    "mutations_in_order": """
        mutation {
          first: addBook(title: "A") { id author { name } }
          renameAuthor(id: 1, name: "B") { name }
          second: addBook(title: "C") { id }
        }
    """,
    "include_skip_variables_fragments_aliases": """
        query Q($withAuthor: Boolean!, $filter: SearchFilter!) {
          hits: search(filter: $filter) {
            ...BookBits
            writer: author @include(if: $withAuthor) { name }
          }
        }
        fragment BookBits on Book { id label: title format @skip(if: false) }
    """,
}

SHOPGRAPH = {
    "storefront_product_page": """
        query Product($id: ID!) {
          product(id: $id) {
            id name sku price { amount currency }
            stock { available inStock }
            rating { average count }
            reviews(first: 3) { edges { node { rating title author { firstName } } } }
            shippingEstimate { __typename }
          }
        }
    """,
    "storefront_catalog": """
        { products(first: 10) { edges { cursor node { id name stock { inStock } } }
          pageInfo { hasNextPage endCursor } } }
    """,
    "storefront_me_orders": """
        { me { id email orders(first: 5) { edges { node { id status total { amount currency }
          items { quantity product { name } } payment { status } } } } } }
    """,
    "storefront_place_order": """
        mutation Place($input: PlaceOrderInput!) {
          placeOrder(input: $input) { order { id status } errors { code field message } }
        }
    """,
    "storefront_order_status_subscription": """
        subscription S($id: ID!) { orderStatusChanged(orderId: $id) { orderId status at } }
    """,
}


def _planner(fixture: str) -> QueryPlanner:
    return QueryPlanner(parse_supergraph((FIXTURES / fixture).read_text()))


CASES = [("features_supergraph.graphql", name, q) for name, q in FEATURES.items()] + [
    ("shopgraph_supergraph.graphql", name, q) for name, q in SHOPGRAPH.items()
]


@pytest.mark.parametrize(("fixture", "name", "query"), CASES, ids=[c[1] for c in CASES])
def test_plan_snapshot(fixture: str, name: str, query: str) -> None:
    text = format_plan(_planner(fixture).plan(query)) + "\n"
    snapshot = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("SHOPGRAPH_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text)
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with SHOPGRAPH_UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text()
