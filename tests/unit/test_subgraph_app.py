"""The subgraph app factory: health, metrics, request ids, limits, error codes, auth."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import _lru_cache_wrapper
from typing import Any, cast

import httpx
import pytest
import strawberry
from strawberry.extensions.validation_cache import _get_validate_cache

from shopgraph.app import create_subgraph_app
from shopgraph.graphql import federation_schema
from shopgraph.logging import configure_logging, get_logger
from shopgraph.settings import load_settings
from tests.support.subgraph_app_parts import BasicQuery, FakePrincipals


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID


@strawberry.type
class Query(BasicQuery):
    @strawberry.field
    def product(self) -> Product:
        return Product(id=strawberry.ID("p1"))

    @strawberry.field
    def logged(self) -> str:
        get_logger("test").info("resolver_ran")
        return "ok"


failing_checks: list[str] = []


async def database_check() -> None:
    if failing_checks:
        raise ConnectionError("database down")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(max_query_depth=5, max_aliases=3)
    app = create_subgraph_app(
        service="test",
        settings=settings,
        schema=federation_schema(settings, query=Query),
        principals=FakePrincipals(),
        readiness=[database_check],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def gql(client: httpx.AsyncClient, query: str, **headers: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=headers)


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    assert (await client.get("/readyz")).status_code == 200
    failing_checks.append("db")
    try:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert "database down" in response.text
    finally:
        failing_checks.clear()


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    await gql(client, "{ whoami }")
    text = (await client.get("/metrics")).text
    assert 'shopgraph_http_requests_total{path="/graphql",service="test",status="200"}' in text


async def test_unknown_paths_share_one_metrics_label(client: httpx.AsyncClient) -> None:
    for n in range(5):
        assert (await client.get(f"/no-such-page-{n}")).status_code == 404
    text = (await client.get("/metrics")).text
    assert 'path="other",service="test",status="404"} 5.0' in text
    assert "no-such-page" not in text


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await gql(client, "{ whoami }", **{"X-Request-ID": "abc123"})
    assert given.headers["x-request-id"] == "abc123"
    made = await gql(client, "{ whoami }")
    assert len(made.headers["x-request-id"]) == 32


async def test_depth_and_alias_limits(client: httpx.AsyncClient) -> None:
    deep = "{ root { child { child { child { child { child { child { name } } } } } } } }"
    body = (await gql(client, deep)).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "depth" in body["errors"][0]["message"]
    aliases = "{ a: whoami b: whoami c: whoami d: whoami }"
    body = (await gql(client, aliases)).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_documents_beyond_the_token_limit_are_refused_unparsed(
    client: httpx.AsyncClient,
) -> None:
    body = (await gql(client, "{ " + "whoami " * 2001 + "}")).json()
    assert "data" not in body or body["data"] is None
    assert "more than 2000 tokens" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_limits_keep_the_validation_cache_effective(client: httpx.AsyncClient) -> None:
    cache = cast("_lru_cache_wrapper[Any]", _get_validate_cache(1024))
    query = "{ root { name } whoami }"
    await gql(client, query)
    before = cache.cache_info()
    for _ in range(3):
        await gql(client, query)
    after = cache.cache_info()
    assert after.hits - before.hits == 3
    assert after.misses == before.misses


async def test_unexpected_errors_are_masked(client: httpx.AsyncClient) -> None:
    body = (await gql(client, "{ boom }")).json()
    error = body["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "hunter2" not in str(body)


async def test_shopgraph_errors_keep_message_and_code(client: httpx.AsyncClient) -> None:
    body = (await gql(client, "{ missing }")).json()
    assert body["errors"][0]["message"] == "no such product"
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_syntax_errors_have_a_code(client: httpx.AsyncClient) -> None:
    body = (await gql(client, "{ whoami ")).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_principal_reaches_resolvers(client: httpx.AsyncClient) -> None:
    assert (await gql(client, "{ whoami }")).json()["data"]["whoami"] == "anonymous"
    signed_in = await gql(client, "{ whoami }", Authorization="Bearer good")
    assert signed_in.json()["data"]["whoami"] == "u1"


async def test_bad_token_fails_the_request(client: httpx.AsyncClient) -> None:
    response = await gql(client, "{ whoami }", Authorization="Bearer stale")
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in error["message"]


async def test_federation_service_sdl(client: httpx.AsyncClient) -> None:
    body = (await gql(client, "{ _service { sdl } }")).json()
    sdl = body["data"]["_service"]["sdl"]
    assert "federation/v2.9" in sdl
    assert 'type Product @key(fields: "id")' in sdl


async def test_logs_are_json_with_request_and_trace_ids(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await gql(client, "{ logged }", **{"X-Request-ID": "req-42", "traceparent": traceparent})
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    ran = [line for line in lines if line.get("event") == "resolver_ran"]
    assert ran, lines
    assert ran[0]["request_id"] == "req-42"
    assert ran[0]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert ran[0]["service"] == "test"
