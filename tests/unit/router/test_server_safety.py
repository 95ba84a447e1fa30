"""Hostile requests at the router's edge (issue #11): headers, service tokens, bad input,
production error messages, disconnects, subscriptions per connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import Message
from structlog.testing import capture_logs

from router.plugins.edge_auth import SERVICE_TOKEN_REFUSED
from router.plugins.hot_reload import GatewayHolder
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.server import ServerConfig, create_router_app
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.kv import memory_store
from shopgraph.settings import load_settings
from tests.unit.router.test_server_http import FakeGateway, FakePrincipals, client_for

PROTOCOL = ["graphql-transport-ws"]


def forwarded(gateway: FakeGateway) -> dict[str, str]:
    return gateway.calls[-1][3]


def test_the_declared_headers_reach_the_gateway_normalized() -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        client.post(
            "/graphql",
            json={"query": "{ hello }"},
            headers={
                "authorization": "  bearer   t1 ",
                "x-cart-token": "cart-1",
                "traceparent": "00-abc-def-01",
                "cookie": "session=secret",
                "x-request-id": "rid",
            },
        )
    assert forwarded(gateway) == {
        "authorization": "Bearer t1",
        "x-cart-token": "cart-1",
        "traceparent": "00-abc-def-01",
        "x-request-id": "rid",
        "x-forwarded-for": "testclient",
    }


@pytest.mark.parametrize("blank", ["\xa0", " ", "\t", "\xa0\xa0 "])
def test_a_blank_looking_authorization_is_no_credential(blank: str) -> None:
    gateway = FakeGateway()
    limiter = FixedWindowRateLimiter(
        memory_store(f"memory://router-blank-{blank!r}"), limit=1, window_seconds=60
    )
    with client_for(gateway, rate_limiter=limiter) as client:
        first = client.post("/graphql", json={"query": "{ hello }"})
        blank_auth = client.post(
            "/graphql",
            json={"query": "{ hello }"},
            headers={"authorization": blank.encode("latin-1")},  # as the bytes arrive
        )
    assert first.status_code == 200
    # the same client (address) as before, not a fresh identity with a fresh allowance
    assert blank_auth.status_code == 429
    assert "authorization" not in forwarded(gateway)


def service_token() -> str:
    """What an attacker mints with the default dev secret."""
    return ServiceTokenIssuer.from_settings(load_settings(), "orders").issue().token


@pytest.mark.parametrize("verify", [True, False])
def test_service_tokens_from_clients_are_refused(verify: bool) -> None:
    gateway = FakeGateway()
    principals = TokenVerifier.from_settings(load_settings(), jwks_source=[]) if verify else None
    with client_for(gateway, principals=principals) as client:
        response = client.post(
            "/graphql",
            json={"query": "{ hello }"},
            headers={"authorization": f"Bearer {service_token()}"},
        )
    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "message": SERVICE_TOKEN_REFUSED,
        "extensions": {"code": "UNAUTHENTICATED"},
    }
    assert gateway.calls == []


def test_service_tokens_cannot_open_a_websocket() -> None:
    app = create_router_app(GatewayHolder(FakeGateway()), ServerConfig())
    with TestClient(app) as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {service_token()}"}}
        )
        assert ws.receive()["code"] == 4403


def test_deeply_nested_bodies_and_variables_are_400() -> None:
    gateway = FakeGateway()
    beyond_parser = '{"query": "{ hello }", "variables": {"v": ' + "[" * 3000 + "]" * 3000 + "}}"
    deep_variables = {"query": "{ hello }", "variables": {"v": [[[[[[[[0]]]]]]]] * 1}}
    for _ in range(60):
        deep_variables["variables"] = {"v": deep_variables["variables"]}
    with client_for(gateway) as client:
        parsed_too_deep = client.post(
            "/graphql", content=beyond_parser, headers={"content-type": "application/json"}
        )
        coerced_too_deep = client.post("/graphql", json=deep_variables)
    assert parsed_too_deep.status_code == 400
    assert coerced_too_deep.status_code == 400
    assert coerced_too_deep.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.calls == []


def test_production_hides_did_you_mean() -> None:
    message = "Cannot query field 'nam' on type 'Product'. Did you mean 'name' or 'sku'?"
    answer = {"errors": [{"message": message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}
    with client_for(FakeGateway(answer), config=ServerConfig(production=True)) as client:
        production = client.post("/graphql", json={"query": "{ hello }"}).json()
    with client_for(FakeGateway(answer)) as client:
        dev = client.post("/graphql", json={"query": "{ hello }"}).json()
    assert production["errors"][0]["message"] == "Cannot query field 'nam' on type 'Product'."
    assert dev["errors"][0]["message"] == message


async def test_a_client_that_disconnects_is_logged_as_a_disconnect() -> None:
    app = create_router_app(GatewayHolder(FakeGateway()), ServerConfig())
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"content-type", b"application/json")],
        "query_string": b"",
        "client": ("127.0.0.1", 5000),
    }
    with capture_logs() as logs:
        await app(scope, receive, send)
    events = [(entry["event"], entry["log_level"]) for entry in logs]
    assert ("client_disconnected", "info") in events
    assert not [entry for entry in logs if entry["log_level"] == "error"]


@pytest.fixture
def silent_upstream() -> Iterator[str]:
    """A TCP port that accepts connections and never answers: subscriptions stay pending."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/graphql"
    listener.close()


def test_subscriptions_per_connection_are_capped(silent_upstream: str) -> None:
    class Pending(FakeGateway):
        def subscription_root(self, query: str, operation_name: str | None) -> tuple[str, str, str]:
            return ("orders", silent_upstream, "subscription { tick }")

    config = ServerConfig(max_subscriptions_per_connection=2)
    app = create_router_app(GatewayHolder(Pending()), config)
    subscribe = {"type": "subscribe", "payload": {"query": "subscription { tick }"}}
    with TestClient(app) as c, c.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        for op_id in ("1", "2", "3"):
            ws.send_json({"id": op_id, **subscribe})
        refused = ws.receive_json()
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"  # the connection itself stays open
    assert refused["id"] == "3" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert "limit is 2" in refused["payload"][0]["message"]


def test_edge_authentication_still_accepts_user_tokens() -> None:
    gateway = FakeGateway()
    with client_for(gateway, principals=FakePrincipals()) as client:
        ok = client.post(
            "/graphql", json={"query": "{ hello }"}, headers={"authorization": "Bearer good"}
        )
    assert ok.status_code == 200


def test_non_ascii_forwarded_headers_are_refused_and_odd_request_ids_replaced() -> None:
    gateway = FakeGateway()
    with client_for(gateway) as client:
        refused = client.post(
            "/graphql",
            json={"query": "{ hello }"},
            headers={"x-cart-token": "caf\u00e9".encode()},
        )
        replaced = client.post(
            "/graphql", json={"query": "{ hello }"}, headers={"x-request-id": "\u20ac".encode()}
        )
    assert refused.status_code == 400
    assert "x-cart-token" in refused.json()["errors"][0]["message"]
    assert replaced.status_code == 200
    assert len(replaced.headers["x-request-id"]) == 32
