"""Slow clients are cut off: unfinished headers and slow bodies do not hold a connection.

The router is served by uvicorn as in production (``shopgraph.runner``); each test talks to
it over a raw socket, trickling bytes one at a time, and asserts that the server ended the
connection before the client ever finished its request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from router.plugins.hot_reload import GatewayHolder
from router.server import ServerConfig, create_router_app
from shopgraph.runner import Served, run_together
from tests.support.platform import free_port
from tests.unit.router.test_server_http import FakeGateway

DEADLINE_SECONDS = 0.5
TRICKLE_PAUSE_SECONDS = 0.1
# Far more bytes than fit in the deadline at one per pause: finishing them is a failure.
TRICKLED_BYTES = 400


@pytest.fixture
async def router_port() -> AsyncIterator[int]:
    port = free_port()
    app = create_router_app(
        GatewayHolder(FakeGateway()), ServerConfig(body_timeout_seconds=DEADLINE_SECONDS)
    )
    ready, stop = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(
        run_together(
            [Served("router", app, "127.0.0.1", port)],
            ready=ready,
            stop=stop,
            handle_signals=False,
            header_timeout_seconds=DEADLINE_SECONDS,
        )
    )
    await ready.wait()
    yield port
    stop.set()
    await serving


async def trickle(writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> bytes | None:
    """Send one byte per pause; what the server answered when it ended the connection, or
    None when every byte was sent and the connection is still open."""
    for _ in range(TRICKLED_BYTES):
        try:
            writer.write(b"a")
            await writer.drain()
            # the pause doubles as a read: an answer or the end of the connection stops us
            answer = await asyncio.wait_for(reader.read(65536), TRICKLE_PAUSE_SECONDS)
        except TimeoutError:
            continue
        except ConnectionError:
            return b""
        try:
            return answer + await reader.read()
        except ConnectionError:
            return answer
    return None


async def test_headers_that_never_finish_are_cut_off(router_port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", router_port)
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: router\r\nX-Slow: ")
    ended = await trickle(writer, reader)
    writer.close()
    assert ended is not None, "the server kept a connection with unfinished headers open"


async def test_a_slow_body_gets_408_and_the_connection_ends(router_port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", router_port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    ended = await trickle(writer, reader)
    writer.close()
    assert ended is not None, "the server waited for the slow body"
    assert ended.startswith(b"HTTP/1.1 408"), ended[:200]
    assert b"REQUEST_TIMEOUT" in ended


async def test_a_prompt_request_is_served(router_port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", router_port)
    body = b'{"query": "{ hello }"}'
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"data":{"hello":"world"}}')
