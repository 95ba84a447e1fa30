"""Service-to-service GraphQL calls: straight to the owning subgraph, not via the router,
with a short-lived ``internal`` service token (DESIGN §1).

One pooled ``httpx.AsyncClient`` per calling process; a call that fails, times out or
answers with GraphQL errors raises :class:`UpstreamError` naming the service.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.settings import Settings
from shopgraph.tracing import trace_http_client


class UpstreamError(RuntimeError):
    """Another service could not answer; the caller decides (retry, or refuse)."""

    def __init__(self, service: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.code = code


class InternalClient:
    def __init__(
        self,
        settings: Settings,
        caller: str,
        *,
        timeout_seconds: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.tokens = ServiceTokenIssuer.from_settings(settings, caller)
        self.http = httpx.AsyncClient(
            timeout=timeout_seconds,
            transport=transport,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        trace_http_client(self.http)

    async def query(
        self, service: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``data`` of the operation on ``service``; errors raise :class:`UpstreamError`."""
        try:
            response = await self.http.post(
                self.settings.url_for(service),
                content=orjson.dumps({"query": query, "variables": variables or {}}),
                headers={"Content-Type": "application/json", **self.tokens.authorization_header()},
            )
        except httpx.HTTPError as exc:
            raise UpstreamError(service, f"unreachable ({exc.__class__.__name__})") from exc
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise UpstreamError(service, f"HTTP {response.status_code}, not JSON") from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code")
            raise UpstreamError(service, str(first.get("message")), code=code)
        if response.status_code != 200 or not isinstance(body.get("data"), dict):
            raise UpstreamError(service, f"HTTP {response.status_code}")
        data: dict[str, Any] = body["data"]
        return data

    async def close(self) -> None:
        await self.http.aclose()
