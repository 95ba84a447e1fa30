"""A query's or mutation's one result, for a client that accepts only a stream.

A client that accepts JSON (``application/json``, ``application/graphql-response+json``,
``*/*``, or no ``Accept`` at all) gets JSON. One that accepts only streams gets the result in
the stream format it asked for:

* ``text/event-stream``: GraphQL over SSE, distinct-connections mode: one ``next`` event with
  the result, then ``complete``;
* ``multipart/mixed;subscriptionSpec="1.0"``: one part ``{"payload": result}`` (Apollo's
  multipart subscription protocol);
* any other ``multipart/mixed`` (``deferSpec=20220824``, or none): one part, the result with
  ``hasNext: false`` (the incremental delivery format, :mod:`router.incremental_http`).

``@defer``/``@stream`` operations are decided before this (:mod:`router.plugins.incremental`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal

from starlette.responses import Response, StreamingResponse

from router.http_subscriptions import (
    LAST_BOUNDARY,
    MULTIPART_MEDIA_TYPE,
    SSE_COMPLETE,
    SSE_MEDIA_TYPE,
    sse_next,
    subscription_part,
)
from router.incremental_http import multipart_response

ResultFormat = Literal["json", "sse", "multipart", "multipart-subscription"]

_JSON_RANGES = {"application/json", "application/graphql-response+json", "application/*", "*/*"}


def result_format(accept: str) -> ResultFormat:
    """How to send a single result to a client with this ``Accept``."""
    ranges = [_media_range(item) for item in accept.split(",") if item.strip()]
    accepted = [(media, names) for media, names, quality in ranges if quality > 0]
    if not accepted or any(media in _JSON_RANGES for media, _ in accepted):
        return "json"
    for media, names in accepted:  # the first stream format listed wins
        if media == SSE_MEDIA_TYPE:
            return "sse"
        if media == "multipart/mixed":
            return "multipart-subscription" if "subscriptionspec" in names else "multipart"
    return "json"  # nothing we speak: JSON, as before content negotiation


def result_stream(result: dict[str, Any], kind: ResultFormat) -> Response:
    """``result`` as a stream of one result in ``kind`` (not ``"json"``)."""
    if kind == "sse":
        return StreamingResponse(
            _chunks(sse_next(result), SSE_COMPLETE),
            media_type=SSE_MEDIA_TYPE,
            headers={"cache-control": "no-cache"},
        )
    if kind == "multipart-subscription":
        return StreamingResponse(
            _chunks(subscription_part({"payload": result}), LAST_BOUNDARY),
            headers={"content-type": MULTIPART_MEDIA_TYPE, "cache-control": "no-cache"},
        )
    if kind == "multipart":
        return multipart_response({**result, "hasNext": False}, _nothing())
    raise ValueError(f"not a stream format: {kind}")


def _media_range(item: str) -> tuple[str, set[str], float]:
    media, *params = (part.strip() for part in item.split(";"))
    names: set[str] = set()
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        name = name.strip().lower()
        names.add(name)
        if name == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                quality = 0.0
    return media.lower(), names, quality


async def _chunks(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _nothing() -> AsyncIterator[dict[str, Any]]:
    nothing: tuple[dict[str, Any], ...] = ()
    for payload in nothing:
        yield payload
