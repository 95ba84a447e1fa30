"""Spans this test process ends, kept in memory while a test runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shopgraph.tracing import deactivate_tracing, install_tracer_provider


@contextmanager
def recorded_spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on, every span ended inside the block recorded; off again afterwards."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # the process keeps its first provider
        provider = TracerProvider()
    install_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        exporter.shutdown()  # later spans are dropped, not kept in memory
        deactivate_tracing()  # later tests build their apps without instrumentation
