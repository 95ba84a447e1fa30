"""The event-bus port (docs/architecture.md §3): topics, consumer groups, at-least-once delivery.

Two adapters implement it: :mod:`shopgraph.events.memory` (in-process, ``memory://``) and
:mod:`shopgraph.events.kafka` (``kafka://host:9092``). Semantics shared by both:

* ``publish`` returns only once the bus has durably accepted the event (Kafka: ``acks=all``).
* Events are routed to a partition by ``aggregate_id``, so one aggregate's events keep order.
* Every consumer *group* sees every event; members of one group share the partitions.
* Offsets are committed explicitly, after the effect; whatever a stopped or crashed member
  had not committed is delivered again to the group (at-least-once).
* A group that has never committed starts at offset 0 of every partition, so a consumer
  with a fresh group id replays a topic from its beginning; ``end_offsets`` says where the
  topic ends now, so such a replay knows when it has caught up (``shopgraph analytics
  rebuild``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shopgraph.events.envelope import Event, MalformedEvent

DEFAULT_PARTITIONS = 3


@dataclass(frozen=True, slots=True)
class Delivery:
    """One received message: its position and either the parsed event or the parse error."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    raw: bytes
    event: Event | None
    error: str | None = None

    @classmethod
    def parse(
        cls, topic: str, partition: int, offset: int, key: bytes | None, raw: bytes
    ) -> Delivery:
        try:
            return cls(topic, partition, offset, key, raw, Event.from_bytes(raw))
        except MalformedEvent as exc:
            return cls(topic, partition, offset, key, raw, None, str(exc))
        except Exception as exc:  # a poison message must never stop the consumer
            return cls(topic, partition, offset, key, raw, None, f"{type(exc).__name__}: {exc}")


class Consumer(Protocol):
    """One member of a consumer group."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Leave the group without committing; uncommitted deliveries go to other members."""

    async def getmany(self, timeout: float, max_records: int) -> list[Delivery]:  # noqa: ASYNC109
        """Wait up to ``timeout`` seconds for deliveries (possibly none)."""

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        """Commit the offsets of ``deliveries`` (call after their effects are committed)."""

    def high_watermarks(self) -> dict[tuple[str, int], int]:
        """(topic, partition) -> end offset, for the assigned partitions, as this member last
        saw it (no network call; for the consumer-lag metric)."""


class EventBus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, topic: str, event: Event) -> None:
        """Publish one event; returns after the bus acknowledged it durably."""

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        """Publish ``(topic, event)`` pairs in order; returns after all are acknowledged."""

    async def publish_raw(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Publish bytes as they are, no envelope check (replaying dead letters, tests)."""

    def consumer(
        self, topics: Sequence[str], group: str, *, linger_seconds: float = 0.0
    ) -> Consumer:
        """A new (not yet started) member of consumer group ``group``. ``linger_seconds``:
        the member may wait that long for more events before it fetches them (fewer, larger
        fetches from a broker; an adapter without fetches ignores it)."""

    async def end_offsets(self, topic: str) -> dict[int, int]:
        """Partition -> the offset the next event published to it will get (0: empty)."""


def bus_from_url(url: str) -> EventBus:
    """``memory://[name]`` (shared per process by name) or ``kafka://host:port[,host:port]``."""
    if url.startswith("memory://"):
        from shopgraph.events.memory import memory_bus

        return memory_bus(url)
    if url.startswith("kafka://"):
        from shopgraph.events.kafka import KafkaBus

        return KafkaBus.from_url(url)
    raise ValueError(f"unsupported event bus URL {url!r}: use memory:// or kafka://host:port")
