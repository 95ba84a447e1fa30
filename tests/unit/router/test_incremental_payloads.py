"""Incremental delivery decisions and payloads that need no running subgraph (a recording
transport answers for the subgraphs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from router.config import ConfigError, parse_config
from router.gateway import Gateway
from router.pipeline import Operation
from router.plugins.incremental import (
    IncrementalDelivery,
    IncrementalSection,
    accepts_incremental,
    uses_incremental,
)
from tests.unit.router.test_gateway_unit import RecordingTransport

SHOPGRAPH = Path(__file__).parents[2] / "fixtures" / "router" / "shopgraph_supergraph.graphql"
PRODUCT = {"data": {"product": {"__typename": "Product", "id": "p1", "name": "Mug"}}}
REVIEWS = {"reviews": {"totalCount": 1, "edges": [{"node": {"title": "Fine"}}]}}
DEFERRED = """
query($id: ID!) {
  product(id: $id) {
    name
    ... @defer(label: "reviews") { reviews(first: 1) { totalCount edges { node { title } } } }
  }
}
"""


def _gateway(answers: dict[str, Any]) -> tuple[Gateway, RecordingTransport]:
    transport = RecordingTransport(answers)
    gateway = Gateway.from_supergraph(SHOPGRAPH.read_text(), transport=transport)
    return gateway, transport


async def _payloads(gateway: Gateway, query: str, max_parts: int = 64) -> list[dict[str, Any]]:
    first, later = await gateway.execute_incremental(
        query, {"id": "p1"}, None, {}, max_parts=max_parts
    )
    assert later is not None
    return [first] + [payload async for payload in later]


@pytest.mark.parametrize(
    ("accept", "taken"),
    [
        ("multipart/mixed;deferSpec=20220824, application/json", True),
        ('multipart/mixed; deferSpec="20220824"', True),
        ("application/graphql-response+json, multipart/mixed", True),  # urql
        ("multipart/mixed;deferSpec=20990101", False),
        ("application/json", False),
        (None, False),
    ],
)
def test_which_accept_headers_take_multipart(accept: str | None, taken: bool) -> None:
    assert accepts_incremental(accept) is taken


async def test_only_queries_using_defer_or_stream_from_multipart_clients_are_marked() -> None:
    gateway, _ = _gateway({})
    plugin = IncrementalDelivery(IncrementalSection(max_deferred_parts=3))

    async def marked(query: str, accept: str, kind: str = "query") -> Any:
        document = parse(query)
        operation = Operation(params={"query": query}, headers={"accept": accept})
        operation.document, operation.kind, operation.gateway = document, kind, gateway
        await plugin.on_operation(operation)
        return operation.state.get(plugin.name)

    assert uses_incremental(parse(DEFERRED))
    assert await marked(DEFERRED, "multipart/mixed;deferSpec=20220824") == 3
    assert await marked(DEFERRED, "application/json") is None
    assert await marked("{ categories { name } }", "multipart/mixed") is None
    assert await marked(DEFERRED, "multipart/mixed", kind="mutation") is None
    disabled = IncrementalDelivery(IncrementalSection(enabled=False))
    operation = Operation(params={}, headers={"accept": "multipart/mixed"})
    operation.document, operation.kind, operation.gateway = parse(DEFERRED), "query", gateway
    await disabled.on_operation(operation)
    assert operation.state == {}


def test_the_incremental_section_is_checked() -> None:
    config = parse_config("[incremental]\nenabled = false\nmax_deferred_parts = 5\n")
    assert (config.incremental.enabled, config.incremental.max_deferred_parts) == (False, 5)
    with pytest.raises(ConfigError, match=r"incremental\.max_deferred_parts"):
        parse_config("[incremental]\nmax_deferred_parts = 0\n")
    with pytest.raises(ConfigError, match=r"incremental\.max_parts: unknown key"):
        parse_config("[incremental]\nmax_parts = 5\n")


async def test_a_client_without_multipart_gets_the_deferred_part_merged() -> None:
    gateway, transport = _gateway(
        {"products": PRODUCT, "reviews": {"data": {"_entities": [REVIEWS]}}}
    )

    result = await gateway.execute(DEFERRED, {"id": "p1"}, None, {})

    assert result == {"data": {"product": {"name": "Mug", **REVIEWS}}}
    assert [service for service, _, _ in transport.sent] == ["products", "reviews"]
    assert transport.sent[1][1]["variables"]["representations"] == [
        {"__typename": "Product", "id": "p1"}
    ]


async def test_the_errors_of_a_deferred_part_come_with_its_entry() -> None:
    failing = {
        "data": {"_entities": [None]},
        "errors": [{"message": "reviews are down", "path": ["_entities", 0, "reviews"]}],
    }
    gateway, _ = _gateway({"products": PRODUCT, "reviews": failing})

    first, second = await _payloads(gateway, DEFERRED)

    assert first == {"data": {"product": {"name": "Mug"}}, "hasNext": True}
    [entry] = second["incremental"]
    assert entry["path"] == ["product"] and entry["label"] == "reviews"
    assert [(e["message"], e["path"]) for e in entry["errors"]] == [
        ("reviews are down", ["product", "reviews"])
    ]
    assert second["hasNext"] is False


async def test_the_last_part_allowed_takes_what_is_left() -> None:
    edges = [{"node": {"__typename": "Product", "id": f"p{i}"}} for i in range(5)]
    gateway, _ = _gateway({"products": {"data": {"products": {"edges": edges}}}})
    query = "{ products(first: 5) { edges @stream(initialCount: 1) { node { id } } } }"

    first, *later = await _payloads(gateway, query, max_parts=2)

    assert first["data"]["products"]["edges"] == [{"node": {"id": "p0"}}]
    assert [len(p["incremental"]) for p in later] == [1, 3]
    assert [p["hasNext"] for p in later] == [True, False]
    items = [item for p in later for entry in p["incremental"] for item in entry["items"]]
    assert items == [{"node": {"id": f"p{i}"}} for i in range(1, 5)]


async def test_a_stream_inside_a_deferred_fragment_streams_after_the_fragment() -> None:
    edges = [{"node": {"title": f"Review {i}"}} for i in range(3)]
    reviews = {"reviews": {"edges": edges}}
    gateway, _ = _gateway({"products": PRODUCT, "reviews": {"data": {"_entities": [reviews]}}})
    query = """
    query($id: ID!) {
      product(id: $id) {
        name
        ... @defer(label: "reviews") {
          reviews(first: 3) { edges @stream(initialCount: 1, label: "more") { node { title } } }
        }
      }
    }
    """

    first, *later = await _payloads(gateway, query)

    assert first == {"data": {"product": {"name": "Mug"}}, "hasNext": True}
    entries = [entry for payload in later for entry in payload["incremental"]]
    assert entries[0] == {
        "data": {"reviews": {"edges": edges[:1]}},
        "path": ["product"],
        "label": "reviews",
    }
    assert entries[1:] == [
        {"items": [edges[i]], "path": ["product", "reviews", "edges", i], "label": "more"}
        for i in (1, 2)
    ]
    assert [p["hasNext"] for p in later] == [True, True, False]
