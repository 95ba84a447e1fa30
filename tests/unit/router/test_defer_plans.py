"""Plans of operations with ``@defer`` / ``@stream`` on the ShopGraph supergraph (snapshots).

Each deferred fragment is a ``Deferred`` node whose fetches start from the keys the primary
part fetched. Snapshots live in ``tests/fixtures/router/snapshots/defer_*.txt``; regenerate
them after a deliberate planner change with ``SHOPGRAPH_UPDATE_SNAPSHOTS=1`` and review the
diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from router.plan_format import format_plan
from router.planner import QueryPlanner
from router.planner_nodes import Defer, Fetch, Flatten, PlanNode, Sequence
from router.supergraph import parse_supergraph

FIXTURES = Path(__file__).parents[2] / "fixtures" / "router"
SNAPSHOTS = FIXTURES / "snapshots"

CASES = {
    "defer_entity_field_of_another_subgraph": """
        query Product($id: ID!) {
          product(id: $id) {
            id name
            ... @defer(label: "reviews") { reviews(first: 3) { edges { node { rating title } } } }
          }
        }
    """,
    "defer_nested": """
        query Product($id: ID!) {
          product(id: $id) {
            name
            ... @defer(label: "reviews") {
              reviews(first: 3) {
                edges { node { title ... @defer(label: "author") { author { firstName } } } }
              }
            }
          }
        }
    """,
    "defer_label_and_if_false": """
        query Product($id: ID!, $later: Boolean!) {
          product(id: $id) {
            name
            ... @defer(label: "never", if: false) { description }
            ...Stock @defer(label: "maybe", if: $later)
          }
        }
        fragment Stock on Product { stock { available } }
    """,
    "defer_inside_a_list": """
        { products(first: 10) {
            edges { node { name ... @defer { description stock { available } } } } } }
    """,
    "defer_root_fields_and_stream": """
        {
          categories { name }
          ... @defer(label: "catalog") {
            products(first: 5) { edges @stream(initialCount: 2) { node { id } } }
          }
        }
    """,
}


def _planner() -> QueryPlanner:
    return QueryPlanner(parse_supergraph((FIXTURES / "shopgraph_supergraph.graphql").read_text()))


@pytest.mark.parametrize(("name", "query"), CASES.items(), ids=list(CASES))
def test_defer_plan_snapshot(name: str, query: str) -> None:
    text = format_plan(_planner().plan(query)) + "\n"
    snapshot = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("SHOPGRAPH_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(text)
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with SHOPGRAPH_UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text()


def _fetches(node: PlanNode | None) -> list[Fetch]:
    if node is None:
        return []
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return _fetches(node.node)
    if isinstance(node, Defer):
        return _fetches(node.primary) + [f for d in node.deferred for f in _fetches(d.node)]
    return [f for child in node.nodes for f in _fetches(child)]


def test_subgraphs_never_see_defer_or_stream() -> None:
    for query in CASES.values():
        for fetch in _fetches(_planner().plan(query).node):
            assert "@defer" not in fetch.operation and "@stream" not in fetch.operation


def test_the_deferred_part_starts_from_the_primary_fetch() -> None:
    plan = _planner().plan(CASES["defer_entity_field_of_another_subgraph"])
    assert isinstance(plan.node, Defer) and isinstance(plan.node.primary, Fetch)
    [reviews] = plan.node.deferred
    assert reviews.depends == (plan.node.primary.id,)
    assert (reviews.path, reviews.label, reviews.parent) == (("product",), "reviews", None)
    assert "reviews" not in plan.node.primary.operation
    assert isinstance(reviews.node, Flatten) and isinstance(reviews.node.node, Fetch)
    assert reviews.node.node.service_name == "reviews"


def test_mutations_and_subscriptions_are_not_split() -> None:
    plan = _planner().plan(
        """mutation($input: PlaceOrderInput!) {
             placeOrder(input: $input) { order { id ... @defer { status } } }
           }"""
    )
    assert not isinstance(plan.node, Defer)
    assert isinstance(plan.node, Fetch | Sequence)
