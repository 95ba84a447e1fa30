"""Service-to-service GraphQL calls: straight to the owning subgraph, not via the router,
with a short-lived ``internal`` service token (docs/architecture.md §1).

One pooled ``httpx.AsyncClient`` per calling process, sending through aiohttp's pool
(:mod:`shopgraph.aiohttp_transport`), or straight to the app when this process serves the
callee itself (``make dev``, :mod:`shopgraph.in_process`); a call that fails, times out or
answers with GraphQL errors raises :class:`UpstreamError` naming the service.

An outage of a few seconds costs latency, not the caller's request: an idempotent call
(every query, and a mutation the caller declares idempotent) that could not reach the
service, timed out, or met a 502/503/504 (a restarting or not yet ready service) is tried
again with jittered exponential backoff. Inside a request the retries spend what is left of
the request's deadline (:mod:`shopgraph.request_deadline`), so they last as long as the
client waits and no longer; outside one (workers) they stop ``retry_seconds`` after the
first try. Each attempt's timeout is cut to what remains, and the callee is told the
deadline. A mutation that is not declared idempotent is repeated only when its connection
never opened. GraphQL errors (the service answered) are never retried.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from shopgraph import request_deadline
from shopgraph.aiohttp_transport import AiohttpTransport
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.in_process import InProcessTransport
from shopgraph.settings import Settings
from shopgraph.tracing import trace_http_client


class UpstreamError(RuntimeError):
    """Another service could not answer; the caller decides (retry, or refuse)."""

    def __init__(self, service: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.code = code


RETRY_STATUSES = frozenset({502, 503, 504})
MIN_ATTEMPT_SECONDS = 0.1
# Kept back from the request's deadline for the caller to turn a failure into its answer.
ANSWER_MARGIN_SECONDS = 0.5


class _Unavailable(Exception):
    """The service answered 502/503/504: not (yet) able to serve; worth another try."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class InternalClient:
    def __init__(
        self,
        settings: Settings,
        caller: str,
        *,
        timeout_seconds: float = 5.0,
        retry_seconds: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.timeout_seconds = timeout_seconds
        self.retry_seconds = retry_seconds
        self.tokens = ServiceTokenIssuer.from_settings(settings, caller)
        self.http = httpx.AsyncClient(
            timeout=timeout_seconds,
            # Every connection may stay open: under load (a crowd checking out) a smaller
            # keep-alive pool closed the extras after each call and reconnected the next.
            transport=transport or InProcessTransport(AiohttpTransport(max_connections=100)),
        )
        trace_http_client(self.http)

    async def query(
        self,
        service: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """``data`` of the operation on ``service``; errors raise :class:`UpstreamError`.
        ``idempotent`` defaults to "is a query"; say True for a mutation safe to repeat."""
        content = orjson.dumps({"query": query, "variables": variables or {}})
        repeatable = (
            idempotent if idempotent is not None else not query.lstrip().startswith("mutation")
        )
        try:
            response = await self._post_retrying(service, content, repeatable)
        except _Unavailable as exc:
            raise UpstreamError(service, f"HTTP {exc.status}") from exc
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

    async def _post_retrying(
        self, service: str, content: bytes, repeatable: bool
    ) -> httpx.Response:
        budget = self.retry_budget()
        deadline = time.monotonic() + budget
        worth_retrying = _transient if repeatable else _never_sent
        retrying = AsyncRetrying(
            retry=retry_if_exception(worth_retrying),
            stop=stop_after_delay(budget),
            wait=wait_exponential_jitter(multiplier=0.05, max=1.0, jitter=0.05),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                remaining = max(deadline - time.monotonic(), MIN_ATTEMPT_SECONDS)
                return await self._post(service, content, min(self.timeout_seconds, remaining))
        raise AssertionError("unreachable")  # pragma: no cover

    def retry_budget(self) -> float:
        """Seconds from the first try after which no new try starts: what is left of the
        request's deadline (less a moment to answer the client), else ``retry_seconds``."""
        remaining = request_deadline.remaining_seconds()
        if remaining is None:
            return self.retry_seconds
        return max(remaining - ANSWER_MARGIN_SECONDS, MIN_ATTEMPT_SECONDS)

    async def _post(self, service: str, content: bytes, attempt_seconds: float) -> httpx.Response:
        headers = {"Content-Type": "application/json", **self.tokens.authorization_header()}
        deadline = request_deadline.header_value()
        if deadline is not None:
            headers[request_deadline.HEADER] = deadline
        url = self.settings.url_for(service)
        response = await self.http.post(
            url, content=content, headers=headers, timeout=attempt_seconds
        )
        if response.status_code in RETRY_STATUSES:
            raise _Unavailable(response.status_code)
        return response

    async def close(self) -> None:
        await self.http.aclose()


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | _Unavailable)


def _never_sent(exc: BaseException) -> bool:
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
