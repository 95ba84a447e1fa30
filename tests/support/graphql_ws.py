"""A client's side of graphql-transport-ws: connect, be acknowledged, subscribe."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

ORDER_STATUS_CHANGED = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    orderId status } }"""


@asynccontextmanager
async def subscribed(
    url: str, token: str | None, query: str, variables: dict[str, Any]
) -> AsyncIterator[ClientConnection]:
    """A connection to ``url`` (``http://`` or ``ws://``), acknowledged for ``token``'s
    bearer (none when ``None``), with ``query`` subscribed as operation ``"1"``; its frames
    are the caller's to read."""
    ws_url = url.replace("http://", "ws://", 1)
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init: dict[str, Any] = {"type": "connection_init"}
        if token:
            init["payload"] = {"Authorization": f"Bearer {token}"}
        await ws.send(json.dumps(init))
        ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        subscribe = {"query": query, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        yield ws
