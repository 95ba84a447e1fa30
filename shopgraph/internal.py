"""Service-to-service GraphQL calls: straight to the owning subgraph, not via the router,
with a short-lived ``internal`` service token (docs/architecture.md §1).

Calls go out through one pooled aiohttp session per calling process
(:mod:`shopgraph.aiohttp_transport`), or straight to the app when this process serves the
callee itself (``make dev``, :mod:`shopgraph.in_process`) or a transport was given (tests):
those two keep httpx's API. A call that fails, times out or answers with GraphQL errors
raises :class:`UpstreamError` naming the service. The happy path stays cheap: the headers
are built once per service token, and tenacity's retry loop only starts after a failure.

An outage of a few seconds costs latency, not the caller's request: an idempotent call
(every query, and a mutation the caller declares idempotent) that could not reach the
service, lost its connection or its answer, or met a 502/503/504 (a restarting or not yet
ready service) is tried again with jittered exponential backoff. Inside a request the
retries spend what is left of the request's deadline (:mod:`shopgraph.request_deadline`),
so they last as long as the client waits and no longer; outside one (workers) they stop
``retry_seconds`` after the first try. The callee is told the deadline. A mutation that is
not declared idempotent is repeated only when its connection never opened. GraphQL errors
(the service answered) are never retried.

Inside a request a service that is slow but alive is not asked twice: one try may wait for
what is left of the deadline, so its timeout leaves no time for another (a second copy
would only queue behind the first: under overload a 5 s per-try timeout on inventory's
reserve once sent about 2.4 reserves per order). Outside a request a try waits
``timeout_seconds`` at most.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Final

import httpx
import orjson
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential_jitter

from shopgraph import request_deadline
from shopgraph.aiohttp_transport import AiohttpTransport
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.in_process import InProcessTransport, serves
from shopgraph.settings import Settings
from shopgraph.tracing import outgoing_request_span, trace_http_client


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
# Pause before retry n (tenacity): 0.05 * 2**(n-1) s plus up to 0.05 s of jitter, at most 1 s.
FIRST_PAUSE_SECONDS: Final = 0.05
PAUSE_JITTER_SECONDS: Final = 0.05
MAX_PAUSE_SECONDS: Final = 1.0


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
        # Every connection may stay open: under load (a crowd checking out) a smaller
        # keep-alive pool closed the extras after each call and reconnected the next.
        self.network = AiohttpTransport(max_connections=100)
        self._given_transport = transport is not None
        self.http = httpx.AsyncClient(
            timeout=timeout_seconds, transport=transport or InProcessTransport(self.network)
        )
        trace_http_client(self.http)
        self._urls: dict[str, str] = {}
        self._token = ""
        self._headers: dict[str, str] = {}

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
            status, answer = await self._post_retrying(service, content, repeatable)
        except _Unavailable as exc:
            raise UpstreamError(service, f"HTTP {exc.status}") from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(service, f"unreachable ({exc.__class__.__name__})") from exc
        try:
            body = orjson.loads(answer)
        except orjson.JSONDecodeError:
            raise UpstreamError(service, f"HTTP {status}, not JSON") from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code")
            raise UpstreamError(service, str(first.get("message")), code=code)
        if status != 200 or not isinstance(body.get("data"), dict):
            raise UpstreamError(service, f"HTTP {status}")
        data: dict[str, Any] = body["data"]
        return data

    async def _post_retrying(
        self, service: str, content: bytes, repeatable: bool
    ) -> tuple[int, bytes]:
        """Status and body of the first try that got an answer worth keeping. The first try
        is made directly; only a failure ``repeatable`` allows hands the call to tenacity,
        which retries with jittered exponential backoff until the budget is spent."""
        deadline = time.monotonic() + self.retry_budget()
        worth_retrying: Callable[[BaseException], bool] = _transient if repeatable else _never_sent
        try:
            return await self._post(service, content, self._attempt_seconds(deadline))
        except (httpx.TransportError, _Unavailable) as exc:
            if not worth_retrying(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(min(FIRST_PAUSE_SECONDS, max(deadline - time.monotonic(), 0.0)))
        retrying = AsyncRetrying(
            retry=retry_if_exception(worth_retrying),
            stop=stop_after_delay(max(deadline - time.monotonic(), 0.0)),
            wait=wait_exponential_jitter(
                multiplier=FIRST_PAUSE_SECONDS, max=MAX_PAUSE_SECONDS, jitter=PAUSE_JITTER_SECONDS
            ),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._post(service, content, self._attempt_seconds(deadline))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt_seconds(self, deadline: float) -> float:
        """One try's timeout: what is left of the budget; outside a request (no deadline
        the callee works to) at most the configured ``timeout_seconds``."""
        left = max(deadline - time.monotonic(), MIN_ATTEMPT_SECONDS)
        if request_deadline.remaining_seconds() is not None:
            return left
        return min(self.timeout_seconds, left)

    def retry_budget(self) -> float:
        """Seconds from the first try after which no new try starts: what is left of the
        request's deadline (less a moment to answer the client), else ``retry_seconds``."""
        remaining = request_deadline.remaining_seconds()
        if remaining is None:
            return self.retry_seconds
        return max(remaining - ANSWER_MARGIN_SECONDS, MIN_ATTEMPT_SECONDS)

    async def _post(
        self, service: str, content: bytes, attempt_seconds: float
    ) -> tuple[int, bytes]:
        url = self._urls.get(service) or self._urls.setdefault(
            service, self.settings.url_for(service)
        )
        headers = self._request_headers()
        if self._given_transport or serves(url):
            # httpx's client: its instrumentation traces the call.
            response = await self.http.post(
                url, content=content, headers=headers, timeout=attempt_seconds
            )
            status, answer = response.status_code, response.content
        else:
            with outgoing_request_span(f"POST {service}", headers):
                status, answer = await self.network.post(url, content, headers, attempt_seconds)
        if status in RETRY_STATUSES:
            raise _Unavailable(status)
        return status, answer

    def _request_headers(self) -> dict[str, str]:
        """A fresh dict (tracing adds to it): the token's headers, built once per token,
        and what is left of the current request's deadline."""
        token = self.tokens.token()
        if token != self._token:
            self._headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            self._token = token
        deadline = request_deadline.header_value()
        if deadline is None:
            return dict(self._headers)
        return {**self._headers, request_deadline.HEADER: deadline}

    async def close(self) -> None:
        await self.http.aclose()
        await self.network.aclose()  # a given transport leaves it to be closed here


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | _Unavailable)


def _never_sent(exc: BaseException) -> bool:
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
