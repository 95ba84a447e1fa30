"""Process-wide Prometheus metrics (docs/architecture.md §9): workers, outboxes, the router.

They live in prometheus_client's default registry, which also carries the process and
Python collectors. A subgraph's ``/metrics`` adds its own HTTP series to these; the router
serves them at its ``/metrics``; a worker process serves them with :func:`metrics_app` on
``SHOPGRAPH_METRICS_PORT``. Every label has a bounded set of values: worker groups, topics
and services are fixed by the code, partitions by the topic.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

EVENTS_PROCESSED = Counter(
    "shopgraph_worker_events_total",
    "Events a worker group finished, by type and outcome (handled, skipped, dead_lettered); "
    "types without a handler are 'unhandled', unreadable messages 'malformed'",
    ["group", "topic", "event_type", "outcome"],
)
RETRIES = Counter(
    "shopgraph_worker_retries_total", "Handler attempts that failed and were retried", ["group"]
)
DEAD_LETTERS = Counter(
    "shopgraph_worker_dead_letters_total", "Events sent to <topic>.dlq", ["group", "topic"]
)
CONSUMER_LAG = Gauge(
    "shopgraph_worker_consumer_lag",
    "Events published to a partition that the group has not processed yet",
    ["group", "topic", "partition"],
)
OUTBOX_BACKLOG = Gauge("shopgraph_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "shopgraph_outbox_oldest_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none)",
    ["service"],
)


def exposition(*registries: CollectorRegistry) -> bytes:
    """The text format of ``registries`` (default: the process registry)."""
    return b"".join(generate_latest(registry) for registry in registries or (REGISTRY,))


async def metrics_endpoint(_request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


def metrics_app() -> Starlette:
    """``/metrics`` of the process registry, for processes with no HTTP app (workers)."""
    return Starlette(routes=[Route("/metrics", metrics_endpoint)])
