"""HTTP transport to subgraphs: one pooled httpx.AsyncClient per subgraph, orjson bodies,
per-subgraph timeouts and an optional switch that merges identical in-flight requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
import orjson

from router.plugins.observability import observed_subgraph_client


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


ClientFactory = Callable[[str], httpx.AsyncClient]


class HttpTransport:
    """Posts GraphQL requests to subgraphs; ``dedupe`` shares identical in-flight queries."""

    def __init__(
        self,
        *,
        timeout_seconds: float | Mapping[str, float] = 30.0,
        dedupe: bool = True,
        client_factory: ClientFactory | None = None,
        max_connections: int = 100,
    ) -> None:
        self._timeouts = timeout_seconds
        self._dedupe = dedupe
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._factory = client_factory
        self._max_connections = max_connections
        self._inflight: dict[bytes, asyncio.Future[dict[str, Any]]] = {}
        self.requests_sent = 0

    def _timeout(self, service: str) -> float:
        if isinstance(self._timeouts, Mapping):
            return float(self._timeouts.get(service, self._timeouts.get("*", 30.0)))
        return float(self._timeouts)

    def _client(self, service: str) -> httpx.AsyncClient:
        client = self._clients.get(service)
        if client is None:
            if self._factory is not None:
                client = self._factory(service)
            else:
                limits = httpx.Limits(
                    max_connections=self._max_connections,
                    max_keepalive_connections=self._max_connections,
                )
                client = observed_subgraph_client(
                    service, timeout=self._timeout(service), limits=limits
                )
            self._clients[service] = client
        return client

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        payload = orjson.dumps(body)
        is_mutation = str(body.get("query", "")).lstrip().startswith("mutation")
        if not self._dedupe or is_mutation:
            return await self._post(service, url, payload, headers)
        # x-request-id differs per client request: identical fetches share one call anyway.
        shared = sorted((k, v) for k, v in headers.items() if k.lower() != "x-request-id")
        key = orjson.dumps([service, url, shared]) + payload
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._post(service, url, payload, headers)
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
        self, service: str, url: str, payload: bytes, headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.requests_sent += 1
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        }
        try:
            response = await self._client(service).post(
                url, content=payload, headers=request_headers, timeout=self._timeout(service)
            )
        except httpx.TimeoutException as exc:
            raise SubgraphRequestError(service, f"timeout calling {service}", "TIMEOUT") from exc
        except httpx.HTTPError as exc:
            raise SubgraphRequestError(service, f"cannot reach {service}: {exc}") from exc
        try:
            decoded = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise SubgraphRequestError(
                service, f"{service} answered HTTP {response.status_code} without JSON"
            ) from exc
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise SubgraphRequestError(
                service, f"{service} answered HTTP {response.status_code} without a GraphQL body"
            )
        return decoded

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()
