"""Trace context through the event bus (docs/architecture.md §7, §9).

An event carries the ``traceparent`` of the span that created it (the request, or the handler
of the event before it). The outbox relay opens a PRODUCER span as that span's child and
sends the event with the producer span's ``traceparent`` (the envelope field, and a Kafka
header); the consumer runtime opens a CONSUMER span as the child of that, so one trace runs
from the client's request through every worker the saga passes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind

from shopgraph.events.envelope import Event
from shopgraph.tracing import context_from_traceparent, current_traceparent, tracer


@contextmanager
def producer_spans(messages: Sequence[tuple[str, Event]]) -> Iterator[list[tuple[str, Event]]]:
    """One PRODUCER span per message (child of the event's context) for the duration of the
    publish; yields the messages re-stamped with their producer span's ``traceparent``."""
    spans: list[Span] = []
    stamped: list[tuple[str, Event]] = []
    for topic, event in messages:
        if not event.traceparent:
            stamped.append((topic, event))
            continue
        span = tracer().start_span(
            f"{topic} publish",
            context=context_from_traceparent(event.traceparent),
            kind=SpanKind.PRODUCER,
            attributes=_attributes(topic, event),
        )
        spans.append(span)
        with trace.use_span(span, end_on_exit=False):
            traceparent = current_traceparent() or event.traceparent
        stamped.append((topic, dataclasses.replace(event, traceparent=traceparent)))
    try:
        yield stamped
    finally:
        for span in spans:
            span.end()


@contextmanager
def consumer_span(group: str, topic: str, event: Event) -> Iterator[Span]:
    """The CONSUMER span of ``group`` handling ``event``, child of the producer's context."""
    with tracer().start_as_current_span(
        f"{topic} process {event.type}",
        context=context_from_traceparent(event.traceparent),
        kind=SpanKind.CONSUMER,
        attributes={**_attributes(topic, event), "messaging.consumer.group.name": group},
    ) as span:
        yield span


def _attributes(topic: str, event: Event) -> dict[str, str]:
    return {
        "messaging.destination.name": topic,
        "messaging.message.id": event.id,
        "shopgraph.event.type": event.type,
    }
