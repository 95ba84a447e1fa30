"""One pooled ``aiohttp`` session for internal calls: :meth:`AiohttpTransport.post` for the
internal client's own calls, and the same pool as an ``httpx`` transport for callers that
keep httpx's API (the in-process transport's way out to the network in ``make dev``).

httpx's own pool (httpcore) walks every pooled connection, with a readability syscall for
each idle one and a recount of the idle ones per connection, both when a request starts and
when it ends: with the hundred keep-alive connections a crowd at checkout needs, that walk
cost more CPU than the GraphQL call itself. aiohttp keeps idle connections per host and
takes one in constant time; :meth:`~AiohttpTransport.post` also skips building httpx's
request and response objects, about as much CPU again. aiohttp's failures come back as the
httpx exceptions they correspond to, so retry decisions that look at ``httpx.ConnectError``
and friends see the same thing on either path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import aiohttp
import httpx

# Idle connections are dropped well before the servers' keep-alive of 75 s
# (shopgraph/runner.py), so the caller always closes first and reuse never races a close.
KEEP_ALIVE_SECONDS: Final = 15.0
# Headers aiohttp sets itself from the body and URL; the response body is passed on
# undecoded, so asking for compression is left to whoever sets the header explicitly.
_NOT_FORWARDED: Final = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"connection", b"accept-encoding"}
)


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, max_connections: int = 100) -> None:
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use: an aiohttp session belongs to the running event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self.max_connections,
                    limit_per_host=0,
                    keepalive_timeout=KEEP_ALIVE_SECONDS,
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
            )
        return self._session

    async def post(
        self, url: str, content: bytes, headers: Mapping[str, str], timeout_seconds: float
    ) -> tuple[int, bytes]:
        """POST ``content`` to ``url``: the status and the whole body. Connecting (pool wait
        included) and each read may take ``timeout_seconds``; failures raise httpx's
        exceptions (:func:`as_httpx_error`)."""
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeout_seconds,
            sock_connect=timeout_seconds,
            sock_read=timeout_seconds,
        )
        try:
            async with self._client().post(
                url, data=content, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise as_httpx_error(exc) from exc

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower() not in _NOT_FORWARDED
        ]
        body = await request.aread()
        try:
            async with self._client().request(
                request.method,
                str(request.url),
                data=body or None,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            ) as response:
                content = await response.read()
                return httpx.Response(
                    response.status,
                    headers=list(response.raw_headers),
                    content=content,
                    request=request,
                )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise as_httpx_error(exc, request) from exc

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def as_httpx_error(
    exc: BaseException, request: httpx.Request | None = None
) -> httpx.TransportError:
    """The httpx exception for an aiohttp failure; its message is never empty."""
    detail = str(exc).strip()
    message = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError  # never reached the server: nothing was sent
    elif isinstance(exc, aiohttp.ServerTimeoutError | TimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        kind = httpx.ReadError
    else:
        kind = httpx.TransportError
    return kind(message, request=request)
