"""The consumer runtime: one loop that feeds a consumer group's events to its handlers.

For each delivery, in order:

* malformed bytes go to ``<topic>.dlq`` (a ``DeadLetter`` event carrying the raw bytes and
  the parse error);
* an event type with no handler on that topic is skipped (before anything else, so such
  events never split a run of events sharing a batch form, see below);
* otherwise the handler runs; if it raises, it is retried with exponential backoff up to
  ``max_attempts`` times in all, then the event goes to ``<topic>.dlq`` with the error text
  and the group moves on.

A fetched batch is handled in delivery order, cut into runs (:func:`workers.lanes.runs`):
consecutive events whose handlers share a batch form (:mod:`shopgraph.events.handlers`) go
to it together, one transaction instead of one per event (a lone event too, in the
CONSUMER span its one-event handler would have). If the batch form raises, each of
those events takes the one-event path (retries, dead letters). The other events are handled
one by one: in order with ``concurrency`` 1; with ``concurrency`` above 1, up to that many
at once, one lane per aggregate (:mod:`workers.lanes`), each aggregate's events still in
order. With ``linger_seconds``, a batch smaller than ``batch_size`` waits that long for
more events before it is handled (fewer, larger batches under load; idle it changes nothing).

Offsets are committed after the handlers' effects are committed, per partition up to the
first event not handled: after each batch, or with ``commit_interval_seconds`` at most that
often (and when idle or stopping, :mod:`workers.commits`). A crash redelivers the
uncommitted part, which handlers absorb with their inbox
(:func:`shopgraph.events.inbox.claim`).
``stop()`` is graceful: the events in flight finish, the processed offsets are committed and
the consumer leaves its group. Cancelling the task running :meth:`ConsumerRuntime.run` is
treated like a crash: nothing more is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Final

from structlog.contextvars import bound_contextvars

from shopgraph import metrics
from shopgraph.events.bus import Consumer, Delivery, EventBus, bus_from_url
from shopgraph.events.dlq import dead_letter, dlq_topic
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import BatchHandler, HandlerRegistry
from shopgraph.events.tracing import consumer_span
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from workers.commits import DeferredCommits
from workers.lag import LagGauge
from workers.lanes import Position, committable, lanes, position, runs

log = get_logger(__name__)


@dataclass
class RuntimeStats:
    handled: int = 0
    skipped: int = 0
    retries: int = 0
    dead_lettered: int = 0


class ConsumerRuntime:
    def __init__(
        self,
        bus: EventBus,
        group: str,
        topics: Sequence[str],
        handlers: HandlerRegistry,
        max_attempts: int = 5,
        *,
        backoff_seconds: float = 0.05,
        max_backoff_seconds: float = 2.0,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        concurrency: int = 1,
        linger_seconds: float = 0.0,
        commit_interval_seconds: float = 0.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.bus = bus
        self.group = group
        self.topics = tuple(dict.fromkeys([*topics, *handlers.topics]))
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.linger_seconds = linger_seconds
        self.commit_interval_seconds = commit_interval_seconds
        self.stats = RuntimeStats()
        self._lag = LagGauge(group)
        # Zero-valued series from the start, so "no retries yet" is a 0, not a missing series.
        metrics.RETRIES.labels(group)
        for topic in self.topics:
            metrics.DEAD_LETTERS.labels(group, topic)
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False

    def request_stop(self) -> None:
        """Ask the loop to stop after the current event (safe from a signal handler)."""
        self._stopping.set()

    async def stop(self) -> None:
        """Stop gracefully and wait until the consumer has committed and left its group."""
        self.request_stop()
        if self._running:
            await self._finished.wait()

    async def run_forever(self) -> None:
        """:meth:`run` with SIGTERM and SIGINT mapped to a graceful stop."""
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
                installed.append(sig)
        try:
            await self.run()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    async def run(self) -> None:
        """Consume until :meth:`stop` (or cancellation, which commits nothing more).

        A stop requested before ``run()`` makes it return at once; a runtime runs once.
        """
        if self._running:
            raise RuntimeError("this runtime is already running")
        self._running = True
        self._finished.clear()
        consumer = self.bus.consumer(self.topics, self.group, linger_seconds=self.linger_seconds)
        commits = DeferredCommits(consumer, self.commit_interval_seconds)
        try:
            await consumer.start()
            log.info("consumer_started", group=self.group, topics=list(self.topics))
            while not self._stopping.is_set():
                deliveries = await self._fetch(consumer)
                await self._process_fetched(commits, deliveries)
                await commits.commit_due(idle=not deliveries)
                self._lag.update(consumer, deliveries)
            await commits.flush()
        except Exception:
            await commits.flush()  # keep what was applied; cancelling commits nothing more
            raise
        finally:
            try:
                await consumer.stop()
            finally:
                self._running = False
                self._finished.set()
                log.info("consumer_stopped", group=self.group)

    async def _fetch(self, consumer: Consumer) -> list[Delivery]:
        deliveries = await consumer.getmany(self.poll_seconds, self.batch_size)
        if deliveries and self.linger_seconds > 0 and len(deliveries) < self.batch_size:
            await asyncio.sleep(self.linger_seconds)
            deliveries += await consumer.getmany(0, self.batch_size - len(deliveries))
        return deliveries

    async def _process_fetched(self, commits: DeferredCommits, deliveries: list[Delivery]) -> None:
        done: set[Position] = set()
        try:
            await self._handle_runs(deliveries, done)
        finally:
            # Keep what was applied; a failed event and what follows it are redelivered.
            commits.add(committable(deliveries, done))

    async def _handle_runs(self, deliveries: list[Delivery], done: set[Position]) -> None:
        """The batch in delivery order, cut into runs of events sharing a batch form; events
        without a handler are skipped first, so they do not cut a run."""
        for batch, run in runs(self._skip_unhandled(deliveries, done), self._batch_form):
            if self._stopping.is_set():
                return
            if batch is not None and await self._apply_together(batch, run):
                done.update(position(d) for d in run)
                continue
            if self.concurrency == 1:
                if not await self._handle_one_by_one(run, done):
                    return
            else:
                await self._handle_in_lanes(run, done)

    def _skip_unhandled(self, deliveries: list[Delivery], done: set[Position]) -> list[Delivery]:
        """The deliveries that need handling; the others (a type this group has no handler
        for) are counted as skipped and done, without a handler call."""
        pending: list[Delivery] = []
        for delivery in deliveries:
            event = delivery.event
            if event is None or self.handlers.lookup(delivery.topic, event.type) is not None:
                pending.append(delivery)
                continue
            self._skipped(delivery, event.type)
            done.add(position(delivery))
        return pending

    def _skipped(self, delivery: Delivery, event_type: str) -> None:
        self.stats.skipped += 1
        metrics.EVENTS_PROCESSED.labels(self.group, delivery.topic, "unhandled", "skipped").inc()
        log.debug("event_skipped", event_type=event_type, topic=delivery.topic)

    async def _handle_one_by_one(self, run: list[Delivery], done: set[Position]) -> bool:
        """False if a stop interrupted the run."""
        for delivery in run:
            if self._stopping.is_set() or not await self._process(delivery):
                return False
            done.add(position(delivery))
        return True

    def _batch_form(self, delivery: Delivery) -> BatchHandler | None:
        event = delivery.event
        return None if event is None else self.handlers.batch_for(delivery.topic, event.type)

    async def _apply_together(self, batch: BatchHandler, chunk: Sequence[Delivery]) -> bool:
        """True if ``batch`` applied every event of ``chunk``; False if it raised, and the
        events are then handled one by one.

        A run of one event goes here too: under load most fetches hold one event, and a
        batch form is the leaner path (Core statements, the claims in one statement)."""
        events = [d.event for d in chunk if d.event is not None]
        try:
            with self._traced_alone(chunk):
                await batch(events)
        except Exception as exc:
            log.warning(
                "batch_handler_failed",
                group=self.group,
                events=len(events),
                error=f"{type(exc).__name__}: {exc}",
            )
            return False
        self.stats.handled += len(events)
        for delivery, event in zip(chunk, events, strict=True):
            metrics.EVENTS_PROCESSED.labels(self.group, delivery.topic, event.type, "handled").inc()
        return True

    def _traced_alone(self, chunk: Sequence[Delivery]) -> contextlib.AbstractContextManager[Any]:
        """For one event, the context its one-event handler would run in (its trace goes
        on); a run of several has no single parent."""
        event = chunk[0].event if len(chunk) == 1 else None
        return contextlib.nullcontext() if event is None else self._traced(chunk[0].topic, event)

    def _traced(self, topic: str, event: Event) -> contextlib.ExitStack:
        """The event's ids bound to the log context, inside its CONSUMER span."""
        stack = contextlib.ExitStack()
        stack.enter_context(
            bound_contextvars(
                event_id=event.id, event_type=event.type, traceparent=event.traceparent
            )
        )
        stack.enter_context(consumer_span(self.group, topic, event))
        return stack

    async def _handle_in_lanes(self, run: list[Delivery], done: set[Position]) -> None:
        slots = asyncio.Semaphore(self.concurrency)

        async def run_lane(lane: list[Delivery]) -> None:
            for delivery in lane:
                if self._stopping.is_set():
                    return
                async with slots:
                    if not await self._process(delivery):
                        return
                done.add(position(delivery))

        outcomes = await asyncio.gather(
            *(run_lane(lane) for lane in lanes(run)), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _process(self, delivery: Delivery) -> bool:
        """Handle one delivery; False if a stop interrupted its retries (do not commit)."""
        event = delivery.event
        if event is None:
            await self._dead_letter(delivery, f"MalformedEvent: {delivery.error}", attempts=0)
            return True
        handler = self.handlers.lookup(delivery.topic, event.type)
        if handler is None:
            self._skipped(delivery, event.type)
            return True
        with self._traced(delivery.topic, event):
            for attempt in range(1, self.max_attempts + 1):
                try:
                    await handler(event)
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    log.warning(
                        "handler_failed",
                        group=self.group,
                        attempt=attempt,
                        max_attempts=self.max_attempts,
                        error=error,
                        exc_info=True,
                    )
                    if attempt == self.max_attempts:
                        await self._dead_letter(delivery, error, attempts=attempt)
                        return True
                    self.stats.retries += 1
                    metrics.RETRIES.labels(self.group).inc()
                    if await self._interrupted_after(self._backoff(attempt)):
                        return False
                else:
                    self.stats.handled += 1
                    metrics.EVENTS_PROCESSED.labels(
                        self.group, delivery.topic, event.type, "handled"
                    ).inc()
                    return True
        return True  # pragma: no cover - the loop always returns

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt - 1)))

    async def _interrupted_after(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    async def _dead_letter(self, delivery: Delivery, error: str, attempts: int) -> None:
        letter = dead_letter(delivery, self.group, error, attempts)
        await self.bus.publish(dlq_topic(delivery.topic), letter)
        self.stats.dead_lettered += 1
        metrics.DEAD_LETTERS.labels(self.group, delivery.topic).inc()
        # Only events with a handler (a type fixed by the code) or unreadable ones get here.
        event_type = delivery.event.type if delivery.event is not None else "malformed"
        metrics.EVENTS_PROCESSED.labels(
            self.group, delivery.topic, event_type, "dead_lettered"
        ).inc()
        log.error(
            "event_dead_lettered",
            group=self.group,
            topic=delivery.topic,
            partition=delivery.partition,
            offset=delivery.offset,
            dlq=dlq_topic(delivery.topic),
            error=error,
        )


# A commit per batch would cost a broker round trip (and an append to __consumer_offsets)
# per event or two under load; once a second is a fraction of that for every group, and a
# crash redelivers at most this much more, which the inboxes absorb.
COMMIT_INTERVAL_SECONDS: Final = 1.0

# For the checkout saga's groups whose events each touch one order's rows: different orders
# are handled at once (each in flight holds a database connection, hence not more).
PER_ORDER_CONCURRENCY: Final = 8

HandlerFactory = Callable[[Settings], AbstractAsyncContextManager[HandlerRegistry]]


@dataclass(frozen=True)
class WorkerGroup:
    """A consumer group: its name (the Kafka group id), its topics and its handlers.

    ``handlers(settings)`` is an async context manager yielding the group's
    :class:`HandlerRegistry`; it opens what the handlers need (databases, clients) and closes
    it when the worker stops. Services declare groups in ``subgraphs/<service>/handlers.py``
    as ``WORKER_GROUPS``; :mod:`bootstrap.registry` lists every group.
    """

    name: str
    topics: tuple[str, ...]
    handlers: HandlerFactory
    max_attempts: int | None = None  # None: settings.consumer_max_attempts
    # Events of different aggregates handled at once (see ConsumerRuntime); 1: one by one.
    concurrency: int = 1
    # How long a small batch waits for more events (see ConsumerRuntime); for groups whose
    # handlers have a batch form and are off the checkout's critical path.
    linger_seconds: float = 0.0
    # The most events one fetch hands to the handlers (a lingering group's batch form takes
    # them in one transaction).
    batch_size: int = 100
    # Offsets are committed at most this often under load (see workers.commits).
    commit_interval_seconds: float = COMMIT_INTERVAL_SECONDS

    def build(self, settings: Settings, bus: EventBus | None = None) -> WorkerRuntime:
        """A runtime for this group (nothing is opened until ``run()``)."""
        return WorkerRuntime(self, settings, bus)


class WorkerRuntime:
    """Runs one :class:`WorkerGroup`: opens the bus and handlers, consumes until ``stop()``.

    Signals are left to the caller (``shopgraph worker`` / ``make dev`` map SIGTERM and
    SIGINT to ``stop()``). A bus passed in is shared and stays open; otherwise the runtime
    opens ``settings.bus_url`` (``memory://`` buses are process-wide anyway) and closes it.
    """

    def __init__(self, group: WorkerGroup, settings: Settings, bus: EventBus | None = None):
        self.group = group
        self.settings = settings
        self._bus = bus
        self._consumer: ConsumerRuntime | None = None
        self._stop_requested = False

    @property
    def stats(self) -> RuntimeStats | None:
        return self._consumer.stats if self._consumer is not None else None

    async def run(self) -> None:
        own_bus = self._bus is None
        bus = bus_from_url(self.settings.bus_url) if self._bus is None else self._bus
        await bus.start()
        try:
            async with self.group.handlers(self.settings) as registry:
                self._consumer = ConsumerRuntime(
                    bus,
                    self.group.name,
                    self.group.topics,
                    registry,
                    max_attempts=self.group.max_attempts or self.settings.consumer_max_attempts,
                    concurrency=self.group.concurrency,
                    linger_seconds=self.group.linger_seconds,
                    batch_size=self.group.batch_size,
                    commit_interval_seconds=self.group.commit_interval_seconds,
                )
                if self._stop_requested:
                    return
                await self._consumer.run()
        finally:
            if own_bus:
                await bus.stop()

    async def stop(self) -> None:
        self._stop_requested = True
        if self._consumer is not None:
            await self._consumer.stop()
