"""The request pipeline: plugins see each stage in order, may refuse, may add extensions."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from router.pipeline import Operation, Pipeline, RequestRefused, RouterPlugin
from router.plugins.hot_reload import GatewayHolder
from router.server import create_router_app
from tests.unit.router.test_server_http import JSON, FakeGateway


class Recording(RouterPlugin):
    def __init__(self, name: str, seen: list[str]) -> None:
        self.name, self.seen = name, seen

    async def on_request(self, operation: Operation) -> None:
        self.seen.append(f"{self.name}:request")
        if operation.query is None:  # stands in for a persisted-query lookup
            operation.params["query"] = "{ hello }"

    async def on_operation(self, operation: Operation) -> None:
        assert operation.document is not None and operation.kind == "query"
        self.seen.append(f"{self.name}:operation")
        if operation.operation_name == "Refused":
            raise RequestRefused(400, "refused by plugin", "REFUSED_BY_PLUGIN")

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        self.seen.append(f"{self.name}:response")
        operation.extensions[self.name] = operation.client_key != ""
        return result


def test_plugins_run_each_stage_in_order_and_add_extensions() -> None:
    seen: list[str] = []
    gateway = FakeGateway()
    pipeline = Pipeline([Recording("a", seen), Recording("b", seen)])
    client = TestClient(create_router_app(GatewayHolder(gateway), pipeline=pipeline))
    response = client.post("/graphql", json={}, headers=JSON)
    assert response.json() == {"data": {"hello": "world"}, "extensions": {"a": True, "b": True}}
    assert seen == [
        "a:request",
        "b:request",
        "a:operation",
        "b:operation",
        "a:response",
        "b:response",
    ]
    assert gateway.calls[0][0] == "{ hello }"


def test_a_refusing_plugin_stops_the_operation_before_any_fetch() -> None:
    seen: list[str] = []
    gateway = FakeGateway()
    pipeline = Pipeline([Recording("a", seen)])
    client = TestClient(create_router_app(GatewayHolder(gateway), pipeline=pipeline))
    response = client.post(
        "/graphql",
        json={"query": "query Refused { hello }", "operationName": "Refused"},
        headers=JSON,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "REFUSED_BY_PLUGIN"
    assert gateway.calls == []
    assert seen == ["a:request", "a:operation"]


def test_get_extensions_arrive_parsed_and_bad_json_is_refused() -> None:
    captured: list[dict[str, Any]] = []

    class Capture(RouterPlugin):
        async def on_request(self, operation: Operation) -> None:
            captured.append(operation.request_extensions)

    client = TestClient(
        create_router_app(GatewayHolder(FakeGateway()), pipeline=Pipeline([Capture()]))
    )
    preflight = {"apollo-require-preflight": "true"}
    ok = client.get(
        "/graphql", params={"query": "{ hello }", "extensions": '{"a": 1}'}, headers=preflight
    )
    assert ok.status_code == 200 and captured == [{"a": 1}]
    bad = client.get(
        "/graphql", params={"query": "{ hello }", "extensions": "{"}, headers=preflight
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["message"] == "Extensions are invalid JSON"
