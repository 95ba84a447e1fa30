"""What the server needs from the planner/executor (``router.gateway.Gateway``).

The server and the subscription relay code against this protocol, so unit tests can pass a
small fake and the real gateway can evolve behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class GatewayPort(Protocol):
    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """The full GraphQL response (``data``, ``errors``, ``extensions``)."""
        ...

    def plan(self, query: str, operation_name: str | None) -> Any:
        """The operation's query plan (frozen dataclasses)."""
        ...

    def subscription_root(self, query: str, operation_name: str | None) -> tuple[str, str, str]:
        """``(subgraph name, subgraph URL, upstream operation)`` of a subscription."""
        ...

    async def resolve_event(
        self,
        plan: Any,
        event_data: dict[str, Any],
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        *,
        query: str | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """One upstream subscription event (the ``data`` the owning subgraph sent) completed
        with the fields other subgraphs own: the response the client gets as ``next``."""
        ...

    async def close(self) -> None: ...
