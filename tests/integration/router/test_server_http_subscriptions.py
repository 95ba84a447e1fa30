"""Subscriptions over SSE and multipart HTTP through a running router.

The same Strawberry ``orders`` and ``catalog`` subgraphs as the WebSocket tests
(``tests/support/order_status_subgraphs.py``): each stream sends PENDING and PAID, then
FULFILLED once the test releases it. A client that cannot open a WebSocket reads them over
``Accept: text/event-stream`` or ``Accept: multipart/mixed;subscriptionSpec="1.0"``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from router.gateway import Gateway
from router.pipeline import Operation, Pipeline, RequestRefused, RouterPlugin
from router.plugins.hot_reload import GatewayHolder
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.server import ServerConfig, create_router_app
from shopgraph.kv import memory_store
from tests.support.http_streams import multipart_parts, sse_messages
from tests.support.order_status_subgraphs import (
    SUBSCRIPTION,
    OrderStatusSubgraphs,
    eventually,
    order_status_subgraphs,
    serving,
)
from tests.support.platform import free_port

SSE = {"accept": "text/event-stream"}
MULTIPART = {"accept": 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json'}
BODY = {"query": SUBSCRIPTION, "variables": {"id": "o1"}}
AUTH = {"authorization": "Bearer customer-1"}
EVENT_FIELDS = [
    {"orderId": "o1", "status": status, "product": {"id": "p1", "name": "Blue Mug"}}
    for status in ("PENDING", "PAID", "FULFILLED")
]


class TagsEvents(RouterPlugin):
    """Refuses operations named ``Forbidden``; tags every response it sees."""

    name = "tags"

    async def on_operation(self, operation: Operation) -> None:
        if operation.operation_name == "Forbidden":
            raise RequestRefused(403, "not this one", "FORBIDDEN")

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        operation.extensions["transport"] = operation.transport
        return result


@dataclass
class Stack:
    url: str
    subgraphs: OrderStatusSubgraphs
    app: Starlette

    @property
    def open_streams(self) -> int:
        """What ``shopgraph_router_active_subscriptions`` counts of HTTP subscriptions."""
        return int(self.app.state.http_subscriptions.count)


@contextlib.asynccontextmanager
async def router_stack(rate_limit: int = 0) -> AsyncIterator[Stack]:
    async with order_status_subgraphs() as subgraphs:
        gateway = Gateway.from_supergraph(subgraphs.supergraph, timeout_seconds=10)
        limiter = None
        if rate_limit:
            store = memory_store(f"memory://http-subscriptions-{free_port()}")
            limiter = FixedWindowRateLimiter(store, limit=rate_limit, window_seconds=60)
        app = create_router_app(
            GatewayHolder(gateway),
            ServerConfig(subscription_heartbeat_seconds=0.1),
            rate_limiter=limiter,
            pipeline=Pipeline([TagsEvents()]),
        )
        port = free_port()
        async with serving(app, port, "on"):
            yield Stack(f"http://127.0.0.1:{port}/graphql", subgraphs, app)


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    async with router_stack() as running:
        yield running


async def test_sse_streams_each_event_then_complete(stack: Stack) -> None:
    events: list[dict[str, Any]] = []
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("POST", stack.url, json=BODY, headers=SSE | AUTH) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for event, data in sse_messages(response):
            if event == "next":
                events.append(json.loads(data))
                if len(events) == 2:
                    stack.subgraphs.orders.release.set()
            elif event == "complete":
                break
    assert [e["data"]["orderStatusChanged"] for e in events] == EVENT_FIELDS
    # the pipeline's on_response saw every event, over SSE
    assert {e["extensions"]["transport"] for e in events} == {"sse"}
    # the client's Authorization reached the owning subgraph's connection_init
    assert stack.subgraphs.orders.auth_seen == ["Bearer customer-1"]


async def test_multipart_streams_payloads_heartbeats_and_the_final_boundary(stack: Stack) -> None:
    parts: list[dict[str, Any] | str] = []
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("POST", stack.url, json=BODY, headers=MULTIPART) as response,
    ):
        assert response.status_code == 200
        content_type = response.headers["content-type"]
        assert content_type.startswith("multipart/mixed") and 'boundary="graphql"' in content_type
        async for part in multipart_parts(response):
            parts.append(part)
            if part == {} and len([p for p in parts if p != {}]) == 2:
                stack.subgraphs.orders.release.set()  # a heartbeat came while the stream idled
    payloads = [p["payload"] for p in parts if isinstance(p, dict) and p]
    assert [p["data"]["orderStatusChanged"] for p in payloads] == EVENT_FIELDS
    assert {} in parts
    assert parts[-1] == "end"


async def test_client_going_away_closes_the_upstream_subscription(stack: Stack) -> None:
    for opened, headers in enumerate((SSE, MULTIPART), start=1):
        async with (
            httpx.AsyncClient(timeout=10) as client,
            client.stream("POST", stack.url, json=BODY, headers=headers) as response,
        ):
            async for _ in response.aiter_bytes():
                break  # the first event arrived: the upstream subscription is open
            assert stack.open_streams == 1
        await eventually(lambda: stack.subgraphs.orders.closed_streams == opened)  # noqa: B023
        await eventually(lambda: stack.open_streams == 0)
    assert stack.subgraphs.orders.open_streams == 2


async def test_upstream_failure_ends_the_stream_with_errors(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("POST", stack.url, json=BODY, headers=MULTIPART) as response,
    ):
        parts: list[dict[str, Any] | str] = []
        async for part in multipart_parts(response):
            parts.append(part)
            if len([p for p in parts if p != {}]) == 2:
                stack.subgraphs.orders_server.should_exit = True  # orders goes away mid-stream
                stack.subgraphs.orders_server.force_exit = True
    failure = [p for p in parts if isinstance(p, dict) and "errors" in p]
    assert len(failure) == 1 and failure[0]["payload"] is None
    error = failure[0]["errors"][0]
    assert error["extensions"]["code"] == "SUBSCRIPTION_UPSTREAM_FAILED"
    assert error["extensions"]["serviceName"] == "orders"
    assert parts[-1] == "end"


async def test_sse_over_get_with_a_preflight_header(stack: Stack) -> None:
    params = {"query": SUBSCRIPTION, "variables": json.dumps({"id": "o1"})}
    headers = SSE | {"apollo-require-preflight": "true"}
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("GET", stack.url, params=params, headers=headers) as response,
    ):
        async for event, data in sse_messages(response):
            assert event == "next"
            assert json.loads(data)["data"]["orderStatusChanged"]["status"] == "PENDING"
            break


async def test_without_a_streaming_accept_subscriptions_are_refused(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(stack.url, json=BODY)
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_OVER_HTTP_UNSUPPORTED"
    )
    assert stack.subgraphs.orders.open_streams == 0


async def test_invalid_subscription_is_a_json_error_before_any_stream(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            stack.url, json={"query": "subscription { nope }"}, headers=SSE
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_pipeline_refusals_apply_before_the_stream_opens(stack: Stack) -> None:
    query = SUBSCRIPTION.replace("subscription Watch", "subscription Forbidden")
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            stack.url,
            json={"query": query, "variables": {"id": "o1"}, "operationName": "Forbidden"},
            headers=MULTIPART,
        )
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert stack.subgraphs.orders.open_streams == 0


async def test_http_subscriptions_count_against_the_rate_limit() -> None:
    async with router_stack(rate_limit=1) as stack, httpx.AsyncClient(timeout=10) as client:
        async with client.stream("POST", stack.url, json=BODY, headers=SSE) as first:
            async for _ in first.aiter_bytes():
                break
        second = await client.post(stack.url, json=BODY, headers=SSE)
        assert second.status_code == 429
        assert second.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        await eventually(lambda: stack.subgraphs.orders.closed_streams == 1)
    assert stack.subgraphs.orders.open_streams == 1


async def test_a_query_over_sse_is_one_next_event_then_complete(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("POST", stack.url, json={"query": "{ orderCount }"}, headers=SSE) as sse,
    ):
        assert sse.headers["content-type"].startswith("text/event-stream")
        messages = [(event, data and json.loads(data)) async for event, data in sse_messages(sse)]
    assert messages == [
        ("next", {"data": {"orderCount": 1}, "extensions": {"transport": "http"}}),
        ("complete", ""),
    ]


async def test_a_query_over_multipart_is_one_part(stack: Stack) -> None:
    query = {"query": "{ orderCount }"}
    subscription_spec = {"accept": 'multipart/mixed;subscriptionSpec="1.0"'}
    async with httpx.AsyncClient(timeout=10) as client:
        async with client.stream(
            "POST", stack.url, json=query, headers={"accept": "multipart/mixed"}
        ) as response:
            assert response.headers["content-type"].startswith("multipart/mixed")
            defer_format = [part async for part in multipart_parts(response)]
        async with client.stream("POST", stack.url, json=query, headers=subscription_spec) as got:
            subscription_format = [part async for part in multipart_parts(got)]
        as_json = await client.post(stack.url, json=query, headers=MULTIPART)
    result = {"data": {"orderCount": 1}, "extensions": {"transport": "http"}}
    assert defer_format == [{**result, "hasNext": False}, "end"]
    assert subscription_format == [{"payload": result}, "end"]
    # a client that also takes JSON gets JSON
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json() == result
