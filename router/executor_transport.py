"""HTTP transport to subgraphs: one pooled aiohttp session per subgraph (aiohttp's client
costs a fraction of httpx's per request, which matters at several subgraph requests per
client request), orjson bodies, per-subgraph timeouts, no cookie jar (subgraph cookies must
never be shared between clients) and an optional switch that merges identical in-flight
requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import orjson

from router.plugins.observability import record_fetch
from shopgraph.tracing import outgoing_request_span


class SubgraphRequestError(Exception):
    def __init__(self, service: str, message: str, code: str = "SUBREQUEST_HTTP_ERROR") -> None:
        super().__init__(message)
        self.service = service
        self.code = code


class Transport(Protocol):
    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]: ...

    async def close(self) -> None: ...


class HttpTransport:
    """Posts GraphQL requests to subgraphs; ``dedupe`` shares identical in-flight queries."""

    def __init__(
        self,
        *,
        timeout_seconds: float | Mapping[str, float] = 30.0,
        dedupe: bool = True,
        max_connections: int = 100,
    ) -> None:
        self._timeouts = timeout_seconds
        self._dedupe = dedupe
        self._clients: dict[str, aiohttp.ClientSession] = {}
        self._max_connections = max_connections
        self._inflight: dict[bytes, asyncio.Future[dict[str, Any]]] = {}
        self.requests_sent = 0

    def timeout_for(self, service: str) -> float:
        if isinstance(self._timeouts, Mapping):
            return float(self._timeouts.get(service, self._timeouts.get("*", 30.0)))
        return float(self._timeouts)

    def _client(self, service: str) -> aiohttp.ClientSession:
        client = self._clients.get(service)
        if client is None:
            client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0),
                timeout=aiohttp.ClientTimeout(total=self.timeout_for(service)),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._clients[service] = client
        return client

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        payload = orjson.dumps(body)
        is_mutation = str(body.get("query", "")).lstrip().startswith("mutation")
        if not self._dedupe or is_mutation:
            return await self._post(service, url, payload, headers, idempotent=not is_mutation)
        # x-request-id differs per client request: identical fetches share one call anyway.
        shared = sorted((k, v) for k, v in headers.items() if k.lower() != "x-request-id")
        key = orjson.dumps([service, url, shared]) + payload
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._post(service, url, payload, headers, idempotent=True)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved when nobody else waits
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._inflight.pop(key, None)

    async def _post(
        self,
        service: str,
        url: str,
        payload: bytes,
        headers: Mapping[str, str],
        *,
        idempotent: bool,
    ) -> dict[str, Any]:
        self.requests_sent += 1
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        }
        started = time.perf_counter()
        try:
            with outgoing_request_span(f"POST {service}", request_headers):
                status, content = await self._post_once_more_if_dropped(
                    service, url, payload, request_headers, idempotent=idempotent
                )
        except TimeoutError as exc:
            record_fetch(service, time.perf_counter() - started, "timeout")
            raise SubgraphRequestError(service, f"timeout calling {service}", "TIMEOUT") from exc
        except aiohttp.ClientError as exc:
            record_fetch(service, time.perf_counter() - started, "unreachable")
            raise SubgraphRequestError(
                service, f"cannot reach {service}: {describe_http_error(exc)}"
            ) from exc
        record_fetch(
            service, time.perf_counter() - started, f"http_{status}" if status >= 400 else None
        )
        try:
            decoded = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise SubgraphRequestError(
                service, f"{service} answered HTTP {status} without JSON"
            ) from exc
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise SubgraphRequestError(
                service, f"{service} answered HTTP {status} without a GraphQL body"
            )
        return decoded

    async def _post_once_more_if_dropped(
        self,
        service: str,
        url: str,
        payload: bytes,
        headers: Mapping[str, str],
        *,
        idempotent: bool,
    ) -> tuple[int, bytes]:
        """A pooled keep-alive connection the subgraph closed just as it was reused fails
        with a reset or a disconnect; one retry opens a fresh connection. Only where a
        repeat is harmless: a connection that never opened, or a query."""
        try:
            return await self.post_once(service, url, payload, headers)
        except aiohttp.ClientConnectorError:
            pass  # nothing was sent
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            if not idempotent:
                raise
        return await self.post_once(service, url, payload, headers)

    async def post_once(
        self, service: str, url: str, payload: bytes, headers: Mapping[str, str]
    ) -> tuple[int, bytes]:
        """One POST: status and body. A subclass may answer it without the network (make dev
        serves the subgraphs in the router's process); a timeout raises ``TimeoutError``."""
        async with self._client(service).post(url, data=payload, headers=headers) as response:
            return response.status, await response.read()

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.close()


def describe_http_error(exc: BaseException) -> str:
    """Never empty: a dropped connection can raise an error without a message."""
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
