"""The request pipeline: plugins see each stage in order, may refuse, may add extensions."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from router.pipeline import Operation, Pipeline, RequestRefused, RouterPlugin
from router.plugins.hot_reload import GatewayHolder
from router.server import create_router_app
from shopgraph.auth.principal import ANONYMOUS, Principal
from tests.unit.router.test_server_http import JSON, FakeGateway

WS = ["graphql-transport-ws"]


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


class Principals:
    """connection_init's token → principal (``Bearer good`` is u1)."""

    async def principal_from_header(self, value: str | None) -> Principal:
        return Principal(subject="u1") if value == "Bearer good" else ANONYMOUS


def test_websocket_operations_go_through_every_stage_with_the_init_principal() -> None:
    seen: list[str] = []
    principals: list[str] = []

    class Who(RouterPlugin):
        async def on_operation(self, operation: Operation) -> None:
            principals.append(f"{operation.transport}:{operation.principal.subject}")

    gateway = FakeGateway()
    pipeline = Pipeline([Recording("a", seen), Who()])
    app = create_router_app(GatewayHolder(gateway), pipeline=pipeline, principals=Principals())
    with TestClient(app) as c, c.websocket_connect("/graphql", subprotocols=WS) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer good"}})
        assert ws.receive_json()["type"] == "connection_ack"
        # no query: the plugin's on_request fills it in, as a persisted query's hash does
        ws.send_json({"id": "q1", "type": "subscribe", "payload": {}})
        assert ws.receive_json() == {
            "id": "q1",
            "type": "next",
            "payload": {"data": {"hello": "world"}, "extensions": {"a": True}},
        }
        assert ws.receive_json() == {"id": "q1", "type": "complete"}
    assert seen == ["a:request", "a:operation", "a:response"]
    assert principals == ["websocket:u1"]
    assert gateway.calls[0][0] == "{ hello }"


def test_a_refusal_over_the_socket_is_an_error_with_its_code_and_the_socket_stays() -> None:
    seen: list[str] = []
    gateway = FakeGateway()
    pipeline = Pipeline([Recording("a", seen)])
    app = create_router_app(GatewayHolder(gateway), pipeline=pipeline)
    with TestClient(app) as c, c.websocket_connect("/graphql", subprotocols=WS) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        refused = {"query": "query Refused { hello }", "operationName": "Refused"}
        ws.send_json({"id": "r", "type": "subscribe", "payload": refused})
        message = ws.receive_json()
        assert message["type"] == "error" and message["id"] == "r"
        assert message["payload"][0]["extensions"]["code"] == "REFUSED_BY_PLUGIN"
        ws.send_json({"id": "ok", "type": "subscribe", "payload": {"query": "{ hello }"}})
        assert ws.receive_json()["type"] == "next"
    assert [call[0] for call in gateway.calls] == ["{ hello }"]
