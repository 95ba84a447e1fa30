"""How long the client of the current request still waits for its answer.

A subgraph request gets a deadline when it arrives (:class:`RequestDeadlineMiddleware`):
``settings.request_deadline_seconds`` after arrival, or sooner when the caller sends
``X-Request-Deadline-Ms`` (the milliseconds it will still wait; the internal client sends
what is left of its own deadline, so a chain of calls never outlives its first caller).
Retries inside the request (:mod:`shopgraph.internal`) spend what is left of it rather than
a fixed budget: a short outage of a dependency costs the request latency, not its answer,
and no retry goes on after the client has given up.

Outside a request (workers, scripts) there is no deadline: :func:`remaining_seconds` is None.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = "x-request-deadline-ms"

_deadline: ContextVar[float | None] = ContextVar("shopgraph_request_deadline", default=None)


def remaining_seconds() -> float | None:
    """Seconds until the current request's deadline (≤ 0 once past); None outside one."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline ``seconds`` from now (None: no deadline at all, e.g.
    for cleanup that must finish after the request's client has gone)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def header_value() -> str | None:
    """``X-Request-Deadline-Ms`` for a call made on behalf of the current request."""
    remaining = remaining_seconds()
    return None if remaining is None else str(max(int(remaining * 1000), 0))


def _from_header(raw: bytes | None) -> float | None:
    if raw is None:
        return None
    try:
        millis = int(raw)
    except ValueError:
        return None  # a malformed header leaves the service's own deadline
    return max(millis, 0) / 1000


class RequestDeadlineMiddleware:
    """Sets the request's deadline for everything the request does (HTTP only)."""

    def __init__(self, app: ASGIApp, default_seconds: float) -> None:
        self.app = app
        self.default_seconds = default_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = _from_header(dict(scope["headers"]).get(HEADER.encode()))
        seconds = self.default_seconds if sent is None else min(sent, self.default_seconds)
        with within(seconds):
            await self.app(scope, receive, send)
