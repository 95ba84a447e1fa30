"""Handler registry: which coroutine handles which event type on which topic.

A handler may also have a *batch* form: a coroutine taking several events (in delivery
order, possibly of several types registered with that same batch form) and applying them
together, typically in one transaction. The consumer runtime (:mod:`workers.runtime`) hands
it consecutive events of a fetched batch that share it; when it raises, each of those events
is handled again by the one-event handler, with its retries and dead letters. So whatever a
failed batch form left applied must be absorbed like a redelivery (inbox claims, versions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from shopgraph.events.envelope import Event

Handler = Callable[[Event], Awaitable[None]]
BatchHandler = Callable[[Sequence[Event]], Awaitable[None]]


class HandlerRegistry:
    """Maps ``(topic, event type)`` to one handler.

    ::

        handlers = HandlerRegistry()

        @handlers.on("orders", "OrderCreated")
        async def charge(event: Event) -> None: ...
    """

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._batches: dict[tuple[str, str], BatchHandler] = {}

    def register(
        self, topic: str, event_type: str, handler: Handler, *, batch: BatchHandler | None = None
    ) -> None:
        """``batch``: the same effect for several events at once (see the module docstring)."""
        key = (topic, event_type)
        if key in self._handlers:
            raise ValueError(f"a handler for {event_type!r} on {topic!r} is already registered")
        self._handlers[key] = handler
        if batch is not None:
            self._batches[key] = batch

    def on(self, topic: str, event_type: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.register(topic, event_type, handler)
            return handler

        return decorate

    def lookup(self, topic: str, event_type: str) -> Handler | None:
        return self._handlers.get((topic, event_type))

    def batch_for(self, topic: str, event_type: str) -> BatchHandler | None:
        return self._batches.get((topic, event_type))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(topic for topic, _ in self._handlers))

    def __len__(self) -> int:
        return len(self._handlers)
