"""In ``make dev`` the router reaches the subgraphs its process serves without the network,
with the same outcomes as over HTTP: the answer, a timeout after the subgraph's limit (the
subgraph still finishes its work), and an unreachable subgraph once it is no longer served."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry

from bootstrap.router_in_process import InProcessSubgraphTransport
from router.executor_transport import SubgraphRequestError
from shopgraph.app import create_subgraph_app
from shopgraph.auth.verify import TokenVerifier
from shopgraph.graphql import federation_schema
from shopgraph.in_process import serve_in_process, stop_serving_in_process
from shopgraph.settings import load_settings

NOWHERE = "http://127.0.0.1:9/graphql"  # nothing listens there
release = asyncio.Event()
finished = asyncio.Event()


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self) -> str:
        return "hello"

    @strawberry.field
    async def slow(self) -> str:
        await release.wait()
        finished.set()
        return "done"


@pytest.fixture
def served() -> Iterator[None]:
    settings = load_settings()
    app = create_subgraph_app(
        service="products",
        settings=settings,
        schema=federation_schema(settings, query=Query),
        principals=TokenVerifier.from_settings(settings, []),
    )
    serve_in_process(NOWHERE, app)
    yield
    stop_serving_in_process()


@pytest.fixture
async def transport() -> AsyncIterator[InProcessSubgraphTransport]:
    subgraphs = InProcessSubgraphTransport(timeout_seconds={"products": 0.2})
    yield subgraphs
    await subgraphs.close()


@pytest.mark.usefixtures("served")
async def test_the_subgraph_answers_without_the_network(
    transport: InProcessSubgraphTransport,
) -> None:
    answer = await transport.send("products", NOWHERE, {"query": "{ greeting }"}, {})
    assert answer == {"data": {"greeting": "hello"}}


@pytest.mark.usefixtures("served")
async def test_a_slow_subgraph_times_out_and_still_finishes(
    transport: InProcessSubgraphTransport,
) -> None:
    release.clear()
    finished.clear()
    with pytest.raises(SubgraphRequestError) as refused:
        await transport.send("products", NOWHERE, {"query": "{ slow }"}, {})
    assert refused.value.code == "TIMEOUT"
    release.set()
    await asyncio.wait_for(finished.wait(), 10)


async def test_once_no_longer_served_the_subgraph_is_reached_over_the_network(
    served: None, transport: InProcessSubgraphTransport
) -> None:
    stop_serving_in_process()
    with pytest.raises(SubgraphRequestError, match="cannot reach products"):
        await transport.send("products", NOWHERE, {"query": "{ greeting }"}, {})
