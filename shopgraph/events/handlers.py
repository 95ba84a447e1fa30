"""Handler registry: which coroutine handles which event type on which topic."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shopgraph.events.envelope import Event

Handler = Callable[[Event], Awaitable[None]]


class HandlerRegistry:
    """Maps ``(topic, event type)`` to one handler.

    ::

        handlers = HandlerRegistry()

        @handlers.on("orders", "OrderCreated")
        async def charge(event: Event) -> None: ...
    """

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}

    def register(self, topic: str, event_type: str, handler: Handler) -> None:
        key = (topic, event_type)
        if key in self._handlers:
            raise ValueError(f"a handler for {event_type!r} on {topic!r} is already registered")
        self._handlers[key] = handler

    def on(self, topic: str, event_type: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.register(topic, event_type, handler)
            return handler

        return decorate

    def lookup(self, topic: str, event_type: str) -> Handler | None:
        return self._handlers.get((topic, event_type))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(topic for topic, _ in self._handlers))

    def __len__(self) -> int:
        return len(self._handlers)
