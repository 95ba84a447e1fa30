"""graphql-transport-ws at ``/graphql``: subscriptions passed through to the owning subgraph.

For each client ``subscribe`` the relay of :mod:`router.subscription_upstream` (shared with
the SSE and multipart HTTP transports) opens the owning subgraph's subscription upstream and
completes every event with the fields other subgraphs own before it is sent as ``next``.

Upstream ``complete`` is relayed. A client that completes or disconnects closes the upstream
connection; an upstream that fails (refused, closed, bad message) ends the client's operation
with ``error`` and then ``complete``: never silently. Queries and mutations sent over the
socket are executed once (``next`` + ``complete``).

Every ``subscribe`` passes the same gates as an HTTP operation
(:class:`router.operation_admission.OperationAdmission`: persisted queries, rate limit,
limits, authorization, demand control…) with the principal of ``connection_init``'s token, and
every result (each event, or a query's one result) goes through the pipeline's
``on_response``. A refusal is an ``error`` message with the same ``extensions.code`` as over
HTTP; the connection stays open.

Close codes follow the protocol: 4400 bad message, 4401 subscribe before ack, 4403 bad
credentials, 4406 wrong subprotocol, 4408 no ``connection_init`` in time, 4409 duplicate id,
4429 repeated ``connection_init``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from router.operation_admission import OperationAdmission
from router.pipeline import Operation, RequestRefused
from router.subscription_upstream import (
    PROTOCOL,
    UPSTREAM_FAILED,
    ClientSubscription,
    SubscriptionRoot,
    UpstreamFailure,
    relay_events,
    subscription_root,
)
from shopgraph.app import PrincipalSource
from shopgraph.auth.principal import ANONYMOUS, Principal
from shopgraph.errors import Unauthenticated
from shopgraph.logging import get_logger
from shopgraph.suggestions import errors_without_suggestions

log = get_logger(__name__)


@dataclass(eq=False)
class _Connection:
    websocket: WebSocket
    init_payload: dict[str, Any]
    request_id: str
    send_lock: asyncio.Lock
    operations: dict[str, asyncio.Task[None]]
    # verified from connection_init's token (anonymous without one)
    principal: Principal = ANONYMOUS
    # production: "Did you mean …?" hints are removed from every error sent
    scrub_suggestions: bool = False

    async def send(self, message: Mapping[str, Any]) -> None:
        if self.scrub_suggestions:
            message = _without_suggestions(message)
        async with self.send_lock:
            await self.websocket.send_text(orjson.dumps(message).decode())

    def forget(self, task: asyncio.Task[None]) -> None:
        for op_id, running in list(self.operations.items()):
            if running is task:
                del self.operations[op_id]

    @property
    def authorization(self) -> str | None:
        auth = self.init_payload.get("Authorization") or self.init_payload.get("authorization")
        return auth if isinstance(auth, str) else None

    @property
    def headers(self) -> dict[str, str]:
        """What the gateway forwards to subgraphs for this connection's operations."""
        headers = {"x-request-id": self.request_id}
        if self.authorization is not None:
            headers["authorization"] = self.authorization
        return headers

    async def verified_principal(self) -> Principal:
        return self.principal


def _without_suggestions(message: Mapping[str, Any]) -> Mapping[str, Any]:
    payload = message.get("payload")
    if isinstance(payload, list):  # an "error" message
        return {**message, "payload": errors_without_suggestions(payload)}
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        return {
            **message,
            "payload": {**payload, "errors": errors_without_suggestions(payload["errors"])},
        }
    return message


class SubscriptionServer:
    def __init__(
        self,
        admission: OperationAdmission,
        *,
        init_timeout_seconds: float = 10.0,
        upstream_timeout_seconds: float = 10.0,
        principals: PrincipalSource | None = None,
        max_subscriptions_per_connection: int = 100,
        production: bool = False,
    ) -> None:
        self.admission = admission
        self.holder = admission.holder
        self.production = production
        self.max_subscriptions_per_connection = max_subscriptions_per_connection
        self.init_timeout_seconds = init_timeout_seconds
        self.upstream_timeout_seconds = upstream_timeout_seconds
        self.principals = principals
        self._connections: set[_Connection] = set()

    @property
    def active_operations(self) -> int:
        """Subscriptions open right now, over every connection."""
        return sum(len(connection.operations) for connection in self._connections)

    async def aclose(self) -> None:
        for connection in list(self._connections):
            for task in connection.operations.values():
                task.cancel()

    async def endpoint(self, websocket: WebSocket) -> None:
        offered = websocket.scope.get("subprotocols") or []
        if PROTOCOL not in offered:
            await websocket.accept()
            await websocket.close(4406, "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        request_id = websocket.headers.get("x-request-id") or uuid.uuid4().hex
        try:
            init = await asyncio.wait_for(self._receive(websocket), self.init_timeout_seconds)
        except TimeoutError:
            await websocket.close(4408, "Connection initialisation timeout")
            return
        except (WebSocketDisconnect, _BadMessage) as exc:
            if isinstance(exc, _BadMessage):
                await websocket.close(4400, exc.reason)
            return
        if init.get("type") != "connection_init":
            await websocket.close(4401, "Unauthorized")
            return
        payload = init.get("payload") or {}
        if not isinstance(payload, dict):
            await websocket.close(4400, "connection_init payload must be an object")
            return
        principal = await self._principal(payload)
        if principal is None:
            await websocket.close(4403, "Forbidden")
            return
        connection = _Connection(
            websocket,
            payload,
            request_id,
            asyncio.Lock(),
            {},
            principal=principal,
            scrub_suggestions=self.production,
        )
        self._connections.add(connection)
        await connection.send({"type": "connection_ack"})
        try:
            await self._serve(connection)
        finally:
            self._connections.discard(connection)
            tasks = list(connection.operations.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _principal(self, payload: Mapping[str, Any]) -> Principal | None:
        """The caller ``connection_init``'s token proves (None: the token is invalid)."""
        if self.principals is None:
            return ANONYMOUS
        header = payload.get("Authorization") or payload.get("authorization")
        try:
            return await self.principals.principal_from_header(
                header if isinstance(header, str) else None
            )
        except Unauthenticated:
            return None

    async def _receive(self, websocket: WebSocket) -> dict[str, Any]:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(frame.get("code", 1000), frame.get("reason"))
        text = frame.get("text")
        if text is None:  # binary frames are not part of graphql-transport-ws
            raise _BadMessage("Invalid message received")
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise _BadMessage("Invalid message received") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise _BadMessage("Invalid message received")
        return message

    async def _serve(self, connection: _Connection) -> None:
        websocket = connection.websocket
        while True:
            try:
                message = await self._receive(websocket)
            except WebSocketDisconnect:
                return
            except _BadMessage as exc:
                await websocket.close(4400, exc.reason)
                return
            kind = message["type"]
            if kind == "ping":
                await connection.send({"type": "pong", "payload": message.get("payload")})
            elif kind == "pong":
                continue
            elif kind == "connection_init":
                await websocket.close(4429, "Too many initialisation requests")
                return
            elif kind == "subscribe":
                op_id = message.get("id")
                payload = message.get("payload")
                if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
                    await websocket.close(4400, "Invalid subscribe message")
                    return
                if op_id in connection.operations:
                    await websocket.close(4409, f"Subscriber for {op_id} already exists")
                    return
                if len(connection.operations) >= self.max_subscriptions_per_connection:
                    # each subscription holds an upstream socket: refuse the operation, keep
                    # the connection and the subscriptions it already has
                    limit = self.max_subscriptions_per_connection
                    await self.send_error(
                        connection,
                        op_id,
                        f"Too many subscriptions on this connection (the limit is {limit}); "
                        "complete one first",
                        "TOO_MANY_SUBSCRIPTIONS",
                    )
                    continue
                task = asyncio.create_task(self._operation(connection, op_id, payload))
                connection.operations[op_id] = task
                task.add_done_callback(connection.forget)
            elif kind == "complete":
                ended = connection.operations.pop(str(message.get("id")), None)
                if ended is not None:
                    ended.cancel()
            else:
                await websocket.close(4400, f"Unexpected message type {kind!r}")
                return

    async def _operation(
        self, connection: _Connection, op_id: str, payload: Mapping[str, Any]
    ) -> None:
        websocket = connection.websocket
        operation = Operation(
            params=dict(payload),
            headers=dict(websocket.headers),
            transport="websocket",
            request_id=connection.request_id,
        )
        pipeline = self.admission.pipeline
        try:
            request = await self.admission.prepare(
                operation,
                authenticate=connection.verified_principal,
                authorization=connection.authorization,
                host=websocket.client.host if websocket.client else None,
            )
        except RequestRefused as refused:
            await self.send_error(
                connection, op_id, refused.message, refused.code, extensions=refused.extensions
            )
            return
        gateway = operation.gateway or self.holder.current
        # plugins may have rewritten the operation (authorization removed denied fields)
        query = operation.query or request.query
        variables, operation_name = request.variables, request.operation_name
        try:
            if operation.kind != "subscription":
                result = await gateway.execute(query, variables, operation_name, connection.headers)
                result = await pipeline.on_response(operation, result)
                await connection.send({"id": op_id, "type": "next", "payload": result})
                await connection.send({"id": op_id, "type": "complete"})
                return
            root = subscription_root(gateway, query, operation_name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            errors = getattr(exc, "errors", None)  # the gateway's own GraphQL errors
            if isinstance(errors, list) and errors:
                await self.send_error(connection, op_id, "", "", errors)
                return
            log.error("subscription_setup_failed", error=repr(exc), exc_info=exc)
            await self.send_error(
                connection, op_id, "Internal server error", "INTERNAL_SERVER_ERROR"
            )
            return
        subscription = ClientSubscription(
            query,
            variables,
            operation_name,
            connection.init_payload,
            connection.headers,
            connection.request_id,
        )

        async def finish(result: dict[str, Any]) -> dict[str, Any]:
            return await pipeline.on_response(operation, result)

        await _Relay(self, connection, op_id, root, subscription, finish).run()

    async def send_error(
        self,
        connection: _Connection,
        op_id: str,
        message: str,
        code: str,
        errors: list[dict[str, Any]] | None = None,
        *,
        then_complete: bool = False,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        payload = errors or [
            {"message": message, "extensions": {"code": code, **(extensions or {})}}
        ]
        with contextlib.suppress(Exception):  # the client may be gone already
            await connection.send({"id": op_id, "type": "error", "payload": payload})
            if then_complete:
                await connection.send({"id": op_id, "type": "complete"})


class _BadMessage(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Relay:
    server: SubscriptionServer
    connection: _Connection
    op_id: str
    root: SubscriptionRoot
    client: ClientSubscription
    # the pipeline's on_response for each event
    finish: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]

    async def run(self) -> None:
        events = relay_events(
            self.server.holder.current,
            self.root,
            self.client,
            timeout_seconds=self.server.upstream_timeout_seconds,
        )
        try:
            async with contextlib.aclosing(events):  # a cancelled operation closes the upstream
                async for result in events:
                    payload = await self.finish(result)
                    await self.connection.send(
                        {"id": self.op_id, "type": "next", "payload": payload}
                    )
        except UpstreamFailure as exc:
            await self.server.send_error(
                self.connection,
                self.op_id,
                exc.message,
                UPSTREAM_FAILED,
                exc.errors,
                then_complete=True,
            )
            return
        await self.connection.send({"id": self.op_id, "type": "complete"})
