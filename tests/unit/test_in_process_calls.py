"""In ``make dev`` internal calls to a subgraph the process serves itself skip the network,
and behave as over HTTP: the callee verifies the service token, a slow callee times out
the call and still finishes its work, and the callee's log context stays its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars

from shopgraph.app import RequestContext
from shopgraph.in_process import stop_serving_in_process
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.settings import load_settings
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
    def whoami(self, info: strawberry.Info[RequestContext, None]) -> str:
        return info.context.principal.subject


@pytest.fixture
def served() -> Iterator[None]:
    with served_in_process("users", Query):
        yield


@pytest.fixture
async def client() -> AsyncIterator[InternalClient]:
    settings = load_settings(service_urls={"users": NOWHERE})
    internal = InternalClient(settings, "orders", timeout_seconds=0.2, retry_seconds=0.3)
    yield internal
    await internal.close()


@pytest.mark.usefixtures("served")
async def test_the_callee_answers_without_the_network(client: InternalClient) -> None:
    assert await client.query("users", "{ whoami }") == {"whoami": "service:orders"}


async def test_once_no_longer_served_the_origin_is_reached_over_the_network(
    served: None, client: InternalClient
) -> None:
    stop_serving_in_process()
    with pytest.raises(UpstreamError, match="unreachable"):
        await client.query("users", "{ whoami }")


@pytest.mark.usefixtures("served")
async def test_a_slow_callee_times_the_call_out_and_still_finishes(
    client: InternalClient,
) -> None:
    release.clear()
    finished.clear()
    with pytest.raises(UpstreamError, match="ReadTimeout"):
        await client.query("users", "{ slow }")
    release.set()
    await asyncio.wait_for(finished.wait(), 10)


@pytest.mark.usefixtures("served")
async def test_the_callee_log_context_does_not_leak_into_the_caller(
    client: InternalClient,
) -> None:
    bind_contextvars(service="orders", request_id="caller-request")
    try:
        await client.query("users", "{ whoami }")
        assert get_contextvars() == {"service": "orders", "request_id": "caller-request"}
    finally:
        clear_contextvars()
