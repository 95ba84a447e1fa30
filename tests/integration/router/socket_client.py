"""A graphql-transport-ws client for the router's integration tests: one connection, one
operation, the messages it gets back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

PROTOCOL = "graphql-transport-ws"


async def over_socket(
    url: str,
    payload: dict[str, Any],
    *,
    authorization: str | None = None,
    messages: int | None = None,
) -> list[dict[str, Any]]:
    """Subscribes with ``payload`` after ``connection_init`` (with ``authorization``, if any);
    returns the operation's messages up to its ``complete`` or ``error``, or the first
    ``messages`` of them."""
    ws_url = url.replace("http://", "ws://", 1)
    init = {"Authorization": authorization} if authorization else {}
    received: list[dict[str, Any]] = []
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30)) == {"type": "connection_ack"}
        await ws.send(json.dumps({"id": "op", "type": "subscribe", "payload": payload}))
        while messages is None or len(received) < messages:
            message = json.loads(await asyncio.wait_for(ws.recv(), 30))
            received.append(message)
            if message["type"] in ("complete", "error"):
                break
    return received
