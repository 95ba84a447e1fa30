"""How long a Kafka group member's fetches wait at the broker: busy, or idle.

A fetch is answered once ``fetch_min_bytes`` are waiting or ``fetch_max_wait_ms`` has passed.
A member chooses that shape once, at construction, but wants two: while events flow, the
group's own shape (``fetch_min_bytes=1`` answers each event at once; a lingering group asks
for 256 KiB or its linger, so a burst comes in a few responses); while nothing flows, a long
wait, because an empty answer every 250-500 ms from every group of every stack is the
broker's main load when no one is shopping. The first event of a burst still comes at once:
the idle shape has ``fetch_min_bytes=1``.

:class:`FetchPacing` switches a started ``AIOKafkaConsumer`` between the two shapes by
setting its fetcher's two parameters, which aiokafka reads each time it builds a fetch
request (aiokafka has no public setter; ``requirements.lock`` pins the version, and
``tests/integration/events/test_kafka_fetch_pacing.py`` fails if the attributes go away).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from aiokafka import AIOKafkaConsumer


@dataclass(frozen=True, slots=True)
class FetchShape:
    min_bytes: int
    max_wait_ms: int


# A member that got no events in a whole poll waits this long at the broker for the next one.
IDLE: Final = FetchShape(min_bytes=1, max_wait_ms=5000)

# aiokafka's default: answered per event, and a partition whose events were held back while
# the member was busy waits at most this long behind a fetch of its siblings.
PROMPT: Final = FetchShape(min_bytes=1, max_wait_ms=500)

# A lingering member's fetch returns once this much is waiting, or after the linger: the
# broker batches a burst instead of answering each new event with its own response.
LINGER_FETCH_MIN_BYTES: Final = 256 * 1024


def busy_shape(linger_seconds: float) -> FetchShape:
    """The fetch of a member while events flow."""
    if linger_seconds <= 0:
        return PROMPT
    return FetchShape(LINGER_FETCH_MIN_BYTES, max(1, int(linger_seconds * 1000)))


class FetchPacing:
    """Keeps a consumer's fetch in its busy shape while polls return events, idle otherwise."""

    def __init__(self, busy: FetchShape) -> None:
        self.busy = busy
        self.current = busy

    def after_poll(self, consumer: AIOKafkaConsumer, *, waited: bool, got_events: bool) -> None:
        """Record one poll of ``consumer`` (a started ``AIOKafkaConsumer``): events make it
        busy; a poll that waited and got none makes it idle (a poll with no wait says
        nothing)."""
        if got_events:
            self._apply(consumer, self.busy)
        elif waited:
            self._apply(consumer, IDLE)

    def _apply(self, consumer: AIOKafkaConsumer, shape: FetchShape) -> None:
        if shape == self.current:
            return
        fetcher = consumer._fetcher  # private: see the module docstring
        fetcher._fetch_min_bytes = shape.min_bytes
        fetcher._fetch_max_wait_ms = shape.max_wait_ms
        self.current = shape
