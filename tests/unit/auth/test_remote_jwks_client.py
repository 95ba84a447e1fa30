"""A service fetching the users service's JWKS over the network: each refresh (minutes
apart) gets the keys, and no connection is left open between refreshes."""

from __future__ import annotations

import asyncio
import json

from shopgraph.auth.keys import SigningKey, jwks_document
from shopgraph.auth.verify import RemoteJWKS


async def test_refreshes_fetch_the_keys_and_leave_no_connection_open(
    signing_key: SigningKey,
) -> None:
    body = json.dumps(jwks_document([signing_key])).encode()
    requests: list[bytes] = []
    closed_by_caller: list[bool] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                requests.append(await reader.readuntil(b"\r\n\r\n"))
            except asyncio.IncompleteReadError:
                closed_by_caller.append(True)  # the caller hung up: nothing kept open
                writer.close()
                return
            head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            writer.write(head + b"content-length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    now = [0.0]
    source = RemoteJWKS(
        f"http://127.0.0.1:{port}/.well-known/jwks.json", ttl_seconds=300, clock=lambda: now[0]
    )
    try:
        assert await source.get(signing_key.kid) is not None
        now[0] += 301  # stale: the next look-up refreshes
        assert await source.get(signing_key.kid) is not None
        for _ in range(100):  # let the server see the second hang-up
            if len(closed_by_caller) == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        server.close()
        await server.wait_closed()
    assert source.fetch_count == 2
    assert len(requests) == 2
    assert closed_by_caller == [True, True]
