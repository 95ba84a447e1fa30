"""The subgraphs' common request, served without Strawberry's HTTP view.

Almost every request a subgraph serves is another ShopGraph process (the router, a subgraph,
a worker) POSTing one operation as ``application/json``. For that request the view's
generality (content negotiation, GET and multipart parsing, batching, streaming, building a
sub-response and then a Starlette response) costs more CPU than the work it does, so
:class:`LeanGraphQL` serves it directly: the body is decoded once by the view's own
``decode_json`` (orjson, with its depth limit), the operation runs through the same
``schema.execute`` (so the same extensions: parser and validation caches, limits, error
codes) with the same context, the view's ``process_result`` shapes the result, and orjson
encodes it. The answer is byte-for-byte the view's (tests/unit/test_lean_graphql.py sends
the same requests to both).

Anything else (another method or content type, a body that is not one operation, a
streaming ``Accept``, a schema with incremental delivery) goes to the view unchanged, with
the body replayed when it was already read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

POST_OPERATION_TYPES = frozenset(OperationType.from_http("POST"))
JSON_HEADERS = ((b"content-type", b"application/json"),)
# Accept values that ask the view for a stream (SSE, multipart subscriptions, @defer).
_STREAMING_ACCEPTS = (b"text/event-stream", b"multipart/mixed")
_STREAMING_PROTOCOLS = frozenset({GRAPHQL_SSE_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL})


class GraphQLView(Protocol):
    """What the lean path takes from the subgraph's Strawberry view."""

    schema: BaseSchema
    protocols: Sequence[str]

    def decode_json(self, data: str | bytes) -> object: ...

    async def request_context(self, request: Request) -> object: ...

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse: ...


class LeanGraphQL:
    """ASGI app for ``/graphql``: the common request here, everything else to ``view_app``."""

    def __init__(self, view: GraphQLView, view_app: ASGIApp) -> None:
        self.view = view
        self.view_app = view_app
        self.enabled = not view.schema.config.enable_experimental_incremental_execution and (
            _STREAMING_PROTOCOLS.isdisjoint(view.protocols)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (self.enabled and scope["type"] == "http" and scope["method"] == "POST"):
            await self.view_app(scope, receive, send)
            return
        if not _plain_json_request(scope["headers"]):
            await self.view_app(scope, receive, send)
            return
        received = await _whole_body(receive)
        operation = self._single_operation(received)
        if operation is None:
            await self.view_app(scope, _replaying(received, receive), send)
            return
        query, variables, operation_name, extensions = operation
        request = Request(scope, receive)
        context = await self.view.request_context(request)
        try:
            result = await self.view.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=POST_OPERATION_TYPES,
                operation_extensions=extensions,
            )
        except CannotGetOperationTypeError as exc:
            await _refuse(exc.as_http_error_reason(), scope, receive, send)
            return
        except InvalidOperationTypeError as exc:
            await _refuse(exc.as_http_error_reason("POST"), scope, receive, send)
            return
        except MissingQueryError:
            await _refuse("No GraphQL query found in the request", scope, receive, send)
            return
        body = orjson.dumps(await self.view.process_result(request, result))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), *JSON_HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _single_operation(
        self, received: list[Message]
    ) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None] | None:
        """The body's one operation, or None when the view must answer (bad JSON, too deep,
        a batch, fields of the wrong type, a client gone before the body arrived)."""
        if received[-1]["type"] != "http.request":
            return None
        raw = b"".join(message.get("body", b"") for message in received)
        try:
            data = self.view.decode_json(raw)
        except (ValueError, HTTPException):  # the view answers this body with its 400
            return None
        if not isinstance(data, dict):
            return None
        query = data.get("query")
        variables = data.get("variables")
        operation_name = data.get("operationName")
        extensions = data.get("extensions")
        if not (
            isinstance(query, str)
            and isinstance(variables, dict | None)
            and isinstance(operation_name, str | None)
            and isinstance(extensions, dict | None)
        ):
            return None
        return query, variables, operation_name, extensions


def _plain_json_request(headers: list[tuple[bytes, bytes]]) -> bool:
    """``Content-Type: application/json`` and no streaming ``Accept``."""
    content_type = b""
    for name, value in headers:
        if name == b"content-type":
            content_type = value
        elif name == b"accept" and any(kind in value.lower() for kind in _STREAMING_ACCEPTS):
            return False
    return content_type.split(b";", 1)[0].strip().lower() == b"application/json"


async def _whole_body(receive: Receive) -> list[Message]:
    """Every message up to the body's last (or a disconnect)."""
    received: list[Message] = []
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            return received


def _replaying(received: list[Message], receive: Receive) -> Receive:
    pending = iter(received)

    async def replay() -> Message:
        return next(pending, None) or await receive()

    return replay


async def _refuse(reason: str, scope: Scope, receive: Receive, send: Send) -> None:
    """A 400 as the view gives it (plain text)."""
    await PlainTextResponse(reason, status_code=400)(scope, receive, send)
