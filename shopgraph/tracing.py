"""Distributed tracing with OpenTelemetry (docs/architecture.md §9).

Off unless switched on: ``SHOPGRAPH_TRACING=otlp`` (or the standard
``OTEL_TRACES_EXPORTER=otlp``) makes :func:`configure_tracing` install an SDK tracer provider
with the OTLP/HTTP exporter, which reads the standard ``OTEL_EXPORTER_OTLP_*`` and
``OTEL_SERVICE_NAME`` variables. ``SHOPGRAPH_TRACING=console`` prints spans instead. Tests
install their own provider with :func:`install_tracer_provider` (an in-memory exporter).

Instrumentation is attached only while a provider is installed (:func:`tracing_active`), so
the request path costs nothing when tracing is off. Context crosses process boundaries as a
W3C ``traceparent``: HTTP headers (httpx and ASGI instrumentation) and the event envelope
(:func:`current_traceparent` when an event is created, :func:`context_from_traceparent` when
it is consumed).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from opentelemetry import metrics, propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from starlette.middleware import Middleware

_EXPORTERS = ("otlp", "console")
_UNTRACED_PATHS = "healthz,readyz,metrics,health"
_state: dict[str, bool] = {"active": False, "redis": False}


def tracer() -> trace.Tracer:
    """ShopGraph's own spans (bus, payment provider); no-op while tracing is off."""
    return trace.get_tracer("shopgraph") if tracing_active() else _NO_OP


_NO_OP = trace.NoOpTracer()


def tracing_active() -> bool:
    return _state["active"]


def requested_exporter(environ: dict[str, str] | None = None) -> str | None:
    """``otlp``, ``console`` or None (off): ``SHOPGRAPH_TRACING``, else ``OTEL_TRACES_EXPORTER``."""
    env = os.environ if environ is None else environ
    value = (env.get("SHOPGRAPH_TRACING") or env.get("OTEL_TRACES_EXPORTER") or "off").lower()
    if value in ("", "off", "none", "false", "0"):
        return None
    if value not in _EXPORTERS:
        raise ValueError(
            f"SHOPGRAPH_TRACING / OTEL_TRACES_EXPORTER={value!r} is not supported: "
            f"use one of off, {', '.join(_EXPORTERS)}"
        )
    return value


def configure_tracing(service_name: str) -> bool:
    """Install the exporter the environment asks for (once per process); True when on."""
    if tracing_active():
        return True
    exporter_name = requested_exporter()
    if exporter_name is None:
        return False
    exporter: SpanExporter
    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    else:
        exporter = ConsoleSpanExporter()
    name = os.environ.get("OTEL_SERVICE_NAME") or f"shopgraph-{service_name}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    install_tracer_provider(provider)
    return True


def install_tracer_provider(provider: TracerProvider) -> None:
    """Make ``provider`` the process's tracer provider and instrument Redis clients.

    OpenTelemetry lets a process set its provider once; later calls keep the first one."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(provider)
    _state["active"] = True
    if not _state["redis"]:
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().instrument()
        _state["redis"] = True


def deactivate_tracing() -> None:
    """Attach no instrumentation to what is built from now on, and stop tracing Redis.

    Already instrumented apps, engines and clients keep their hooks (OpenTelemetry cannot
    take a provider back); tests that installed an in-memory provider call this at the end.
    """
    _state["active"] = False
    if _state["redis"]:
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().uninstrument()
        _state["redis"] = False


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, or None outside any recording span."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> Context:
    """The context a ``traceparent`` names (an empty context when there is none)."""
    return propagate.extract({"traceparent": traceparent} if traceparent else {})


def asgi_tracing_middleware() -> list[Middleware]:
    """The ASGI server-span middleware (one span per request) while tracing is on."""
    if not tracing_active():
        return []
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return [Middleware(OpenTelemetryMiddleware, excluded_urls=_UNTRACED_PATHS)]


def trace_http_client(client: Any) -> None:
    """Client spans (and ``traceparent`` injection) for one ``httpx.AsyncClient``."""
    if tracing_active():
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(client)


def trace_engine(engine: Any) -> None:
    """Spans for every statement of one SQLAlchemy ``AsyncEngine``."""
    if tracing_active():
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        # The instrumentor is a process-wide singleton that instruments one engine once;
        # each service has its own engine, so each gets its own listener.
        connections = metrics.get_meter("shopgraph").create_up_down_counter(
            "db.client.connections.usage"
        )
        EngineTracer(tracer(), engine.sync_engine, connections)  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def outgoing_request_span(name: str, headers: dict[str, str]) -> Iterator[None]:
    """A client span around one outgoing request whose context goes out in ``headers``
    (``traceparent``); nothing while tracing is off."""
    if not tracing_active():
        yield
        return
    with tracer().start_as_current_span(name, kind=trace.SpanKind.CLIENT):
        propagate.inject(headers)
        yield
