"""Subscriptions over graphql-transport-ws authenticate in ``connection_init``."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest
import strawberry
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from shopgraph.app import RequestContext, create_subgraph_app
from shopgraph.graphql import federation_schema
from shopgraph.settings import load_settings
from tests.support.subgraph_app_parts import FakePrincipals
from tests.unit.test_subgraph_app import Query


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def whoami(self, info: strawberry.Info[RequestContext, None]) -> AsyncGenerator[str]:
        yield info.context.principal.subject or "anonymous"


@pytest.fixture
def client() -> TestClient:
    settings = load_settings()
    schema = federation_schema(settings, query=Query, subscription=Subscription)
    app = create_subgraph_app(
        service="test", settings=settings, schema=schema, principals=FakePrincipals()
    )
    return TestClient(app)


def subscribe_whoami(client: TestClient, init_payload: dict[str, str]) -> str:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": init_payload})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": "subscription { whoami }"}}
        )
        message = ws.receive_json()
        assert message["type"] == "next", message
        return str(message["payload"]["data"]["whoami"])


def test_token_in_connection_init_identifies_the_subscriber(client: TestClient) -> None:
    assert subscribe_whoami(client, {"Authorization": "Bearer good"}) == "u1"


def test_no_token_is_anonymous(client: TestClient) -> None:
    assert subscribe_whoami(client, {}) == "anonymous"


def test_bad_token_closes_the_socket(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer stale"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4403
