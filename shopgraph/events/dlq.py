"""Dead-letter events: what a consumer group gives up on goes to ``<topic>.dlq``.

A dead letter is itself an :class:`Event` of type ``DeadLetter``, keyed by the original
aggregate (or the original message key), whose payload carries everything needed to inspect
and replay it::

    {"group": "payments", "error": "ValueError: ...", "attempts": 5,
     "source": {"topic": "orders", "partition": 1, "offset": 42},
     "original": {...the original envelope...} | null,
     "raw": "<original bytes, latin-1 decoded>" | null}   # raw only when malformed

Its id is derived from the group and the source position, so a dead letter published
twice (crash before the offset commit) has one id and can be de-duplicated like any event.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shopgraph.events.bus import Delivery
from shopgraph.events.envelope import Event

DLQ_SUFFIX = ".dlq"
DEAD_LETTER = "DeadLetter"
_NAMESPACE = uuid.UUID("6f1c1d1e-7c55-4e0b-9d4f-2b3c5f0a9e11")


def dlq_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def dead_letter(delivery: Delivery, group: str, error: str, attempts: int) -> Event:
    original = delivery.event
    position = f"{group}|{delivery.topic}|{delivery.partition}|{delivery.offset}"
    if original is not None:
        aggregate_id = original.aggregate_id
    else:
        aggregate_id = (delivery.key or b"").decode("utf-8", "replace") or "unknown"
    return Event(
        id=str(uuid.uuid5(_NAMESPACE, position)),
        type=DEAD_LETTER,
        version=1,
        occurred_at=datetime.now(UTC),
        aggregate_id=aggregate_id,
        payload={
            "group": group,
            "error": error,
            "attempts": attempts,
            "source": {
                "topic": delivery.topic,
                "partition": delivery.partition,
                "offset": delivery.offset,
            },
            "original": original.to_dict() if original is not None else None,
            "raw": delivery.raw.decode("latin-1") if original is None else None,
        },
        traceparent=original.traceparent if original is not None else None,
    )
