"""Consumer lag per partition for ``shopgraph_worker_consumer_lag`` (docs/architecture.md §9).

Lag is the partition's end offset minus the next offset this member will process, for the
partitions it has processed events of. End offsets are
asked of the bus at most every ``interval_seconds`` (a Kafka metadata request), so a busy
consumer does not pay for it per batch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from shopgraph.events.bus import Delivery, EventBus
from shopgraph.logging import get_logger
from shopgraph.metrics import CONSUMER_LAG

log = get_logger(__name__)


class LagGauge:
    def __init__(
        self, bus: EventBus, group: str, topics: Sequence[str], interval_seconds: float = 5.0
    ) -> None:
        self.bus = bus
        self.group = group
        self.topics = tuple(topics)
        self.interval_seconds = interval_seconds
        self._next_offsets: dict[tuple[str, int], int] = {}
        self._updated_at = float("-inf")

    async def update(self, processed: Sequence[Delivery]) -> None:
        for delivery in processed:
            key = (delivery.topic, delivery.partition)
            self._next_offsets[key] = max(self._next_offsets.get(key, 0), delivery.offset + 1)
        now = time.monotonic()
        if now - self._updated_at < self.interval_seconds:
            return
        self._updated_at = now
        for topic in self.topics:
            try:
                ends = await self.bus.end_offsets(topic)
            except Exception as exc:  # a metric never stops the consumer
                log.warning("consumer_lag_unavailable", topic=topic, error=str(exc))
                continue
            for partition, end in ends.items():
                # Partitions this member has not processed yet may belong to another member.
                position = self._next_offsets.get((topic, partition))
                if position is not None:
                    lag = max(0, end - position)
                    CONSUMER_LAG.labels(self.group, topic, str(partition)).set(lag)
