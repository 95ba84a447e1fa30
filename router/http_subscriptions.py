"""Subscriptions over HTTP, for clients that cannot open a WebSocket.

Two protocols, chosen by the request's ``Accept`` (:func:`streaming_transport`):

* GraphQL over SSE, distinct-connections mode (``Accept: text/event-stream``): one
  ``event: next`` / ``data: {...}`` per result, ``event: complete`` at the end, a comment line
  as heartbeat.
* Apollo's multipart HTTP subscriptions (``Accept: multipart/mixed;subscriptionSpec="1.0"``):
  one part ``{"payload": {...}}`` per result, ``{}`` as heartbeat, the final boundary at the
  end; an upstream failure is the part ``{"payload": null, "errors": [...]}``.

The events come from the relay every transport shares (:mod:`router.subscription_upstream`).
The server (:mod:`router.server`) has applied every gate of an HTTP operation first; when the
client goes away Starlette cancels the body, which closes the upstream subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import orjson
from starlette.responses import StreamingResponse

from router.plugins.ports import GatewayPort
from router.subscription_upstream import (
    ClientSubscription,
    SubscriptionRoot,
    UpstreamFailure,
    relay_events,
)

SSE = "sse"
MULTIPART = "multipart"
SSE_MEDIA_TYPE = "text/event-stream"
MULTIPART_MEDIA_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
DEFAULT_HEARTBEAT_SECONDS = 5.0
UPSTREAM_CLOSE_SECONDS = 5.0  # closing the subgraph's subscription after the client left

_PART = b"\r\n--graphql\r\ncontent-type: application/json\r\n\r\n"
LAST_BOUNDARY = b"\r\n--graphql--\r\n"
SSE_COMPLETE = b"event: complete\ndata:\n\n"

Finish = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class OpenStreams:
    """How many subscriptions are being streamed over HTTP right now (for the metrics)."""

    def __init__(self) -> None:
        self.count = 0


def streaming_transport(accept: str) -> str | None:
    """``"sse"`` or ``"multipart"`` when ``Accept`` asks for a subscription stream (the first
    one listed wins), else ``None``."""
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        media = media.lower()
        if media == SSE_MEDIA_TYPE:
            return SSE
        names = {param.split("=", 1)[0].strip().lower() for param in params}
        if media == "multipart/mixed" and "subscriptionspec" in names:
            return MULTIPART
    return None


def subscription_response(
    transport: str,
    gateway: GatewayPort,
    root: SubscriptionRoot,
    client: ClientSubscription,
    *,
    finish: Finish,
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
    upstream_timeout_seconds: float = 10.0,
    open_streams: OpenStreams | None = None,
) -> StreamingResponse:
    """The streaming response of one subscription in ``transport``'s format; ``finish`` turns
    each result into what the client gets (the pipeline's ``on_response``)."""
    events = relay_events(gateway, root, client, timeout_seconds=upstream_timeout_seconds)
    items = _with_heartbeats(_finished(events, finish), heartbeat_seconds)
    counted = open_streams or OpenStreams()
    if transport == SSE:
        headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        body = _counted(_sse(items), counted)
        return StreamingResponse(body, media_type=SSE_MEDIA_TYPE, headers=headers)
    return StreamingResponse(
        _counted(_multipart(items), counted),
        headers={"content-type": MULTIPART_MEDIA_TYPE, "cache-control": "no-cache"},
    )


async def _counted(body: AsyncIterator[bytes], open_streams: OpenStreams) -> AsyncIterator[bytes]:
    open_streams.count += 1
    try:
        async for chunk in body:
            yield chunk
    finally:
        open_streams.count -= 1


async def _finished(
    events: AsyncGenerator[dict[str, Any]], finish: Finish
) -> AsyncGenerator[dict[str, Any]]:
    async with contextlib.aclosing(events):
        async for result in events:
            yield await finish(result)


async def _with_heartbeats(
    events: AsyncGenerator[dict[str, Any]], interval: float
) -> AsyncGenerator[dict[str, Any] | None]:
    """The events, with ``None`` whenever ``interval`` seconds pass without one."""
    pending: asyncio.Future[dict[str, Any]] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(events))
            done, _ = await asyncio.wait({pending}, timeout=interval)
            if not done:
                yield None
                continue
            finished, pending = pending, None
            try:
                result = finished.result()
            except StopAsyncIteration:
                return
            yield result
    finally:
        # Starlette cancels the body's task group when the client goes away, and a cancelled
        # scope cancels every await in here again: shielded (and bounded), the upstream
        # subscription is really closed instead of left open at the subgraph.
        with anyio.move_on_after(UPSTREAM_CLOSE_SECONDS, shield=True):
            if pending is not None:  # the client went away while waiting: stop the upstream
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending
            await events.aclose()


def sse_next(result: dict[str, Any]) -> bytes:
    """One result as a GraphQL-over-SSE ``next`` event."""
    return b"event: next\ndata: " + orjson.dumps(result) + b"\n\n"


def subscription_part(body: dict[str, Any]) -> bytes:
    """One part of Apollo's multipart subscription protocol (``{"payload": ...}`` or ``{}``)."""
    return _PART + orjson.dumps(body)


async def _sse(items: AsyncIterator[dict[str, Any] | None]) -> AsyncIterator[bytes]:
    try:
        async for item in items:
            if item is None:
                yield b": heartbeat\n\n"
            else:
                yield sse_next(item)
    except UpstreamFailure as exc:
        yield sse_next({"errors": exc.errors})
    yield SSE_COMPLETE


async def _multipart(items: AsyncIterator[dict[str, Any] | None]) -> AsyncIterator[bytes]:
    try:
        async for item in items:
            yield subscription_part({} if item is None else {"payload": item})
    except UpstreamFailure as exc:
        yield subscription_part({"payload": None, "errors": exc.errors})
    yield LAST_BOUNDARY
