"""Traces and metrics of one checkout (docs/architecture.md §9), as an operator sees them.

The platform runs in the test process with the router of ``make dev`` in front; the checkout
goes through the router. Tracing uses an in-memory exporter on the process's tracer provider.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from bootstrap.registry import service_names
from tests.support.platform import column_settings, free_port, running_platform, settings_env
from tests.support.router import router_in_front
from tests.support.shop import ADDRESS, Shop
from tests.support.spans import recorded_spans

pytestmark = pytest.mark.e2e

CHECKOUT = """mutation Checkout($i: PlaceOrderInput!) { placeOrder(input: $i) {
    order { id status } errors { code message } } }"""


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span the process ends while the test runs."""
    with recorded_spans() as exporter:
        yield exporter


async def checkout_through_router(shop: Shop, router_url: str) -> tuple[str, str]:
    """A shopper buys one product; the order is placed through the router. (token, order id)"""
    product = await shop.create_product(price="12.00", stock=5)
    token = await shop.register(f"traced-{uuid.uuid4().hex[:8]}@example.com")
    await shop.add_to_cart(token, product, 1)
    response = await shop.platform.http.post(
        router_url,
        json={
            "query": CHECKOUT,
            "operationName": "Checkout",
            "variables": {
                "i": {
                    "shippingAddress": ADDRESS,
                    "paymentMethod": "pm_card_visa",
                    "idempotencyKey": uuid.uuid4().hex,
                }
            },
        },
        headers={"authorization": f"Bearer {token}"},
    )
    placed = response.json()["data"]["placeOrder"]
    assert placed["errors"] == [], placed
    order_id = placed["order"]["id"]
    assert await shop.wait_for_status(token, order_id, {"PAID", "PAYMENT_FAILED"}) == "PAID"
    return token, order_id


def port_of(span: ReadableSpan) -> int | None:
    attributes = span.attributes or {}
    port = attributes.get("server.port", attributes.get("net.host.port"))
    return int(port) if isinstance(port, int | str) else None


def ancestry(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    """``span``, its parent, … up to the root of its trace."""
    chain = [span]
    while chain[-1].parent is not None:
        parent = by_id.get(chain[-1].parent.span_id)
        assert parent is not None, f"the parent of {chain[-1].name!r} was never exported"
        chain.append(parent)
    return chain


async def wait_for_span(exporter: InMemorySpanExporter, wanted: Any) -> ReadableSpan:
    async with asyncio.timeout(60):
        while True:
            found = [s for s in exporter.get_finished_spans() if wanted(s)]
            if found:
                return found[0]
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_one_trace_from_the_client_request_to_the_paid_update(
    column: str, tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    settings = column_settings(column, tmp_path)
    async with running_platform(settings) as platform, router_in_front(platform.settings) as url:
        shop = Shop(platform)
        await shop.sign_in_admin()
        await checkout_through_router(shop, url)

        router_port = int(url.split(":")[2].split("/")[0])

        def paid_handler(span: ReadableSpan) -> bool:
            attributes = span.attributes or {}
            return (
                span.kind == SpanKind.CONSUMER
                and attributes.get("messaging.consumer.group.name") == "orders"
                and attributes.get("shopgraph.event.type") == "PaymentSucceeded"
            )

        def our_paid_update(span: ReadableSpan) -> bool:
            """The PAID update: the orders worker's UPDATE statement under a PaymentSucceeded
            consumer span, in the trace our request through this router started (other
            platforms of the session export to the same exporter)."""
            if span.parent is None or not str(
                (span.attributes or {}).get("db.statement", "")
            ).startswith("UPDATE orders"):
                return False
            every = {s.context.span_id: s for s in spans.get_finished_spans()}
            chain = [span]
            while chain[-1].parent is not None:
                parent = every.get(chain[-1].parent.span_id)
                if parent is None:
                    return False  # an ancestor not exported yet: look again later
                chain.append(parent)
            root = chain[-1]
            return (
                any(paid_handler(s) for s in chain)
                and root.kind == SpanKind.SERVER
                and port_of(root) == router_port
            )

        paid_update = await wait_for_span(spans, our_paid_update)
        finished = spans.get_finished_spans()
        by_id = {s.context.span_id: s for s in finished}
        chain = ancestry(paid_update, by_id)
        names = [s.name for s in chain]
        root = chain[-1]
        assert root.kind == SpanKind.SERVER and port_of(root) == router_port, names
        orders_port = platform.settings.port_for("orders")
        kinds_and_ports = [(s.kind, port_of(s)) for s in chain]
        assert (SpanKind.SERVER, orders_port) in kinds_and_ports, names  # the subgraph fetch
        assert SpanKind.CLIENT in [s.kind for s in chain], names  # the router's fetch
        assert "orders publish" in names and "payments publish" in names, names
        assert "orders process OrderCreated" in names, names  # the payments worker
        trace_id = root.context.trace_id
        provider_calls = [
            s.name
            for s in finished
            if s.context.trace_id == trace_id and s.name.startswith("payment_provider")
        ]
        assert "payment_provider authorize" in provider_calls, provider_calls


Samples = dict[str, list[tuple[dict[str, str], float]]]


def scrape(text: str) -> Samples:
    """Sample name -> [(labels, value)] of a Prometheus text exposition."""
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return sum(v for found, v in samples.get(name, []) if labels.items() <= found.items())


async def scrape_until(
    http: httpx.AsyncClient, url: str, name: str, *, positive: bool = True, **labels: str
) -> Samples:
    """The endpoint's samples once ``name`` with ``labels`` is there (and above zero)."""
    async with asyncio.timeout(30):
        while True:
            response = await http.get(url)
            assert response.status_code == 200, response.text
            samples = scrape(response.text)
            present = any(labels.items() <= found.items() for found, _ in samples.get(name, []))
            if present and (not positive or value(samples, name, **labels) > 0):
                return samples
            await asyncio.sleep(0.3)


def start_orders_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bootstrap.cli", "worker", "orders"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_every_process_exports_its_series_after_a_checkout(tmp_path: Path) -> None:
    settings = column_settings("postgres+kafka+redis", tmp_path)
    metrics_port = free_port()
    async with (
        running_platform(settings, skip_groups=frozenset({"orders"})) as platform,
        router_in_front(platform.settings) as url,
    ):
        env = settings_env(platform.settings) | {"SHOPGRAPH_METRICS_PORT": str(metrics_port)}
        worker = start_orders_worker(env, tmp_path / "worker.log")
        try:
            shop = Shop(platform)
            await shop.sign_in_admin()
            await checkout_through_router(shop, url)
            http = platform.http

            worker_url = f"http://127.0.0.1:{metrics_port}/metrics"
            worker_samples = await scrape_until(
                http,
                worker_url,
                "shopgraph_worker_events_total",
                group="orders",
                topic="payments",
                outcome="handled",
            )
            assert "shopgraph_worker_retries_total" in worker_samples
            assert "shopgraph_worker_dead_letters_total" in worker_samples
            # Lag is measured every few seconds; the orders group has processed `payments`.
            await scrape_until(
                http,
                worker_url,
                "shopgraph_worker_consumer_lag",
                positive=False,
                group="orders",
                topic="payments",
            )

            router_metrics = url.removesuffix("/graphql") + "/metrics"
            router = await scrape_until(
                http,
                router_metrics,
                "shopgraph_router_requests_total",
                operation="Checkout",
                outcome="ok",
            )
            assert value(router, "shopgraph_router_request_seconds_count", operation="Checkout")
            assert value(router, "shopgraph_router_subgraph_fetch_seconds_count", subgraph="orders")
            assert value(router, "shopgraph_router_plan_cache_misses_total") >= 1
            assert "shopgraph_router_plan_cache_hits_total" in router
            assert "shopgraph_router_active_subscriptions" in router

            for service in service_names():
                subgraph_metrics = platform.url(service).removesuffix("/graphql") + "/metrics"
                samples = scrape((await http.get(subgraph_metrics)).text)
                assert value(samples, "shopgraph_http_requests_total", service=service), service
            orders_metrics = platform.url("orders").removesuffix("/graphql") + "/metrics"
            orders = await scrape_until(
                http, orders_metrics, "shopgraph_outbox_backlog", positive=False, service="orders"
            )
            assert "shopgraph_outbox_oldest_age_seconds" in orders
        finally:
            worker.terminate()
            worker.wait(timeout=30)
