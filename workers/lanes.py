"""A fetched batch split into lanes that may be handled at the same time.

A lane holds one aggregate's deliveries (same topic, partition and key) in offset order, so
each aggregate's events keep the order Kafka gives them while events of different orders
are handled concurrently. Offsets are committed per partition only up to the first delivery
that was not handled, so a crash or stop redelivers everything after it (at-least-once).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from shopgraph.events.bus import Delivery

Position = tuple[str, int, int]  # topic, partition, offset
K = TypeVar("K")


def position(delivery: Delivery) -> Position:
    return delivery.topic, delivery.partition, delivery.offset


def lanes(deliveries: Sequence[Delivery]) -> list[list[Delivery]]:
    """The batch grouped by (topic, partition, key), each lane in offset order."""
    grouped: dict[tuple[str, int, bytes | None], list[Delivery]] = {}
    for delivery in deliveries:
        grouped.setdefault((delivery.topic, delivery.partition, delivery.key), []).append(delivery)
    return [sorted(lane, key=lambda d: d.offset) for lane in grouped.values()]


def committable(deliveries: Sequence[Delivery], done: Collection[Position]) -> list[Delivery]:
    """Per partition, the deliveries before the first one not in ``done``."""
    blocked: set[tuple[str, int]] = set()
    ready: list[Delivery] = []
    for delivery in sorted(deliveries, key=position):
        partition = (delivery.topic, delivery.partition)
        if partition in blocked:
            continue
        if position(delivery) in done:
            ready.append(delivery)
        else:
            blocked.add(partition)
    return ready


def runs(
    deliveries: Sequence[Delivery], key: Callable[[Delivery], K]
) -> list[tuple[K, list[Delivery]]]:
    """The batch, in its order, cut into runs of consecutive deliveries with equal ``key``."""
    cut: list[tuple[K, list[Delivery]]] = []
    for delivery in deliveries:
        value = key(delivery)
        if cut and cut[-1][0] == value:
            cut[-1][1].append(delivery)
        else:
            cut.append((value, [delivery]))
    return cut
