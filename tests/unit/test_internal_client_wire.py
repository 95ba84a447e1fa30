"""What an internal call puts on the wire when it goes over the network: the service token,
what is left of the request's deadline, and, while tracing is on, a client span whose
context the callee receives as ``traceparent``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shopgraph import request_deadline
from shopgraph.internal import InternalClient
from shopgraph.settings import load_settings
from shopgraph.tracing import tracer
from tests.support.spans import recorded_spans
from tests.unit.scripted_http import scripted_server


def headers_of(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = [line.split(":", 1) for line in lines if ":" in line]
    return {name.strip().lower(): value.strip() for name, value in pairs}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    with recorded_spans() as exporter:
        yield exporter


async def test_the_call_carries_the_token_and_the_deadline_left() -> None:
    async with scripted_server() as inventory:
        client = InternalClient(load_settings(service_urls={"inventory": inventory.url}), "orders")
        try:
            with request_deadline.within(5):
                assert await client.query("inventory", "{ ok }") == {"ok": True}
            assert await client.query("inventory", "{ ok }") == {"ok": True}
        finally:
            await client.close()
    within_request, outside = (headers_of(head) for head in inventory.heads)
    assert within_request["authorization"] == f"Bearer {client.tokens.token()}"
    assert within_request["content-type"] == "application/json"
    assert 0 < int(within_request[request_deadline.HEADER]) <= 5000
    assert request_deadline.HEADER not in outside  # a worker's call has no deadline to pass
    assert outside["authorization"] == within_request["authorization"]


async def test_a_traced_call_is_a_client_span_the_callee_continues(
    spans: InMemorySpanExporter,
) -> None:
    async with scripted_server() as inventory:
        client = InternalClient(load_settings(service_urls={"inventory": inventory.url}), "orders")
        try:
            with tracer().start_as_current_span("placeOrder") as parent:
                await client.query("inventory", "{ ok }")
        finally:
            await client.close()
    [call] = [span for span in spans.get_finished_spans() if span.kind == SpanKind.CLIENT]
    assert call.name == "POST inventory"
    assert call.parent is not None
    assert call.parent.span_id == parent.get_span_context().span_id
    assert call.context is not None
    traceparent = headers_of(inventory.heads[0])["traceparent"]
    _, trace_id, span_id, _ = traceparent.split("-")
    assert (int(trace_id, 16), int(span_id, 16)) == (call.context.trace_id, call.context.span_id)
