"""Service-to-service calls carry an ``internal`` service token the callee verifies."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.app import create_subgraph_app
from shopgraph.auth.verify import TokenVerifier
from shopgraph.graphql import federation_schema
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.settings import load_settings
from tests.unit.test_subgraph_app import Query


def client_for_test_subgraph(secret: str) -> InternalClient:
    callee_settings = load_settings()
    app = create_subgraph_app(
        service="callee",
        settings=callee_settings,
        schema=federation_schema(callee_settings, query=Query),
        principals=TokenVerifier.from_settings(callee_settings, []),
    )
    caller_settings = load_settings(service_token_secret=secret)
    return InternalClient(caller_settings, "orders", transport=httpx.ASGITransport(app=app))


async def test_callee_sees_the_calling_service() -> None:
    client = client_for_test_subgraph(load_settings().service_token_secret)
    data = await client.query("users", "{ whoami }")
    assert data == {"whoami": "service:orders"}
    await client.close()


async def test_token_signed_with_another_secret_is_refused() -> None:
    client = client_for_test_subgraph("some-other-secret-that-is-long-enough-123")
    with pytest.raises(UpstreamError) as caught:
        await client.query("users", "{ whoami }")
    assert caught.value.code == "UNAUTHENTICATED"
    assert caught.value.service == "users"
    await client.close()


async def test_graphql_errors_raise_with_their_code() -> None:
    client = client_for_test_subgraph(load_settings().service_token_secret)
    with pytest.raises(UpstreamError) as caught:
        await client.query("users", "{ missing }")
    assert caught.value.code == "NOT_FOUND"
    await client.close()


async def test_unreachable_service_is_an_upstream_error() -> None:
    settings = load_settings(service_urls={"users": "http://127.0.0.1:9/graphql"})
    client = InternalClient(settings, "orders", timeout_seconds=1, retry_seconds=0.3)
    with pytest.raises(UpstreamError, match="unreachable"):
        await client.query("users", "{ whoami }")
    await client.close()
