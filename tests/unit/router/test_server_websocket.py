"""graphql-transport-ws protocol rules at the router (no upstream needed)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from router.plugins.hot_reload import GatewayHolder
from router.server import ServerConfig, create_router_app
from tests.unit.router.test_server_http import FakeGateway, FakePrincipals

PROTOCOL = ["graphql-transport-ws"]


def client(gateway: FakeGateway | None = None, **kwargs: Any) -> TestClient:
    config = ServerConfig(ws_init_timeout_seconds=0.3)
    return TestClient(create_router_app(GatewayHolder(gateway or FakeGateway()), config, **kwargs))


def closed_code(ws: Any) -> int:
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return closed.value.code


def test_wrong_subprotocol_is_refused() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws:
        assert closed_code(ws) == 4406


def test_no_connection_init_in_time() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        assert closed_code(ws) == 4408


def test_subscribe_before_init_is_unauthorized() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ a }"}})
        assert closed_code(ws) == 4401


def test_second_init_and_bad_json_close_the_socket() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"type": "connection_init"})
        assert closed_code(ws) == 4429
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_text("{not json")
        assert closed_code(ws) == 4400


def test_bad_credentials_in_init_are_refused() -> None:
    with (
        client(principals=FakePrincipals()) as c,
        c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer stale"}})
        assert closed_code(ws) == 4403


def test_ping_pong_and_queries_over_the_socket() -> None:
    gateway = FakeGateway()
    with client(gateway) as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer t"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"
        ws.send_json({"id": "q1", "type": "subscribe", "payload": {"query": "{ hello }"}})
        assert ws.receive_json() == {
            "id": "q1",
            "type": "next",
            "payload": {"data": {"hello": "world"}},
        }
        assert ws.receive_json() == {"id": "q1", "type": "complete"}
    assert gateway.calls[0][3]["authorization"] == "Bearer t"


def test_limits_apply_over_the_socket() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ a"}})
        message = ws.receive_json()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_upstream_that_cannot_be_reached_ends_with_error_then_complete() -> None:
    class Unreachable(FakeGateway):
        def subscription_root(self, query: str, operation_name: str | None) -> tuple[str, str, str]:
            return ("orders", "http://127.0.0.1:9/graphql", "subscription { tick }")

    with (
        client(Unreachable()) as c,
        c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws,
    ):
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_json(
            {"id": "s", "type": "subscribe", "payload": {"query": "subscription { tick }"}}
        )
        error = ws.receive_json()
        complete = ws.receive_json()
    assert error["type"] == "error" and error["id"] == "s"
    assert error["payload"][0]["extensions"] == {
        "code": "SUBSCRIPTION_UPSTREAM_FAILED",
        "serviceName": "orders",
    }
    assert complete == {"id": "s", "type": "complete"}


def test_binary_frames_are_refused() -> None:
    with client() as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_bytes(b'{"type": "ping"}')
        assert closed_code(ws) == 4400


def test_operations_over_the_socket_are_rate_limited() -> None:
    from router.plugins.rate_limit import FixedWindowRateLimiter
    from shopgraph.kv import memory_store

    limiter = FixedWindowRateLimiter(
        memory_store("memory://router-ws-rate"), limit=1, window_seconds=60, prefix="ws1"
    )
    with (
        client(rate_limiter=limiter) as c,
        c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer t"}})
        ws.receive_json()
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ hello }"}})
        assert ws.receive_json()["type"] == "next"
        assert ws.receive_json()["type"] == "complete"
        ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": "{ hello }"}})
        limited = ws.receive_json()
    assert limited["type"] == "error" and limited["id"] == "2"
    assert limited["payload"][0]["extensions"]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize(("production", "hinted"), [(True, False), (False, True)])
def test_did_you_mean_hints_never_leave_a_production_router_over_the_socket(
    production: bool, hinted: bool
) -> None:
    message = 'Cannot query field "nme" on type "Product". Did you mean "name"?'
    gateway = FakeGateway({"errors": [{"message": message}]})
    config = ServerConfig(ws_init_timeout_seconds=0.3, production=production)
    app = create_router_app(GatewayHolder(gateway), config)
    with TestClient(app) as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_json({"id": "q", "type": "subscribe", "payload": {"query": "{ nme }"}})
        sent = ws.receive_json()["payload"]["errors"][0]["message"]
    assert ("Did you mean" in sent) is hinted
    assert sent.startswith('Cannot query field "nme" on type "Product".')
