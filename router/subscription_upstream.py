"""One client subscription relayed from the subgraph that owns its root field.

Every transport the router serves subscriptions on (graphql-transport-ws in
:mod:`router.subscriptions`, SSE and multipart HTTP in :mod:`router.http_subscriptions`) asks
the gateway which subgraph owns the root field (:func:`subscription_root`), then iterates
:func:`relay_events`: it opens a graphql-transport-ws connection to that subgraph with the
client's ``connection_init`` payload (its auth), subscribes with the upstream operation and
yields, per upstream event, the client's result with the fields other subgraphs own resolved
by the gateway (:meth:`resolve_event`). The iteration ends when the upstream completes; an
upstream that fails (refused, closed, bad message) raises :class:`UpstreamFailure` carrying
the errors the client gets. Closing the iterator (the client went away) closes the upstream.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from router.plugins.ports import GatewayPort
from shopgraph.logging import get_logger

log = get_logger(__name__)

PROTOCOL = "graphql-transport-ws"
UPSTREAM_FAILED = "SUBSCRIPTION_UPSTREAM_FAILED"


class UpstreamFailure(Exception):
    """The owning subgraph failed the subscription; ``errors`` is what the client gets."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [{"message": message, "extensions": {"code": UPSTREAM_FAILED}}]


@dataclass(frozen=True)
class SubscriptionRoot:
    """Where a subscription's root field is served, and the operation to send there."""

    subgraph: str
    url: str
    upstream_query: str


@dataclass(frozen=True)
class ClientSubscription:
    """The client's subscription as the relay needs it."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    # Sent upstream as ``connection_init``'s payload (carries the client's Authorization).
    init_payload: Mapping[str, Any]
    # Forwarded to the subgraphs that resolve each event's other fields.
    headers: Mapping[str, str]
    request_id: str


def subscription_root(
    gateway: GatewayPort, query: str, operation_name: str | None
) -> SubscriptionRoot:
    """The owning subgraph of a subscription (the gateway's errors propagate)."""
    subgraph, url, upstream_query = gateway.subscription_root(query, operation_name)
    return SubscriptionRoot(subgraph, url, upstream_query)


def init_payload_for(authorization: str | None) -> dict[str, Any]:
    """The ``connection_init`` payload that carries an HTTP client's credentials upstream."""
    return {"Authorization": authorization} if authorization else {}


def ws_url(url: str) -> str:
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    if url.startswith("http://"):
        return "ws://" + url.removeprefix("http://")
    return url


async def relay_events(
    gateway: GatewayPort,
    root: SubscriptionRoot,
    client: ClientSubscription,
    *,
    timeout_seconds: float = 10.0,
) -> AsyncGenerator[dict[str, Any]]:
    """Each upstream event completed into the client's result (see the module docstring)."""
    relay = _Upstream(gateway, root, client, timeout_seconds)
    try:
        async with connect(
            ws_url(root.url),
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            additional_headers={"x-request-id": client.request_id},
            open_timeout=timeout_seconds,
        ) as upstream:
            await relay.handshake(upstream)
            plan = gateway.plan(client.query, client.operation_name)
            while True:
                result = await relay.next_result(upstream, plan)
                if result is None:
                    return
                yield result
    except UpstreamFailure as exc:
        raise relay.failure(exc.message, exc.errors) from None
    except (OSError, TimeoutError, WebSocketException) as exc:
        raise relay.failure(f"Subscription to subgraph '{root.subgraph}' failed: {exc}") from None
    except Exception as exc:
        log.error("subscription_relay_failed", subgraph=root.subgraph, exc_info=exc)
        raise relay.failure(f"Subscription to subgraph '{root.subgraph}' failed") from None


@dataclass
class _Upstream:
    gateway: GatewayPort
    root: SubscriptionRoot
    client: ClientSubscription
    timeout_seconds: float

    def failure(self, message: str, errors: list[dict[str, Any]] | None = None) -> UpstreamFailure:
        log.warning("subscription_upstream_failed", subgraph=self.root.subgraph, reason=message)
        annotated = [self._annotate(e) for e in errors] if errors else None
        return UpstreamFailure(message, annotated or [self._annotate({"message": message})])

    def _annotate(self, error: Mapping[str, Any]) -> dict[str, Any]:
        extensions = dict(error.get("extensions") or {})
        extensions.setdefault("serviceName", self.root.subgraph)
        extensions.setdefault("code", UPSTREAM_FAILED)
        return {**error, "extensions": extensions}

    async def handshake(self, upstream: ClientConnection) -> None:
        init = {"type": "connection_init", "payload": dict(self.client.init_payload)}
        await upstream.send(orjson.dumps(init).decode())
        async with asyncio.timeout(self.timeout_seconds):
            while True:
                message = await self._receive(upstream)
                if message.get("type") == "connection_ack":
                    break
                if message.get("type") == "ping":
                    await upstream.send(orjson.dumps({"type": "pong"}).decode())
        subscribe = {"query": self.root.upstream_query, "variables": self.client.variables or {}}
        await upstream.send(
            orjson.dumps({"id": "1", "type": "subscribe", "payload": subscribe}).decode()
        )

    async def _receive(self, upstream: ClientConnection) -> dict[str, Any]:
        subgraph = self.root.subgraph
        try:
            raw = await upstream.recv()
        except ConnectionClosed as exc:
            reason = f"code {exc.rcvd.code}: {exc.rcvd.reason}" if exc.rcvd else "no close frame"
            raise UpstreamFailure(
                f"Subgraph '{subgraph}' closed the subscription ({reason})"
            ) from None
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise UpstreamFailure(f"Subgraph '{subgraph}' sent an invalid message") from None
        if not isinstance(message, dict):
            raise UpstreamFailure(f"Subgraph '{subgraph}' sent an invalid message")
        return message

    async def next_result(self, upstream: ClientConnection, plan: Any) -> dict[str, Any] | None:
        """The client's next result, or ``None`` once the upstream completed."""
        while True:
            message = await self._receive(upstream)
            kind = message.get("type")
            if kind == "ping":
                await upstream.send(orjson.dumps({"type": "pong"}).decode())
            elif kind == "next" and message.get("id") == "1":
                return await self._resolved(message.get("payload") or {}, plan)
            elif kind == "error":
                payload = message.get("payload")
                errors = payload if isinstance(payload, list) else None
                raise UpstreamFailure(
                    f"Subgraph '{self.root.subgraph}' refused the subscription", errors
                )
            elif kind == "complete":
                return None

    async def _resolved(self, event: Mapping[str, Any], plan: Any) -> dict[str, Any]:
        upstream_errors = [self._annotate(e) for e in event.get("errors") or []]
        data = event.get("data")
        if isinstance(data, dict):
            result = await self.gateway.resolve_event(
                plan,
                data,
                self.client.variables,
                self.client.headers,
                query=self.client.query,
                operation_name=self.client.operation_name,
            )
        else:
            result = {"data": None}
        if upstream_errors:
            result = {**result, "errors": upstream_errors + list(result.get("errors", []))}
        return result
