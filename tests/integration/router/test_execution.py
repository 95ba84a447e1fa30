"""The router executes plans against real Strawberry subgraphs served by uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from router.executor_transport import HttpTransport
from router.gateway import Gateway
from tests.integration.router.test_execution_subgraphs import SCHEMAS, Counter, CountingApp
from tests.support.platform import free_port as _free_port

SUPERGRAPH = Path(__file__).parents[2] / "fixtures" / "router" / "exec_supergraph.graphql"


class Subgraphs:
    def __init__(self) -> None:
        self.counters: dict[str, Counter] = {}
        self.urls: dict[str, str] = {}
        self._servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start(self) -> None:
        for name, make in SCHEMAS.items():
            counter = Counter()
            port = _free_port()
            config = uvicorn.Config(
                CountingApp(make(), counter), host="127.0.0.1", port=port, log_level="warning"
            )
            server = uvicorn.Server(config)
            task = asyncio.create_task(server.serve())
            for _ in range(200):
                if server.started:
                    break
                await asyncio.sleep(0.02)
            assert server.started, f"{name} did not start"
            self.counters[name] = counter
            self.urls[name] = f"http://127.0.0.1:{port}/graphql"
            self._servers.append((server, task))

    async def stop(self) -> None:
        for server, task in self._servers:
            server.should_exit = True
            await task


@pytest.fixture(scope="module")
async def subgraphs() -> AsyncIterator[Subgraphs]:
    running = Subgraphs()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def gateway(subgraphs: Subgraphs) -> AsyncIterator[Gateway]:
    for counter in subgraphs.counters.values():
        counter.requests = 0
        counter.bodies.clear()
    gw = Gateway.from_supergraph(SUPERGRAPH.read_text(), subgraph_urls=subgraphs.urls)
    yield gw
    await gw.close()


async def test_entity_jumps_across_three_subgraphs(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ latestReviews { body author { name } product { name } } }", None, None, {}
    )
    assert "errors" not in result
    assert result["data"]["latestReviews"] == [
        {"body": "Boils fast", "author": {"name": "Ada"}, "product": {"name": "Kettle"}},
        {"body": "Burns toast", "author": {"name": "Grace"}, "product": {"name": "Toaster"}},
        {"body": "Also boils", "author": {"name": "Grace"}, "product": {"name": "Kettle"}},
    ]


async def test_one_entities_call_per_flatten_with_deduplicated_representations(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    await gateway.execute("{ latestReviews { author { name } } }", None, None, {})
    # one root fetch to reviews, one _entities call to accounts for u1, u2 (u2 twice)
    assert subgraphs.counters["reviews"].requests == 1
    assert subgraphs.counters["accounts"].requests == 1


async def test_requires_sends_the_required_fields(gateway: Gateway) -> None:
    result = await gateway.execute(
        "query($n: Int) { topProducts(first: $n) { upc shippingEstimate } }", {"n": 2}, None, {}
    )
    assert result == {
        "data": {
            "topProducts": [
                {"upc": "p1", "shippingEstimate": 3 + 6},
                {"upc": "p2", "shippingEstimate": 5 + 12},
            ]
        }
    }


async def test_aliases_fragments_and_include_skip(gateway: Gateway) -> None:
    query = """
      query($withBody: Boolean!) {
        me { who: name ...Reviews }
      }
      fragment Reviews on User { reviews { body @include(if: $withBody) id @skip(if: true) } }
    """
    result = await gateway.execute(query, {"withBody": False}, None, {})
    assert result == {"data": {"me": {"who": "Ada", "reviews": [{}]}}}
    result = await gateway.execute(query, {"withBody": True}, None, {})
    assert result["data"]["me"]["reviews"] == [{"body": "Boils fast"}]


async def test_subgraph_error_is_mapped_to_the_client_path(gateway: Gateway) -> None:
    result = await gateway.execute("{ broken { upc } }", None, None, {})
    assert result["data"] == {"broken": None}
    [error] = result["errors"]
    assert error["path"] == ["broken"]
    assert error["extensions"]["serviceName"] == "products"
    assert error["extensions"]["code"] == "DOWNSTREAM_SERVICE_ERROR"


async def test_non_null_error_in_an_entity_propagates_to_the_nullable_parent(
    gateway: Gateway,
) -> None:
    result = await gateway.execute(
        "{ latestReviews { id author { reviews { product { upc name } } } } }", None, None, {}
    )
    # every review of u2 includes p1/p2 only: no failure
    assert "errors" not in result
    result = await gateway.execute("{ topProducts { upc name } }", None, None, {})
    # p3's name fails: Product.name is non-null and the list items are non-null, so the
    # whole (non-null) list fails and the null reaches data.
    assert result["data"] is None
    [error] = result["errors"]
    assert error["path"][:2] == ["topProducts", 2]
    assert error["extensions"]["serviceName"] == "products"


async def test_validation_errors_call_no_subgraph(gateway: Gateway, subgraphs: Subgraphs) -> None:
    result = await gateway.execute("{ latestReviews { nope } }", None, None, {})
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in result
    assert sum(c.requests for c in subgraphs.counters.values()) == 0


async def test_authorization_is_forwarded(gateway: Gateway, subgraphs: Subgraphs) -> None:
    await gateway.execute("{ me { name } }", None, None, {"Authorization": "Bearer t0k"})
    assert subgraphs.counters["accounts"].bodies == ["Bearer t0k"]


async def test_identical_inflight_requests_are_merged(subgraphs: Subgraphs) -> None:
    sdl = SUPERGRAPH.read_text()
    for dedupe, expected in ((True, 1), (False, 5)):
        subgraphs.counters["accounts"].requests = 0
        transport = HttpTransport(dedupe=dedupe)
        gw = Gateway.from_supergraph(sdl, subgraph_urls=subgraphs.urls, transport=transport)
        results: list[dict[str, Any]] = await asyncio.gather(
            *(gw.execute("{ users { id name } }", None, None, {}) for _ in range(5))
        )
        await gw.close()
        assert all(r["data"]["users"][0]["name"] == "Ada" for r in results)
        assert subgraphs.counters["accounts"].requests == expected, dedupe


async def test_unreachable_subgraph_gives_an_error_with_service_name() -> None:
    gw = Gateway.from_supergraph(
        SUPERGRAPH.read_text(),
        subgraph_urls={"accounts": f"http://127.0.0.1:{_free_port()}/graphql"},
        timeout_seconds=2,
    )
    try:
        result = await gw.execute("{ me { name } }", None, None, {})
    finally:
        await gw.close()
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["serviceName"] == "accounts"


async def test_skipped_fields_are_not_fetched_from_other_subgraphs(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    query = "query($a: Boolean!) { latestReviews { body author @include(if: $a) { name } } }"
    result = await gateway.execute(query, {"a": False}, None, {})
    assert result == {
        "data": {
            "latestReviews": [
                {"body": "Boils fast"},
                {"body": "Burns toast"},
                {"body": "Also boils"},
            ]
        }
    }
    assert subgraphs.counters["accounts"].requests == 0
    result = await gateway.execute(query, {"a": True}, None, {})
    assert result["data"]["latestReviews"][0] == {"body": "Boils fast", "author": {"name": "Ada"}}
    assert subgraphs.counters["accounts"].requests == 1
