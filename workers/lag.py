"""Consumer lag per partition for ``shopgraph_worker_consumer_lag`` (docs/architecture.md §9).

Lag is a partition's end offset, as the consumer last saw it (no network call), minus the
next offset this member will process, for the partitions it has processed events of.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopgraph.events.bus import Consumer, Delivery
from shopgraph.metrics import CONSUMER_LAG


class LagGauge:
    def __init__(self, group: str) -> None:
        self.group = group
        self._next_offsets: dict[tuple[str, int], int] = {}

    def update(self, consumer: Consumer, processed: Sequence[Delivery]) -> None:
        for delivery in processed:
            key = (delivery.topic, delivery.partition)
            self._next_offsets[key] = max(self._next_offsets.get(key, 0), delivery.offset + 1)
        for (topic, partition), end in consumer.high_watermarks().items():
            # A partition this member has not processed yet may have moved to it from another.
            position = self._next_offsets.get((topic, partition))
            if position is not None:
                CONSUMER_LAG.labels(self.group, topic, str(partition)).set(max(0, end - position))
