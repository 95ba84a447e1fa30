"""Apache Kafka adapter of the bus port (``kafka://host:9092[,host:9092][?option=value]``).

Producer: ``acks="all"`` and idempotence on, so ``publish`` returns once the in-sync replicas
have the event and retries never duplicate or reorder within a partition.
Consumer: ``enable_auto_commit=False``, ``auto_offset_reset="earliest"``; the runtime commits
exactly the offsets whose effects are committed. Its fetches wait at the broker in the group's
shape while events flow and long while none do (:mod:`shopgraph.events.kafka_fetch`).
Topics are created on first use through the admin client with ``partitions`` partitions
(default 3), so keyed order holds and a group can spread over a few members.

URL options: ``partitions``, ``replication_factor`` and the consumer timeouts
``session_timeout_ms``, ``heartbeat_interval_ms``, ``max_poll_interval_ms``.

A client that cannot reach the broker when it starts (a broker restarting, or not up yet)
tries again for up to ``CONNECT_SECONDS`` before the error reaches the caller: a worker or a
service started during a broker restart waits for it instead of exiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qsl, urlsplit

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaConnectionError

from shopgraph.events.bus import DEFAULT_PARTITIONS, Delivery
from shopgraph.events.envelope import Event
from shopgraph.events.kafka_fetch import FetchPacing, busy_shape
from shopgraph.logging import get_logger

log = get_logger(__name__)

_TOPIC_ALREADY_EXISTS = 36
_CONSUMER_OPTIONS = {"session_timeout_ms", "heartbeat_interval_ms", "max_poll_interval_ms"}
CONNECT_SECONDS = 60.0


class _Client(Protocol):
    async def start(self) -> None: ...


C = TypeVar("C", bound=_Client)


async def _started(
    make: Callable[[], C],
    discard: Callable[[C], Awaitable[None]],
    what: str,
    within: float = CONNECT_SECONDS,
) -> C:
    """A new client from ``make``, started once the broker answers within ``within`` seconds
    (a fresh client per try: a client whose start failed is not started again)."""
    give_up_at = time.monotonic() + within
    pause = 0.2
    while True:
        client = make()
        try:
            await client.start()
            return client
        except KafkaConnectionError as exc:
            with contextlib.suppress(Exception):
                await discard(client)
            if time.monotonic() + pause > give_up_at:
                raise
            log.warning("kafka_unreachable_retrying", client=what, error=str(exc))
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


class KafkaBus:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        partitions: int = DEFAULT_PARTITIONS,
        replication_factor: int = 1,
        client_id: str = "shopgraph",
        consumer_options: dict[str, Any] | None = None,
        namespace: str = "",
        connect_seconds: float = CONNECT_SECONDS,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        # How long start-up waits for an unreachable broker (``?connect_seconds=``).
        self.connect_seconds = connect_seconds
        # Prefixes every topic and group id on the broker (``kafka://h:p?namespace=x``), so
        # several platforms (parallel test runs, staging beside dev) can share one cluster.
        self.namespace = namespace
        self.partitions = partitions
        self.replication_factor = replication_factor
        self.client_id = client_id
        self.consumer_options = dict(consumer_options or {})
        self._producer: AIOKafkaProducer | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._known_topics: set[str] = set()
        self._lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> KafkaBus:
        parts = urlsplit(url)
        if parts.scheme != "kafka" or not parts.netloc:
            raise ValueError(f"invalid Kafka URL {url!r}: expected kafka://host:port")
        options = dict(parse_qsl(parts.query))
        unknown = (
            set(options)
            - _CONSUMER_OPTIONS
            - {"partitions", "replication_factor", "namespace", "connect_seconds"}
        )
        if unknown:
            raise ValueError(f"unknown Kafka URL options: {', '.join(sorted(unknown))}")
        return cls(
            parts.netloc,
            partitions=int(options.pop("partitions", DEFAULT_PARTITIONS)),
            replication_factor=int(options.pop("replication_factor", 1)),
            namespace=options.pop("namespace", ""),
            connect_seconds=float(options.pop("connect_seconds", CONNECT_SECONDS)),
            consumer_options={k: int(v) for k, v in options.items()},
        )

    def physical(self, name: str) -> str:
        """The broker-side name of a topic or group."""
        return f"{self.namespace}.{name}" if self.namespace else name

    def logical(self, topic: str) -> str:
        return topic.removeprefix(f"{self.namespace}.") if self.namespace else topic

    async def start(self) -> None:
        async with self._lock:
            if self._producer is not None:
                return
            producer = await _started(
                lambda: AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap_servers,
                    client_id=self.client_id,
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=2,
                ),
                AIOKafkaProducer.stop,
                "producer",
                self.connect_seconds,
            )
            try:
                admin = await _started(
                    lambda: AIOKafkaAdminClient(
                        bootstrap_servers=self.bootstrap_servers,
                        client_id=f"{self.client_id}-admin",
                    ),
                    AIOKafkaAdminClient.close,
                    "admin",
                    self.connect_seconds,
                )
            except BaseException:
                await producer.stop()
                raise
            self._producer, self._admin = producer, admin

    async def stop(self) -> None:
        async with self._lock:
            producer, admin = self._producer, self._admin
            self._producer = self._admin = None
            if producer is not None:
                await producer.stop()
            if admin is not None:
                await admin.close()

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create missing topics with ``partitions`` partitions (existing ones are kept)."""
        missing = [t for t in dict.fromkeys(topics) if t not in self._known_topics]
        if not missing:
            return
        await self.start()
        assert self._admin is not None
        new = [
            NewTopic(self.physical(t), self.partitions, self.replication_factor) for t in missing
        ]
        response = await self._admin.create_topics(new)
        for topic, code, *rest in response.topic_errors:
            if code not in (0, _TOPIC_ALREADY_EXISTS):
                message = rest[0] if rest else ""
                raise RuntimeError(f"cannot create Kafka topic {topic!r}: error {code} {message}")
        self._known_topics.update(missing)

    async def publish(self, topic: str, event: Event) -> None:
        await self.publish_raw(topic, event.key, event.to_bytes())

    async def publish_many(self, messages: Sequence[tuple[str, Event]]) -> None:
        if not messages:
            return
        producer = await self._ready_producer([topic for topic, _ in messages])
        # Sends are queued in order (per-partition order holds with idempotence), then awaited.
        acks = [
            await producer.send(
                self.physical(topic),
                value=event.to_bytes(),
                key=event.key,
                headers=_trace_headers(event),
            )
            for topic, event in messages
        ]
        await asyncio.gather(*acks)

    async def publish_raw(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Publish bytes as they are (no envelope): tooling and tests of malformed input."""
        producer = await self._ready_producer([topic])
        await producer.send_and_wait(self.physical(topic), value=value, key=key)

    def consumer(
        self, topics: Sequence[str], group: str, *, linger_seconds: float = 0.0
    ) -> KafkaConsumer:
        return KafkaConsumer(self, tuple(topics), group, linger_seconds)

    async def end_offsets(self, topic: str) -> dict[int, int]:
        """The high watermark of each partition, read by a short-lived group-less client."""
        await self.ensure_topics([topic])
        assert self._admin is not None
        physical = self.physical(topic)
        described = await self._admin.describe_topics([physical])
        partitions = [
            TopicPartition(physical, int(p["partition"]))
            for found in described
            if found["topic"] == physical
            for p in found["partitions"]
        ]
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-offsets",
            enable_auto_commit=False,
        )
        await reader.start()
        try:
            ends = await reader.end_offsets(partitions)
        finally:
            await reader.stop()
        return {tp.partition: int(offset) for tp, offset in ends.items()}

    async def _ready_producer(self, topics: Sequence[str]) -> AIOKafkaProducer:
        await self.start()
        await self.ensure_topics(topics)
        assert self._producer is not None
        return self._producer


def _trace_headers(event: Event) -> list[tuple[str, bytes]] | None:
    """The envelope's ``traceparent`` as a Kafka header too, for tools that read headers."""
    return [("traceparent", event.traceparent.encode())] if event.traceparent else None


class KafkaConsumer:
    """One member of a Kafka consumer group with manual offset commits."""

    def __init__(
        self, bus: KafkaBus, topics: tuple[str, ...], group: str, linger_seconds: float = 0.0
    ) -> None:
        self.bus = bus
        self.topics = topics
        self.group = group
        self._pacing = FetchPacing(busy_shape(linger_seconds))
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        if self._consumer is not None:
            return
        await self.bus.ensure_topics(self.topics)
        self._consumer = await _started(
            lambda: AIOKafkaConsumer(
                *(self.bus.physical(topic) for topic in self.topics),
                bootstrap_servers=self.bus.bootstrap_servers,
                client_id=f"{self.bus.client_id}-{self.group}",
                group_id=self.bus.physical(self.group),
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_min_bytes=self._pacing.busy.min_bytes,
                fetch_max_wait_ms=self._pacing.busy.max_wait_ms,
                **self.bus.consumer_options,
            ),
            AIOKafkaConsumer.stop,
            f"consumer {self.group}",
            self.bus.connect_seconds,
        )

    async def stop(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()

    async def getmany(self, timeout: float, max_records: int) -> list[Delivery]:  # noqa: ASYNC109
        if self._consumer is None:
            raise RuntimeError("consumer is not started")
        batches = await self._consumer.getmany(
            timeout_ms=int(timeout * 1000), max_records=max_records
        )
        self._pacing.after_poll(self._consumer, waited=timeout > 0, got_events=bool(batches))
        return [
            Delivery.parse(
                self.bus.logical(tp.topic), tp.partition, r.offset, r.key, r.value or b""
            )
            for tp, records in batches.items()
            for r in records
        ]

    def high_watermarks(self) -> dict[tuple[str, int], int]:
        if self._consumer is None:
            return {}
        marks: dict[tuple[str, int], int] = {}
        for tp in self._consumer.assignment():
            end = self._consumer.highwater(tp)  # from the last fetch response
            if end is not None:
                marks[(self.bus.logical(tp.topic), tp.partition)] = int(end)
        return marks

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self._consumer is None or not deliveries:
            return
        offsets: dict[TopicPartition, int] = {}
        for d in deliveries:
            tp = TopicPartition(self.bus.physical(d.topic), d.partition)
            offsets[tp] = max(offsets.get(tp, 0), d.offset + 1)
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The partitions moved to another member during a rebalance: it resumes from the
            # last committed offset, and the inbox absorbs what is delivered twice.
            log.warning("offset_commit_skipped", group=self.group, error=str(exc))
