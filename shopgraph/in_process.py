"""Internal calls to a subgraph this same process serves, without the network.

In ``make dev`` every subgraph runs in one process (bootstrap/dev.py), yet each internal
call went out through a client socket, into uvicorn's parser and back: for a checkout that
was most of the process's CPU. Once the servers are up, dev registers each app under the
URL callers use (:func:`serve_in_process`), and :class:`InProcessTransport` hands a request
for that origin to the ASGI app directly. Everything else goes over the network as before.
The router's subgraph transport in make dev does the same through :func:`app_serving` and
:func:`answer_in_process` (bootstrap/router_in_process.py).

The app runs in a task of its own, as it would behind a server: context variables it sets
(log context, request deadline) do not leak back into the caller, a caller that times out
or is cancelled leaves it running to completion, and a timeout is a ``httpx.ReadTimeout``
like any other, so the internal client's retries behave the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Final

import httpx
from starlette.types import ASGIApp, Message

_APPS: dict[tuple[bytes, bytes, int | None], ASGIApp] = {}
_INTERNAL_ERROR: Final = b'{"errors":[{"message":"Internal server error"}]}'


def _origin(url: httpx.URL) -> tuple[bytes, bytes, int | None]:
    return url.raw_scheme, url.raw_host, url.port


def serve_in_process(url: str, app: ASGIApp) -> None:
    """Requests for ``url``'s origin go to ``app`` from now on (it must be started)."""
    _APPS[_origin(httpx.URL(url))] = app


def serves(url: str) -> bool:
    """Whether requests for ``url``'s origin go to an app in this process."""
    return bool(_APPS) and _origin(httpx.URL(url)) in _APPS


def stop_serving_in_process() -> None:
    """Every origin goes over the network again."""
    _APPS.clear()


def app_serving(url: str | httpx.URL) -> ASGIApp | None:
    """The app registered for ``url``'s origin, if this process serves it."""
    return _APPS.get(_origin(httpx.URL(url)))


Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


async def answer_in_process(
    app: ASGIApp,
    method: str,
    url: httpx.URL,
    headers: Iterable[tuple[bytes, bytes]],
    body: bytes,
    seconds: float | None,
) -> Answer:
    """``app``'s status, headers and body for the request; ``TimeoutError`` after
    ``seconds`` (None: no limit), while the app, in a task of its own, still runs to completion."""
    served = asyncio.create_task(_serve(app, method, url, headers, body))
    return await asyncio.wait_for(asyncio.shield(served), seconds)


class InProcessTransport(httpx.AsyncBaseTransport):
    """Apps registered with :func:`serve_in_process` directly; others via ``network``."""

    def __init__(self, network: httpx.AsyncBaseTransport) -> None:
        self.network = network

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        app = _APPS.get(_origin(request.url))
        if app is None:
            return await self.network.handle_async_request(request)
        body = await request.aread()
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            status, headers, content = await answer_in_process(
                app, request.method, request.url, request.headers.raw, body, timeout
            )
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"no answer in process within {timeout} s", request=request
            ) from None
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        await self.network.aclose()


async def _serve(
    app: ASGIApp,
    method: str,
    url: httpx.URL,
    headers: Iterable[tuple[bytes, bytes]],
    body: bytes,
) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in headers],
        "client": ("127.0.0.1", 0),
        "server": (url.host, url.port),
    }
    answered = asyncio.Event()
    body_sent = False
    status = 500
    answer_headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, answer_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            answer_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    try:
        await app(scope, receive, send)
    except Exception:
        # A server answers 500 for an app that raised (Starlette logged it already).
        if not answered.is_set():
            return 500, [(b"content-type", b"application/json")], _INTERNAL_ERROR
    finally:
        answered.set()
    return status, answer_headers, b"".join(chunks)
