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
from shopgraph.in_process import stop_serving_in_process
from tests.support.in_process_subgraph import (
    NOWHERE,
    SlowQuery,
    finished,
    release,
    served_in_process,
)


@strawberry.type
class Query(SlowQuery):
    @strawberry.field
    def greeting(self) -> str:
        return "hello"


@pytest.fixture
def served() -> Iterator[None]:
    with served_in_process("products", Query):
        yield


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
