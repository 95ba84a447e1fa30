"""A subgraph connection reset mid-request (a keep-alive connection the server closed as it
was reused): a query is sent once more on a fresh connection, a mutation is not, and the
error names what happened instead of ``cannot reach orders: `` with nothing after it."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from router.executor_transport import HttpTransport, SubgraphRequestError

ANSWER = b'{"data":{"ok":true}}'


@dataclass
class ResettingSubgraph:
    """A real TCP server that resets the first ``resets`` requests, then answers."""

    url: str
    resets: int
    requests: int = 0


@pytest.fixture
async def subgraph() -> AsyncIterator[ResettingSubgraph]:
    state = ResettingSubgraph(url="", resets=1)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        state.requests += 1
        if state.requests <= state.resets:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()  # RST: the client sees ReadError('')
            return
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        writer.write(head + b"content-length: %d\r\n\r\n" % len(ANSWER) + ANSWER)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    try:
        yield state
    finally:
        server.close()
        await server.wait_closed()


async def test_a_reset_query_is_sent_again(subgraph: ResettingSubgraph) -> None:
    transport = HttpTransport(dedupe=False)
    try:
        answer = await transport.send("orders", subgraph.url, {"query": "{ ok }"}, {})
    finally:
        await transport.close()
    assert answer == {"data": {"ok": True}}
    assert subgraph.requests == 2


async def test_a_reset_mutation_is_not_repeated_and_says_why(
    subgraph: ResettingSubgraph,
) -> None:
    transport = HttpTransport()
    try:
        with pytest.raises(SubgraphRequestError) as failed:
            await transport.send("orders", subgraph.url, {"query": "mutation { ok }"}, {})
    finally:
        await transport.close()
    assert str(failed.value) == "cannot reach orders: ReadError"
    assert subgraph.requests == 1


async def test_a_query_reset_twice_fails_with_a_message(subgraph: ResettingSubgraph) -> None:
    subgraph.resets = 2
    transport = HttpTransport()
    try:
        with pytest.raises(SubgraphRequestError) as failed:
            await transport.send("orders", subgraph.url, {"query": "{ ok }"}, {})
    finally:
        await transport.close()
    assert str(failed.value) == "cannot reach orders: ReadError"
    assert subgraph.requests == 2
