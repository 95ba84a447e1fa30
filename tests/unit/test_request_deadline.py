"""Retries of internal calls last as long as the request's client waits, and no longer
(shopgraph/request_deadline.py): a short outage costs latency, not the answer."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from shopgraph import request_deadline
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.request_deadline import RequestDeadlineMiddleware
from shopgraph.settings import load_settings
from tests.unit.scripted_http import scripted_server

# Six 503s take about 2.5 s of backoff to get through.
RESTARTING = ["503"] * 6


def client_for(url: str, retry_seconds: float) -> InternalClient:
    settings = load_settings(service_urls={"inventory": url})
    return InternalClient(settings, "orders", retry_seconds=retry_seconds)


async def test_inside_a_request_retries_last_until_its_deadline() -> None:
    async with scripted_server(*RESTARTING) as inventory:
        client = client_for(inventory.url, retry_seconds=0.2)
        try:
            with request_deadline.within(20):
                data = await client.query("inventory", "{ ok }")
        finally:
            await client.close()
    assert data == {"ok": True}
    assert inventory.requests == len(RESTARTING) + 1


async def test_outside_a_request_the_fixed_budget_applies() -> None:
    async with scripted_server(*RESTARTING) as inventory:
        client = client_for(inventory.url, retry_seconds=0.2)
        try:
            with pytest.raises(UpstreamError, match="HTTP 503"):
                await client.query("inventory", "{ ok }")
        finally:
            await client.close()
    assert inventory.requests < len(RESTARTING) + 1


async def test_no_retry_outlives_the_requests_deadline() -> None:
    async with scripted_server(*["503"] * 1000) as inventory:
        client = client_for(inventory.url, retry_seconds=600)
        try:
            with request_deadline.within(1.0), pytest.raises(UpstreamError, match="HTTP 503"):
                await client.query("inventory", "{ ok }")
        finally:
            await client.close()
    assert 1 < inventory.requests < 1000


async def deadline_seen(headers: dict[str, str]) -> float | None:
    seen: list[float | None] = []

    async def app(_scope: Scope, _receive: Receive, send: Send) -> None:
        seen.append(request_deadline.remaining_seconds())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    middleware = RequestDeadlineMiddleware(app, default_seconds=25)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=middleware)) as http:
        await http.post("http://subgraph/graphql", headers=headers)
    return seen[0]


async def test_a_caller_shortens_the_deadline_never_lengthens_it() -> None:
    assert 1 < (await deadline_seen({"X-Request-Deadline-Ms": "1500"}) or 0) <= 1.5
    assert 20 < (await deadline_seen({"X-Request-Deadline-Ms": "600000"}) or 0) <= 25
    assert 20 < (await deadline_seen({}) or 0) <= 25
    assert 20 < (await deadline_seen({"X-Request-Deadline-Ms": "soon"}) or 0) <= 25
    assert request_deadline.remaining_seconds() is None  # nothing leaks out of the request


async def test_the_callee_is_told_what_is_left() -> None:
    sent: list[str | None] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get(request_deadline.HEADER))
        return httpx.Response(200, json={"data": {"ok": True}})

    settings = load_settings(service_urls={"inventory": "http://inventory/graphql"})
    client = InternalClient(settings, "orders", transport=httpx.MockTransport(record))
    try:
        with request_deadline.within(3):
            await client.query("inventory", "{ ok }")
        await client.query("inventory", "{ ok }")
    finally:
        await client.close()
    assert sent[1] is None
    assert sent[0] is not None and 2000 < int(sent[0]) <= 3000
