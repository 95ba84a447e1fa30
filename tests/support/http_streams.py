"""Clients' side of the router's streamed responses: SSE messages and multipart parts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


async def sse_messages(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """``(event, data)`` per SSE message; heartbeats (comment lines) as ``("heartbeat", "")``."""
    event, data = "", []
    async for line in response.aiter_lines():
        if line.startswith(":"):
            yield "heartbeat", ""
        elif line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif line == "" and event:
            yield event, "\n".join(data)
            event, data = "", []


async def multipart_parts(response: httpx.Response) -> AsyncIterator[dict[str, Any] | str]:
    """Each part's JSON, then ``"end"`` at the final boundary."""
    delimiter, buffer = b"\r\n--graphql", b""
    async for chunk in response.aiter_bytes():
        *complete, buffer = (buffer + chunk).split(delimiter)
        for piece in complete:
            if piece:
                headers, body = piece.split(b"\r\n\r\n", 1)
                assert b"content-type: application/json" in headers
                yield json.loads(body)
        if buffer == b"--\r\n":
            yield "end"
            return
