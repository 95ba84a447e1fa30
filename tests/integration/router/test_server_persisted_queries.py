"""Persisted operations through running routers (``[persisted_queries]``), on both key-value
columns: the in-process store of ``make dev`` and real Redis shared by two router replicas.

The routers are built the way ``shopgraph router serve`` builds them (``router.serve``) in
front of the small ``orders`` and ``catalog`` subgraphs of ``tests/support``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from router.config import RouterConfig
from router.gateway import Gateway
from router.plugins.hot_reload import GatewayHolder
from router.plugins.persisted_queries import PersistedQueriesSection
from router.serve import RouterOptions, build_router
from shopgraph.kv import kv_from_url
from shopgraph.settings import Settings
from tests.integration.router.socket_client import over_socket
from tests.support.order_status_subgraphs import SUBSCRIPTION, order_status_subgraphs, serving
from tests.support.platform import free_port

PREFLIGHT = {"apollo-require-preflight": "true"}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


def unique_query() -> str:
    """An operation no other test (or earlier run against the same Redis) has registered."""
    return f"query Count{uuid.uuid4().hex} {{ orderCount }}"


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


@contextlib.asynccontextmanager
async def routers(
    kv_url: str, section: PersistedQueriesSection, replicas: int = 1
) -> AsyncIterator[list[str]]:
    """``replicas`` routers sharing one key-value store; yields their ``/graphql`` URLs."""
    settings = Settings(kv_url=kv_url)
    options = RouterOptions(
        rate_limit=0, verify_tokens=False, config=RouterConfig(persisted_queries=section)
    )
    async with order_status_subgraphs() as subgraphs, contextlib.AsyncExitStack() as stack:
        urls = []
        for _ in range(replicas):
            gateway = Gateway.from_supergraph(subgraphs.supergraph, timeout_seconds=10)
            app = build_router(settings, GatewayHolder(gateway), options)
            port = free_port()
            await stack.enter_async_context(serving(app, port, "on"))
            urls.append(f"http://127.0.0.1:{port}/graphql")
        yield urls


async def test_automatic_persisted_query_round_trip(kv_url: str) -> None:
    query = unique_query()
    async with routers(kv_url, PersistedQueriesSection()) as (url,), httpx.AsyncClient() as http:
        unknown = await http.post(url, json={"extensions": persisted(query)})
        assert unknown.status_code == 200  # what Apollo clients answer by resending the text
        assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"

        registered = await http.post(url, json={"query": query, "extensions": persisted(query)})
        assert registered.json() == {"data": {"orderCount": 1}}

        by_hash = await http.post(url, json={"extensions": persisted(query)})
        assert by_hash.json() == {"data": {"orderCount": 1}}
        params = {"extensions": json.dumps(persisted(query))}
        over_get = await http.get(url, params=params, headers=PREFLIGHT)
        assert over_get.json() == {"data": {"orderCount": 1}}
    store = kv_from_url(kv_url)
    try:
        assert await store.get(f"pq:{sha256(query)}") == query.encode()
        ttl = await store.ttl(f"pq:{sha256(query)}")
        assert ttl is not None and 0 < ttl <= PersistedQueriesSection().ttl_seconds
    finally:
        await store.close()


async def test_replicas_share_registered_operations(kv_url: str) -> None:
    query = unique_query()
    async with (
        routers(kv_url, PersistedQueriesSection(), replicas=2) as (first, second),
        httpx.AsyncClient() as http,
    ):
        await http.post(first, json={"query": query, "extensions": persisted(query)})
        params = {"extensions": json.dumps(persisted(query))}
        response = await http.get(second, params=params, headers=PREFLIGHT)
    assert response.json() == {"data": {"orderCount": 1}}


async def test_a_hash_that_is_not_the_text_is_refused_and_registers_nothing(kv_url: str) -> None:
    query, other = unique_query(), unique_query()
    async with routers(kv_url, PersistedQueriesSection()) as (url,), httpx.AsyncClient() as http:
        mismatch = await http.post(url, json={"query": query, "extensions": persisted(other)})
        assert mismatch.status_code == 400
        assert code_of(mismatch) == "PERSISTED_QUERY_HASH_MISMATCH"
        later = await http.post(url, json={"extensions": persisted(other)})
        assert code_of(later) == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_invalid_operation_is_not_registered(kv_url: str) -> None:
    broken = f"query Broken{uuid.uuid4().hex} {{ orderCount"
    async with routers(kv_url, PersistedQueriesSection()) as (url,), httpx.AsyncClient() as http:
        refused = await http.post(url, json={"query": broken, "extensions": persisted(broken)})
        assert refused.status_code == 400
        later = await http.post(url, json={"extensions": persisted(broken)})
        assert code_of(later) == "PERSISTED_QUERY_NOT_FOUND"


def write_manifest(path: Path, *bodies: str) -> Path:
    operations = [
        {"id": sha256(body), "body": body, "name": f"Op{index}", "type": _kind(body)}
        for index, body in enumerate(bodies)
    ]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps(manifest))
    return path


def _kind(body: str) -> str:
    return "subscription" if body.startswith("subscription") else "query"


LISTED = "query Listed {\n  products {\n    id\n    name\n  }\n}"


async def test_safelist_runs_only_listed_operations(kv_url: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "manifest.json", LISTED)
    section = PersistedQueriesSection(manifest=manifest, safelist="enforce")
    expected = {"data": {"products": [{"id": "p1", "name": "Blue Mug"}]}}
    async with routers(kv_url, section) as (url,), httpx.AsyncClient() as http:
        by_id = await http.post(url, json={"extensions": persisted(LISTED)})
        assert by_id.json() == expected
        # the same operation written differently is still the listed one
        by_body = await http.post(url, json={"query": "query Listed { products { id, name } }"})
        assert by_body.json() == expected

        other = await http.post(url, json={"query": "{ orderCount }"})
        assert other.status_code == 400
        assert code_of(other) == "PERSISTED_QUERY_NOT_IN_LIST"
        query = unique_query()
        registering = await http.post(url, json={"query": query, "extensions": persisted(query)})
        assert code_of(registering) == "PERSISTED_QUERY_NOT_IN_LIST"
        later = await http.post(url, json={"extensions": persisted(query)})
        assert code_of(later) == "PERSISTED_QUERY_NOT_FOUND"


async def test_safelist_log_mode_runs_unlisted_operations(kv_url: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "manifest.json", LISTED)
    section = PersistedQueriesSection(manifest=manifest, safelist="log")
    async with routers(kv_url, section) as (url,), httpx.AsyncClient() as http:
        response = await http.post(url, json={"query": "{ orderCount }"})
    assert response.json() == {"data": {"orderCount": 1}}


async def test_automatic_persisted_queries_over_the_websocket(kv_url: str) -> None:
    query = unique_query()
    async with routers(kv_url, PersistedQueriesSection()) as (url,), httpx.AsyncClient() as http:
        unknown = await over_socket(url, {"extensions": persisted(query)})
        assert unknown[0]["type"] == "error"
        assert unknown[0]["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        # registered over the socket, then sent by hash over HTTP and over the socket
        registered = await over_socket(url, {"query": query, "extensions": persisted(query)})
        assert registered[0]["payload"] == {"data": {"orderCount": 1}}
        over_http = await http.post(url, json={"extensions": persisted(query)})
        assert over_http.json() == {"data": {"orderCount": 1}}
        by_hash = await over_socket(url, {"extensions": persisted(query)})
    assert [m["type"] for m in by_hash] == ["next", "complete"]
    assert by_hash[0]["payload"] == {"data": {"orderCount": 1}}


async def test_safelist_applies_to_websocket_subscriptions(kv_url: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "manifest.json", LISTED, SUBSCRIPTION)
    section = PersistedQueriesSection(manifest=manifest, safelist="enforce")
    variables = {"id": "o1"}
    async with routers(kv_url, section) as (url,):
        listed = await over_socket(
            url,
            {"extensions": persisted(SUBSCRIPTION), "variables": variables},
            authorization="Bearer customer-1",
            messages=1,
        )
        unlisted = await over_socket(
            url,
            {"query": 'subscription { orderStatusChanged(orderId: "o1") { status } }'},
            authorization="Bearer customer-1",
        )
    assert listed[0]["type"] == "next"
    assert listed[0]["payload"]["data"]["orderStatusChanged"]["status"] == "PENDING"
    assert unlisted[0]["type"] == "error"
    assert unlisted[0]["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
