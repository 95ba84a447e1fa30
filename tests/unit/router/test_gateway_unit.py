"""Gateway behaviour that needs no running subgraph (a recording transport stands in)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from router.gateway import Gateway
from router.planner_nodes import Fetch, Flatten, Sequence
from router.supergraph import parse_supergraph

FEATURES = Path(__file__).parents[2] / "fixtures" / "router" / "features_supergraph.graphql"


class RecordingTransport:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, dict[str, Any], Mapping[str, str]]] = []

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.sent.append((service, body, headers))
        answer: dict[str, Any] = self.answers[service]
        return answer

    async def close(self) -> None:
        return None


def _gateway(answers: dict[str, Any] | None = None, **kwargs: Any) -> tuple[Gateway, Any]:
    transport = RecordingTransport(answers or {})
    gateway = Gateway.from_supergraph(FEATURES.read_text(), transport=transport, **kwargs)
    return gateway, transport


def test_api_schema_hides_inaccessible_elements() -> None:
    supergraph = parse_supergraph(FEATURES.read_text())
    book = supergraph.api_schema.type_map["Book"]
    assert "internalCode" not in book.fields  # type: ignore[attr-defined]
    assert "internalCode" in supergraph.schema.type_map["Book"].fields  # type: ignore[attr-defined]
    fmt = supergraph.api_schema.type_map["Format"]
    assert set(fmt.values) == {"PAPERBACK", "HARDCOVER"}  # type: ignore[attr-defined]
    assert "join__Graph" not in supergraph.api_schema.type_map


async def test_inaccessible_field_is_a_validation_error_without_subgraph_calls() -> None:
    gateway, transport = _gateway()
    result = await gateway.execute("{ books { internalCode } }", None, None, {})
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "internalCode" in result["errors"][0]["message"]
    assert transport.sent == []
    result = await gateway.execute("{ search(filter: {format: DRAFT}) { id } }", None, None, {})
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_headers_the_server_chose_are_forwarded_but_the_plan_header() -> None:
    # Which client headers reach subgraphs is decided by router.plugins.headers.HeaderRules.
    gateway, transport = _gateway({"people": {"data": {"authors": []}}})
    headers = {"Authorization": "Bearer x", "X-Cart-Token": "c1", "X-Shopgraph-Query-Plan": "1"}
    assert await gateway.execute("{ authors { id } }", None, None, headers) == {
        "data": {"authors": []}
    }
    assert transport.sent[0][2] == {"authorization": "Bearer x", "x-cart-token": "c1"}


async def test_plans_are_cached_per_document_and_operation_name() -> None:
    gateway, _ = _gateway()
    query = "query A { books { id } } query B { authors { id } }"
    first = gateway.plan(query, "A")
    assert gateway.plan(query, "A") is first
    assert gateway.plan(query, "B") is not first
    assert isinstance(first.node, Fetch) and first.node.service_name == "catalog"


async def test_dev_mode_returns_the_plan_on_request() -> None:
    gateway, _ = _gateway({"people": {"data": {"authors": []}}}, expose_plans=True)
    result = await gateway.execute(
        "{ authors { id } }", None, None, {"x-shopgraph-query-plan": "true"}
    )
    assert 'Fetch(service: "people")' in result["extensions"]["queryPlan"]
    gateway, _ = _gateway({"people": {"data": {"authors": []}}})
    result = await gateway.execute(
        "{ authors { id } }", None, None, {"x-shopgraph-query-plan": "true"}
    )
    assert "extensions" not in result


async def test_entity_errors_map_to_client_paths_and_nulls_propagate() -> None:
    answers = {
        "catalog": {
            "data": {
                "books": [
                    {"__typename": "Book", "id": "1", "isbn": "i1"},
                    {"__typename": "Book", "id": "2", "isbn": "i2"},
                ]
            }
        },
        "stock": {
            "data": {"_entities": [{"inStock": True}, None]},
            "errors": [{"message": "boom", "path": ["_entities", 1, "inStock"]}],
        },
    }
    gateway, transport = _gateway(answers)
    result = await gateway.execute("{ books { id inStock } }", None, None, {})
    # Book.inStock is non-null and books is [Book!]!: the null reaches data
    assert result["data"] is None
    error = result["errors"][0]
    assert error["path"] == ["books", 1, "inStock"]
    assert error["extensions"] == {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "stock"}
    entities_call = transport.sent[1][1]
    assert entities_call["variables"]["representations"] == [
        {"__typename": "Book", "isbn": "i1"},
        {"__typename": "Book", "isbn": "i2"},
    ]


def test_subscription_root_is_the_owning_subgraph() -> None:
    sdl = (FEATURES.parent / "shopgraph_supergraph.graphql").read_text()
    gateway = Gateway.from_supergraph(sdl, transport=RecordingTransport({}))
    query = "subscription($id: ID!) { orderStatusChanged(orderId: $id) { orderId status } }"
    name, url, operation = gateway.subscription_root(query)
    assert name == "orders"
    assert url == "http://127.0.0.1:4005/graphql"
    assert operation.startswith("subscription($id:ID!){orderStatusChanged(orderId: $id)")
    plan = gateway.plan(query)
    assert not isinstance(plan.node, Sequence | Flatten)


async def test_invalid_variables_are_rejected_before_any_subgraph_call() -> None:
    gateway, transport = _gateway()
    query = "query($f: SearchFilter!) { search(filter: $f) { id } }"
    result = await gateway.execute(query, {"f": {"format": "NOPE"}}, None, {})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = await gateway.execute(query, {}, None, {})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert transport.sent == []
    result = await gateway.execute("query A { books { id } }", None, "B", {})
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
