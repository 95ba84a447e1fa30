from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from shopgraph.events import Event, MalformedEvent


def test_new_event_has_uuid_id_utc_time_and_defaults() -> None:
    event = Event.new("OrderCreated", "order-1", {"total": "12.50", "items": [1, 2]})
    assert uuid.UUID(event.id)
    assert event.version == 1
    assert event.traceparent is None
    assert event.occurred_at.tzinfo is not None
    assert event.occurred_at.utcoffset() == UTC.utcoffset(None)
    assert event.key == b"order-1"


def test_round_trip_through_bytes() -> None:
    event = Event.new(
        "PaymentSucceeded",
        "order-9",
        {"amount": {"amount": "9.99", "currency": "EUR"}, "ok": True, "n": None},
        version=3,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    assert Event.from_bytes(event.to_bytes()) == event


def test_timestamps_with_other_offsets_are_normalised_to_utc() -> None:
    raw = Event.new("X", "a", {}).to_dict() | {"occurred_at": "2024-05-01T14:00:00+02:00"}
    event = Event.from_dict(raw)
    assert event.occurred_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_payload_must_be_json_safe() -> None:
    with pytest.raises(TypeError, match="JSON-safe"):
        Event.new("X", "a", {"when": object()})


def _valid() -> dict[str, object]:
    return Event.new("X", "agg", {"a": 1}).to_dict()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"", "not valid JSON"),
        (orjson.dumps({k: v for k, v in _valid().items() if k != "id"}), "'id' is missing"),
        (orjson.dumps(_valid() | {"id": "nope"}), "UUID"),
        (orjson.dumps(_valid() | {"type": ""}), "'type'"),
        (orjson.dumps(_valid() | {"version": "1"}), "'version'"),
        (orjson.dumps(_valid() | {"version": True}), "'version'"),
        (orjson.dumps(_valid() | {"version": 0}), "'version'"),
        (orjson.dumps(_valid() | {"occurred_at": "yesterday"}), "ISO-8601"),
        (orjson.dumps(_valid() | {"occurred_at": "2024-05-01T12:00:00"}), "UTC offset"),
        (orjson.dumps(_valid() | {"aggregate_id": 7}), "'aggregate_id'"),
        (orjson.dumps(_valid() | {"payload": [1]}), "'payload'"),
        (orjson.dumps(_valid() | {"traceparent": 5}), "'traceparent'"),
    ],
)
def test_malformed_bytes_raise_malformed_event(data: bytes, message: str) -> None:
    with pytest.raises(MalformedEvent, match=message):
        Event.from_bytes(data)


def test_malformed_event_is_a_value_error() -> None:
    assert issubclass(MalformedEvent, ValueError)
