"""Progressive @override: composition keeps both owners with the label, the planner sends a
labelled field to its new owner only when the label is in force, and the draw is per request."""

from __future__ import annotations

from itertools import cycle

import pytest

from router.compose import compose
from router.config import ConfigError, parse_config
from router.gateway import Gateway
from router.override import OverridePolicy
from router.planner_nodes import Fetch, PlanNode
from router.supergraph import parse_supergraph
from tests.unit.router.test_compose_rules import errors_of, field_line, sg

FED27 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", '
    'import: ["@key", "@override"])\n'
)
OLD = (
    "type Query { widget: Widget } "
    'type Widget @key(fields: "id") { id: ID! price: Int colour: String }'
)
NEW = (
    'type Widget @key(fields: "id") { id: ID! '
    'price: Int @override(from: "old", label: "percent(25)") '
    'colour: String @override(from: "old", label: "new-colours") }'
)
QUERY = "{ widget { price colour } }"


def _supergraph() -> str:
    from router.compose import SubgraphSource

    return compose(
        [
            SubgraphSource("old", "http://old.test/graphql", FED27 + OLD),
            SubgraphSource("new", "http://new.test/graphql", FED27 + NEW),
        ]
    )


def _fetched_fields(node: PlanNode | None) -> dict[str, str]:
    """Subgraph name -> the operation it is sent, for every fetch in a plan."""
    found: dict[str, str] = {}

    def walk(value: object) -> None:
        if isinstance(value, Fetch):
            found[value.service_name] = value.operation
        for child in getattr(value, "nodes", ()) or ():
            walk(child)
        inner = getattr(value, "node", None)
        if inner is not None:
            walk(inner)

    walk(node)
    return found


def test_composition_keeps_both_owners_marked_with_the_label() -> None:
    sdl = _supergraph()
    assert field_line(sdl, "Widget", "price") == (
        'price: Int @join__field(graph: NEW, override: "old", overrideLabel: "percent(25)") '
        '@join__field(graph: OLD, overrideLabel: "percent(25)")'
    )
    assert parse_supergraph(sdl).override_labels == {"percent(25)", "new-colours"}


@pytest.mark.parametrize(
    "label", ["percent(101)", "percent(1.123456789)", "percent(x)", "9lives", "a b"]
)
def test_an_invalid_label_is_a_composition_error(label: str) -> None:
    new = sg(
        "new",
        f'type P @key(fields: "id") {{ id: ID! n: Int @override(from: "old", label: "{label}") }}',
    )
    old = sg("old", 'type Query { p: P } type P @key(fields: "id") { id: ID! n: Int }')
    assert errors_of(old, new) == [("OVERRIDE_LABEL_INVALID", ("new",), "P")]


def test_the_plan_follows_the_labels_in_force() -> None:
    gateway = Gateway.from_supergraph(_supergraph())
    without = _fetched_fields(gateway.plan(QUERY, labels=frozenset()).node)
    assert list(without) == ["old"] and "price" in without["old"] and "colour" in without["old"]
    price_moved = _fetched_fields(gateway.plan(QUERY, labels=frozenset({"percent(25)"})).node)
    assert "price" in price_moved["new"] and "colour" in price_moved["old"]
    assert "price" not in price_moved["old"]
    both = _fetched_fields(
        gateway.plan(QUERY, labels=frozenset({"percent(25)", "new-colours"})).node
    )
    assert "price" in both["new"] and "colour" in both["new"]


def test_named_labels_are_in_force_only_when_configured() -> None:
    configured = Gateway.from_supergraph(_supergraph(), active_labels=frozenset({"new-colours"}))
    plan = _fetched_fields(configured.plan(QUERY).node)
    assert "colour" in plan["new"] and "price" in plan["old"]


def test_percent_labels_are_drawn_once_per_request_with_their_share() -> None:
    fractions = cycle([0.10, 0.30, 0.24, 0.99])  # below 0.25 twice in four draws
    policy = OverridePolicy(
        frozenset({"percent(25)", "flag"}), frozenset({"flag"}), lambda: next(fractions)
    )
    draws = [policy.draw() for _ in range(4)]
    assert draws == [
        frozenset({"percent(25)", "flag"}),
        frozenset({"flag"}),
        frozenset({"percent(25)", "flag"}),
        frozenset({"flag"}),
    ]
    assert OverridePolicy(frozenset({"percent(0)"})).draw() == frozenset()
    assert OverridePolicy(frozenset({"percent(100)"})).draw() == {"percent(100)"}


def test_a_supergraph_composed_by_apollo_is_read_the_same_way() -> None:
    sdl = _supergraph()
    # Apollo prints the same arguments; only the order of the two joins may differ.
    supergraph = parse_supergraph(sdl)
    assert supergraph.field_graphs("Widget", "price") == ["OLD"]
    assert supergraph.with_labels(frozenset({"percent(25)"})).field_graphs("Widget", "price") == [
        "NEW"
    ]


def test_config_lists_named_labels_only() -> None:
    assert parse_config(
        '[progressive_override]\nactive_labels = ["new-colours"]\n'
    ).progressive_override.active_labels == ("new-colours",)
    for bad in ('"percent(5)"', '"9x"'):
        with pytest.raises(ConfigError, match=r"progressive_override\.active_labels"):
            parse_config(f"[progressive_override]\nactive_labels = [{bad}]\n")
