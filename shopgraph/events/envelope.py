"""The event envelope (docs/architecture.md §7) and its wire format.

Every event on the bus is one JSON object (orjson)::

    {"id": "<uuid>", "type": "OrderCreated", "version": 1,
     "occurred_at": "2024-05-01T12:00:00.000000+00:00", "aggregate_id": "<order id>",
     "payload": {...}, "traceparent": "00-...-01" | null}

``id`` is the de-duplication key consumers claim in their inbox; ``aggregate_id`` is the
Kafka message key, so events of one aggregate keep their order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from shopgraph.tracing import current_traceparent


class MalformedEvent(ValueError):
    """Raised when bytes or a mapping are not a valid event envelope."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable domain event."""

    id: str
    type: str
    version: int
    occurred_at: datetime
    aggregate_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    traceparent: str | None = None

    @classmethod
    def new(
        cls,
        type: str,
        aggregate_id: str,
        payload: dict[str, Any],
        version: int = 1,
        traceparent: str | None = None,
    ) -> Event:
        """A fresh event with a random id, occurring now (UTC).

        The payload must be JSON-safe (str, int, float, bool, None, lists and dicts of them;
        money as decimal strings): a ``TypeError`` says so immediately rather than at publish.
        """
        try:
            orjson.dumps(payload)
        except TypeError as exc:
            raise TypeError(f"event payload is not JSON-safe: {exc}") from None
        return cls(
            id=str(uuid.uuid4()),
            type=type,
            version=version,
            occurred_at=_now(),
            aggregate_id=aggregate_id,
            payload=payload,
            # Written inside the request's (or handler's) span, so consumers continue its trace.
            traceparent=traceparent or current_traceparent(),
        )

    @property
    def key(self) -> bytes:
        """The bus message key: the aggregate id."""
        return self.aggregate_id.encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "aggregate_id": self.aggregate_id,
            "payload": self.payload,
            "traceparent": self.traceparent,
        }

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Event:
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise MalformedEvent(f"event is not valid JSON: {exc}") from None
        return cls.from_dict(decoded)

    @classmethod
    def from_dict(cls, data: Any) -> Event:
        if not isinstance(data, dict):
            raise MalformedEvent("event must be a JSON object")
        return cls(
            id=_uuid(data, "id"),
            type=_text(data, "type"),
            version=_version(data),
            occurred_at=_timestamp(data),
            aggregate_id=_text(data, "aggregate_id"),
            payload=_payload(data),
            traceparent=_optional_text(data, "traceparent"),
        )


def _field(data: dict[str, Any], name: str) -> Any:
    if name not in data:
        raise MalformedEvent(f"event field {name!r} is missing")
    return data[name]


def _text(data: dict[str, Any], name: str) -> str:
    value = _field(data, name)
    if not isinstance(value, str) or not value:
        raise MalformedEvent(f"event field {name!r} must be a non-empty string")
    return value


def _optional_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise MalformedEvent(f"event field {name!r} must be a string or null")
    return value


def _uuid(data: dict[str, Any], name: str) -> str:
    value = _text(data, name)
    try:
        uuid.UUID(value)
    except ValueError:
        raise MalformedEvent(f"event field {name!r} must be a UUID") from None
    return value


def _version(data: dict[str, Any]) -> int:
    value = _field(data, "version")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MalformedEvent("event field 'version' must be a positive integer")
    return value


def _timestamp(data: dict[str, Any]) -> datetime:
    value = _text(data, "occurred_at")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedEvent("event field 'occurred_at' must be an ISO-8601 timestamp") from None
    if parsed.tzinfo is None:
        raise MalformedEvent("event field 'occurred_at' must carry a UTC offset")
    return parsed.astimezone(UTC)


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    value = _field(data, "payload")
    if not isinstance(value, dict):
        raise MalformedEvent("event field 'payload' must be a JSON object")
    return value
