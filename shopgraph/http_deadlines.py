"""Connections that send their request headers too slowly are closed.

uvicorn arms its keep-alive timer only after a response, and any byte received disarms it, so
a client that opens a connection and trickles (or never finishes) its headers holds a socket
and a file descriptor for as long as it likes. :func:`header_deadline_protocol` is uvicorn's
httptools protocol with a deadline from the first byte of a request (or from the connection,
for the first one) to the end of its headers. Slow bodies are the application's to time out
(the router reads its body under a deadline).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shopgraph.logging import get_logger

log = get_logger(__name__)

DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
MAX_INCOMPLETE_EVENT_BYTES = 16 * 1024  # h11's limit on a request line plus headers


def header_deadline_protocol(timeout_seconds: float) -> type[HttpToolsProtocol]:
    """The protocol class for ``uvicorn.Config(http=...)``."""

    class HeaderDeadlineProtocol(HttpToolsProtocol):
        _header_deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_deadline = self.loop.call_later(timeout_seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_deadline is not None:
                self._header_deadline.cancel()
                self._header_deadline = None

        def _too_slow(self) -> None:
            self._header_deadline = None
            if not self.transport.is_closing():
                log.info("slow_headers_closed", client=_client(self.client))
                self.transport.close()

    return HeaderDeadlineProtocol


def _client(address: Any) -> str:
    return f"{address[0]}:{address[1]}" if address else "unknown"
