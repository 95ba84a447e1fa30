"""The one request pipeline's plugin points (``docs/architecture.md §11``).

Every operation, whatever carries it (HTTP, WebSocket, SSE), is an :class:`Operation` that
goes through the same stages, and each feature (persisted queries, demand control, caching,
access control…) is a :class:`RouterPlugin` that hooks the stages it needs:

1. ``on_request``: the raw GraphQL-over-HTTP parameters, before parsing. A plugin may fill
   in the query (a persisted query's hash → its text) or refuse the request.
2. The server parses the operation and applies the token/depth/alias limits.
3. ``on_operation``: the parsed, limit-checked document, the verified principal and the
   gateway that will execute it. A plugin may refuse (``RequestRefused``) before any fetch.
4. The gateway plans and executes.
5. ``on_response``: the response, in plugin order; a plugin may add ``extensions``.

Plugins run in the order the router config lists them (:mod:`router.config`); a refusal stops
the pipeline and the client gets the error with its stable ``extensions.code``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode

from router.plugins.ports import GatewayPort
from shopgraph.auth.principal import ANONYMOUS, Principal


class RequestRefused(Exception):
    """A request the router answers itself, before the gateway sees it."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        headers: Mapping[str, str] | None = None,
        *,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.headers = dict(headers or {})
        # Added to the error's extensions beside the code (e.g. the estimated cost).
        self.extensions = dict(extensions or {})


@dataclass
class Operation:
    """One client operation on its way through the pipeline (mutable: stages fill it in)."""

    # The GraphQL-over-HTTP parameters as sent: ``query``, ``variables``, ``operationName``,
    # ``extensions`` (``query`` may be missing, e.g. an automatic persisted query).
    params: dict[str, Any]
    # The client's request headers (lower-case names).
    headers: Mapping[str, str]
    # What carries it: "http", "websocket" or "sse".
    transport: str = "http"
    request_id: str = ""
    principal: Principal = ANONYMOUS
    # Who the rate limiter counts this request against.
    client_key: str = ""
    document: DocumentNode | None = None
    # "query", "mutation" or "subscription" once parsed.
    kind: str | None = None
    gateway: GatewayPort | None = None
    # Added to the response's ``extensions`` by the server after ``on_response``.
    extensions: dict[str, Any] = field(default_factory=dict)
    # HTTP headers the server adds to a JSON response (e.g. ``cache-control``).
    response_headers: dict[str, str] = field(default_factory=dict)
    # Per-plugin scratch space, keyed by plugin name.
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def query(self) -> str | None:
        value = self.params.get("query")
        return value if isinstance(value, str) else None

    @property
    def operation_name(self) -> str | None:
        value = self.params.get("operationName")
        return value if isinstance(value, str) and value else None

    @property
    def request_extensions(self) -> dict[str, Any]:
        value = self.params.get("extensions")
        return value if isinstance(value, dict) else {}


class RouterPlugin:
    """A pipeline plugin: override the stages it needs (the defaults do nothing)."""

    name: str = "plugin"

    async def on_request(self, operation: Operation) -> None:
        """Before parsing; may set ``operation.params["query"]`` or raise RequestRefused."""

    async def on_operation(self, operation: Operation) -> None:
        """After parsing and limits, before planning; may raise RequestRefused."""

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        """The response the client gets (return it, changed or not)."""
        return result

    async def aclose(self) -> None:
        """Release what the plugin holds (connections) when the router stops."""


class Pipeline:
    """The configured plugins, run stage by stage in order."""

    def __init__(self, plugins: Sequence[RouterPlugin] = ()) -> None:
        self.plugins = tuple(plugins)

    async def on_request(self, operation: Operation) -> None:
        for plugin in self.plugins:
            await plugin.on_request(operation)

    async def on_operation(self, operation: Operation) -> None:
        for plugin in self.plugins:
            await plugin.on_operation(operation)

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        for plugin in self.plugins:
            result = await plugin.on_response(operation, result)
        if operation.extensions:
            result = {
                **result,
                "extensions": {**(result.get("extensions") or {}), **operation.extensions},
            }
        return result

    async def aclose(self) -> None:
        for plugin in self.plugins:
            await plugin.aclose()
