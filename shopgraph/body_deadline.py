"""A request body must arrive within a deadline, or the request is answered 408.

A client that sends its headers and then its body a byte at a time would otherwise hold the
connection, and the task waiting for the body, for as long as it likes. The body is read
before the application runs (GraphQL needs all of it anyway) and handed over unchanged; a
client that disconnects meanwhile is logged as a disconnect (INFO), not as an error.
"""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.logging import get_logger

log = get_logger(__name__)

DEFAULT_BODY_TIMEOUT_SECONDS = 30.0


class BodyDeadline:
    def __init__(self, app: ASGIApp, timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS) -> None:
        self.app = app
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        try:
            async with asyncio.timeout(self.timeout_seconds):
                while True:
                    message = await receive()
                    received.append(message)
                    if message["type"] != "http.request" or not message.get("more_body"):
                        break
        except TimeoutError:
            body = {
                "errors": [
                    {
                        "message": f"Request body not received within {self.timeout_seconds:g}s",
                        "extensions": {"code": "REQUEST_TIMEOUT"},
                    }
                ]
            }
            await JSONResponse(body, 408, headers={"connection": "close"})(scope, receive, send)
            return
        if received[-1]["type"] == "http.disconnect":  # gone before the body arrived
            log.info("client_disconnected", path=scope.get("path"))
            return
        pending = iter(received)

        async def replay() -> Message:
            return next(pending, None) or await receive()

        await self.app(scope, replay, send)
