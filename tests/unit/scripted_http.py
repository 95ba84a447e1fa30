"""A real TCP server that answers HTTP requests by a script, for tests of how callers
survive a restarting service: ``reset`` (RST, the caller sees ``ReadError('')``), ``503``
(up but not ready), ``slow`` (alive, answers after ``SLOW_SECONDS``), then the GraphQL answer
once the script runs out."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

ANSWER = b'{"data":{"ok":true}}'
SLOW_SECONDS = 0.5


@dataclass
class ScriptedServer:
    url: str = ""
    script: list[str] = field(default_factory=list)
    requests: int = 0
    heads: list[bytes] = field(default_factory=list)  # each request's line and headers


def _respond(writer: asyncio.StreamWriter, status: bytes, body: bytes) -> None:
    head = b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\n"
    writer.write(head + b"content-length: %d\r\n\r\n" % len(body) + body)


@asynccontextmanager
async def scripted_server(*script: str) -> AsyncIterator[ScriptedServer]:
    state = ScriptedServer(script=list(script))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.heads.append(await reader.readuntil(b"\r\n\r\n"))
        step = state.script[state.requests] if state.requests < len(state.script) else "ok"
        state.requests += 1
        if step == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        if step == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        if step == "503":
            _respond(writer, b"503 Service Unavailable", b'{"status":"starting"}')
        else:
            _respond(writer, b"200 OK", ANSWER)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    try:
        yield state
    finally:
        server.close()
        await server.wait_closed()
