"""Router metrics and traces (docs/architecture.md §9): hooks only, the pipeline is unchanged.

* :func:`observe_router_app` adds ``/metrics`` (the process registry), the request-metrics
  middleware and, while tracing is on, the ASGI server-span middleware to the router's app.
* :func:`record_fetch` times every subgraph fetch and counts failed ones (called by the
  transport, which also opens a client span that carries ``traceparent`` to the subgraph).

Request series are labelled by operation name and outcome. Operation names come from clients,
so only the first :data:`MAX_OPERATION_NAMES` distinct names get their own label; later ones
share ``other`` (anonymous operations are ``anonymous``).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.metrics import metrics_endpoint
from shopgraph.tracing import asgi_tracing_middleware

MAX_OPERATION_NAMES = 100
# server.py puts the parsed operation name and the GraphQL outcome in the ASGI scope.
OPERATION_KEY = "shopgraph.operation"
OUTCOME_KEY = "shopgraph.outcome"

REQUESTS = Counter(
    "shopgraph_router_requests_total",
    "GraphQL requests served by the router",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "shopgraph_router_request_seconds",
    "Router GraphQL request latency",
    ["operation", "outcome"],
)
FETCH_SECONDS = Histogram(
    "shopgraph_router_subgraph_fetch_seconds", "Latency of one subgraph fetch", ["subgraph"]
)
FETCH_ERRORS = Counter(
    "shopgraph_router_subgraph_fetch_errors_total",
    "Subgraph fetches that failed (unreachable, timeout or an HTTP error status)",
    ["subgraph", "reason"],
)


class OperationNames:
    """Bounds the ``operation`` label: the first ``limit`` names, then ``other``."""

    def __init__(self, limit: int = MAX_OPERATION_NAMES) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: object) -> str:
        if not isinstance(name, str) or not name:
            return "anonymous"
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) < self.limit:
                self._seen.add(name)
                return name
        return "other"


class RequestMetrics:
    """Counts and times ``/graphql`` HTTP requests by operation name and outcome."""

    def __init__(self, app: ASGIApp, names: OperationNames) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, capture)
        finally:
            operation = self.names.label(scope.get(OPERATION_KEY))
            outcome = _outcome(status, scope.get(OUTCOME_KEY))
            REQUESTS.labels(operation, outcome).inc()
            REQUEST_SECONDS.labels(operation, outcome).observe(time.perf_counter() - started)


def _outcome(status: int, graphql_outcome: object) -> str:
    if status >= 500:
        return "error"
    if isinstance(graphql_outcome, str):
        return graphql_outcome  # "ok" or "graphql_error"
    return "refused" if status >= 400 else "ok"


class RouterStateCollector(Collector):
    """Plan-cache hits and misses and active subscriptions, read from the running router."""

    def __init__(self) -> None:
        self.apps: weakref.WeakSet[Starlette] = weakref.WeakSet()  # a closed app drops out

    def collect(self) -> Iterator[Any]:
        hits = CounterMetricFamily(
            "shopgraph_router_plan_cache_hits", "Operations planned from the plan cache"
        )
        misses = CounterMetricFamily(
            "shopgraph_router_plan_cache_misses", "Operations planned afresh"
        )
        active = GaugeMetricFamily(
            "shopgraph_router_active_subscriptions", "Subscriptions open through the router"
        )
        hit_total = miss_total = subscriptions = 0
        for app in list(self.apps):
            planner = getattr(app.state.holder.current, "planner", None)
            hit_total += getattr(planner, "hits", 0)
            miss_total += getattr(planner, "misses", 0)
            subscriptions += app.state.subscriptions.active_operations
            subscriptions += app.state.http_subscriptions.count  # over SSE and multipart
        hits.add_metric([], hit_total)
        misses.add_metric([], miss_total)
        active.add_metric([], subscriptions)
        yield hits
        yield misses
        yield active


_STATE = RouterStateCollector()
REGISTRY.register(_STATE)


def observe_router_app(app: Starlette) -> Starlette:
    """``/metrics``, request metrics and (when tracing is on) server spans for the router."""
    _STATE.apps.add(app)
    app.add_route("/metrics", metrics_endpoint)
    app.add_middleware(RequestMetrics, names=OperationNames())
    for middleware in asgi_tracing_middleware():
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
    return app


def record_fetch(subgraph: str, seconds: float, failure: str | None) -> None:
    """One subgraph fetch: its latency, and what failed (``timeout``, ``unreachable``,
    ``http_<status>``) when it did."""
    FETCH_SECONDS.labels(subgraph).observe(seconds)
    if failure is not None:
        FETCH_ERRORS.labels(subgraph, failure).inc()
