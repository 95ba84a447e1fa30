"""In-process event bus: the embedded adapter of the bus port (``memory://``).

It keeps Kafka's semantics so code and tests behave the same on both columns:

* a topic has a few partitions; an event goes to ``crc32(aggregate_id) % partitions``, so one
  aggregate's events keep their order;
* each consumer group has committed offsets per partition and sees every event once;
  members of a group share the partitions (partition ``p`` of a topic goes to the
  ``p % n``-th subscribed member, in join order, recomputed when members join or leave);
* a member's position starts at the group's committed offset; whatever it received but did
  not commit before it stopped (or its task was cancelled) is delivered again to the member
  that takes the partition over, i.e. at-least-once.

Buses are shared process-wide by URL: every service of ``make dev`` that opens
``memory://`` gets the same bus; ``memory://<name>`` is a separate, isolated bus (tests).
Nothing survives the process: the embedded column is for development, not durability.
"""

from __future__ import annotations

import asyncio
import itertools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from shopgraph.events.bus import DEFAULT_PARTITIONS, Delivery
from shopgraph.events.envelope import Event

TopicPartition = tuple[str, int]
_Record = tuple[bytes | None, bytes]

_BUSES: dict[str, InMemoryBus] = {}


def memory_bus(url: str = "memory://") -> InMemoryBus:
    """The process-wide bus for ``url`` (created on first use)."""
    name = url.removeprefix("memory://").strip("/")
    bus = _BUSES.get(name)
    if bus is None:
        bus = _BUSES[name] = InMemoryBus(name)
    return bus


@dataclass
class _Group:
    members: list[InMemoryConsumer] = field(default_factory=list)
    committed: dict[TopicPartition, int] = field(default_factory=dict)


class InMemoryBus:
    """Topics, partitions and consumer groups held in this process's memory."""

    def __init__(self, name: str = "", partitions: int = DEFAULT_PARTITIONS) -> None:
        self.name = name
        self.partitions = partitions
        self._topics: dict[str, list[list[_Record]]] = {}
        self._groups: dict[str, _Group] = {}
        self._waiters: set[asyncio.Future[None]] = set()
        self._member_ids = itertools.count(1)

    # -- port -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Nothing to connect; the bus lives as long as the process."""

    async def stop(self) -> None:
        """Other services of the process may still use the shared bus: keep its state."""

    async def publish(self, topic: str, event: Event) -> None:
        self._append(topic, event.key, event.to_bytes())

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        for topic, event in messages:
            self._append(topic, event.key, event.to_bytes())

    async def publish_raw(self, topic: str, key: bytes | None, value: bytes) -> None:
        self._append(topic, key, value)

    def consumer(
        self, topics: Sequence[str], group: str, *, linger_seconds: float = 0.0
    ) -> InMemoryConsumer:
        return InMemoryConsumer(self, tuple(topics), group, next(self._member_ids))

    # -- extras (tests, tooling) ------------------------------------------------------------

    def _append(self, topic: str, key: bytes | None, value: bytes) -> None:
        partitions = self._topic(topic)
        index = zlib.crc32(key or b"") % len(partitions)
        partitions[index].append((key, value))
        self._notify()

    async def end_offsets(self, topic: str) -> dict[int, int]:
        return self._end_offsets(topic)

    def _end_offsets(self, topic: str) -> dict[int, int]:
        return {p: len(records) for p, records in enumerate(self._topic(topic))}

    def committed(self, group: str, topic: str) -> dict[int, int]:
        state = self._groups.get(group, _Group())
        return {p: state.committed.get((topic, p), 0) for p in range(len(self._topic(topic)))}

    def lag(self, group: str, topic: str) -> int:
        """Events of ``topic`` the group has not committed yet."""
        committed = self.committed(group, topic)
        return sum(end - committed[p] for p, end in self._end_offsets(topic).items())

    # -- internals used by InMemoryConsumer -------------------------------------------------

    def _topic(self, topic: str) -> list[list[_Record]]:
        partitions = self._topics.get(topic)
        if partitions is None:
            partitions = self._topics[topic] = [[] for _ in range(self.partitions)]
        return partitions

    def _group(self, group: str) -> _Group:
        state = self._groups.get(group)
        if state is None:
            state = self._groups[group] = _Group()
        return state

    def _join(self, member: InMemoryConsumer) -> None:
        for topic in member.topics:
            self._topic(topic)
        self._group(member.group).members.append(member)
        self._rebalance(member.group)

    def _leave(self, member: InMemoryConsumer) -> None:
        state = self._group(member.group)
        if member in state.members:
            state.members.remove(member)
            self._rebalance(member.group)

    def _rebalance(self, group: str) -> None:
        state = self._group(group)
        wanted: dict[int, set[TopicPartition]] = {m.member_id: set() for m in state.members}
        for topic in sorted({t for m in state.members for t in m.topics}):
            subscribers = [m for m in state.members if topic in m.topics]
            for partition in range(len(self._topic(topic))):
                owner = subscribers[partition % len(subscribers)]
                wanted[owner.member_id].add((topic, partition))
        for member in state.members:
            member._assign(wanted[member.member_id], state.committed)
        self._notify()

    def _fetch(self, tp: TopicPartition, start: int, limit: int) -> list[_Record]:
        return self._topic(tp[0])[tp[1]][start : start + limit]

    def _commit(self, group: str, offsets: dict[TopicPartition, int]) -> None:
        committed = self._group(group).committed
        for tp, offset in offsets.items():
            committed[tp] = max(committed.get(tp, 0), offset)

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _wait(self, seconds: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


class InMemoryConsumer:
    """One member of a consumer group on an :class:`InMemoryBus`."""

    def __init__(self, bus: InMemoryBus, topics: tuple[str, ...], group: str, member_id: int):
        self.bus = bus
        self.topics = topics
        self.group = group
        self.member_id = member_id
        self._positions: dict[TopicPartition, int] = {}
        self._active = False
        self._turn = 0  # rotates the partition read first, so none starves

    @property
    def assignment(self) -> frozenset[TopicPartition]:
        return frozenset(self._positions)

    def _assign(
        self, partitions: set[TopicPartition], committed: dict[TopicPartition, int]
    ) -> None:
        # Partitions the member keeps keep its position; new ones start at the committed offset.
        self._positions = {
            tp: self._positions.get(tp, committed.get(tp, 0)) for tp in sorted(partitions)
        }

    async def start(self) -> None:
        if not self._active:
            self._active = True
            self.bus._join(self)

    def high_watermarks(self) -> dict[tuple[str, int], int]:
        return {(topic, p): self.bus._end_offsets(topic)[p] for topic, p in self.assignment}

    async def stop(self) -> None:
        if self._active:
            self._active = False
            self._positions = {}
            self.bus._leave(self)

    async def getmany(self, timeout: float, max_records: int) -> list[Delivery]:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._active:
            batch = self._take(max_records)
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            await self.bus._wait(remaining)
        return []

    def _take(self, max_records: int) -> list[Delivery]:
        batch: list[Delivery] = []
        order = list(self._positions.items())
        if order:
            self._turn = (self._turn + 1) % len(order)
            order = order[self._turn :] + order[: self._turn]
        for tp, position in order:
            room = max_records - len(batch)
            if room <= 0:
                break
            records = self.bus._fetch(tp, position, room)
            for i, (key, raw) in enumerate(records):
                batch.append(Delivery.parse(tp[0], tp[1], position + i, key, raw))
            self._positions[tp] = position + len(records)
        return batch

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        offsets: dict[TopicPartition, int] = {}
        for d in deliveries:
            tp = (d.topic, d.partition)
            offsets[tp] = max(offsets.get(tp, 0), d.offset + 1)
        self.bus._commit(self.group, offsets)
