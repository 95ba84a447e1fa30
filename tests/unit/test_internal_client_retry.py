"""A service restarting for a moment costs the caller latency, not the request: idempotent
internal calls are tried again through resets and 503s; other mutations are not. Within a
request, a service that is slow but alive is not sent the same call twice."""

from __future__ import annotations

import pytest

from shopgraph import request_deadline
from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.settings import load_settings
from tests.unit.scripted_http import SLOW_SECONDS, scripted_server


def client_for(url: str) -> InternalClient:
    return InternalClient(load_settings(service_urls={"inventory": url}), "orders")


@pytest.mark.parametrize(
    ("query", "idempotent"),
    [("{ ok }", None), ("mutation { ok }", True)],
    ids=["query", "idempotent-mutation"],
)
async def test_an_idempotent_call_outlives_a_restart(query: str, idempotent: bool | None) -> None:
    async with scripted_server("reset", "503", "503") as inventory:
        client = client_for(inventory.url)
        try:
            data = await client.query("inventory", query, idempotent=idempotent)
        finally:
            await client.close()
    assert data == {"ok": True}
    assert inventory.requests == 4


async def test_a_plain_mutation_is_sent_once() -> None:
    async with scripted_server("503") as inventory:
        client = client_for(inventory.url)
        try:
            with pytest.raises(UpstreamError, match="inventory: HTTP 503"):
                await client.query("inventory", "mutation { ok }")
        finally:
            await client.close()
    assert inventory.requests == 1


async def test_retries_stop_at_the_budget() -> None:
    async with scripted_server(*["503"] * 1000) as inventory:
        client = InternalClient(
            load_settings(service_urls={"inventory": inventory.url}), "orders", retry_seconds=0.5
        )
        try:
            with pytest.raises(UpstreamError, match="inventory: HTTP 503"):
                await client.query("inventory", "{ ok }")
        finally:
            await client.close()
    assert 1 < inventory.requests < 1000


async def test_a_slow_answer_within_the_request_deadline_is_awaited_not_asked_again() -> None:
    async with scripted_server("slow") as inventory:
        client = InternalClient(
            load_settings(service_urls={"inventory": inventory.url}),
            "orders",
            timeout_seconds=SLOW_SECONDS / 10,
        )
        try:
            with request_deadline.within(SLOW_SECONDS * 20):
                data = await client.query("inventory", "mutation { ok }", idempotent=True)
        finally:
            await client.close()
    assert data == {"ok": True}
    assert inventory.requests == 1
