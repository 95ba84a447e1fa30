"""Incremental delivery (``@defer`` / ``@stream``) as a pipeline plugin, and its config.

A query that uses ``@defer`` or ``@stream`` from a client whose ``Accept`` takes
``multipart/mixed`` (``deferSpec=20220824``, or no ``deferSpec``: urql's plain
``multipart/mixed``) is answered part by part (:mod:`router.incremental_execution`, sent by
:mod:`router.incremental_http`). Any other client, or ``enabled = false``, gets the whole
response at once, the deferred parts merged in: never an error.

Config (``[incremental]`` in the router config)::

    [incremental]
    enabled = true
    max_deferred_parts = 64   # payloads after the first; the last one takes what is left
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol, runtime_checkable

from graphql import DirectiveNode, DocumentNode, visit
from graphql.language import BREAK, Visitor
from pydantic import Field

from router.config_section import Section
from router.pipeline import Operation, RouterPlugin
from router.planner_defer import DEFER, STREAM
from router.plugins.ports import GatewayPort

Json = dict[str, Any]
MULTIPART_MIXED = "multipart/mixed"
DEFER_SPEC = "20220824"


class IncrementalSection(Section):
    enabled: bool = True
    # Payloads after the first; when the last one allowed goes out it takes what is left.
    max_deferred_parts: int = Field(default=64, ge=1)


@runtime_checkable
class IncrementalGateway(Protocol):
    async def execute_incremental(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        max_parts: int = ...,
    ) -> tuple[Json, AsyncIterator[Json] | None]: ...


def accepts_incremental(accept: str | None) -> bool:
    """Whether an ``Accept`` header takes ``multipart/mixed`` in the 2022-08-24 defer format."""
    for media_range in (accept or "").split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        if kind.lower() != MULTIPART_MIXED:
            continue
        spec = {
            name.strip().lower(): value.strip().strip('"')
            for name, _, value in (p.partition("=") for p in parameters)
        }.get("deferspec")
        if spec in (None, DEFER_SPEC):
            return True
    return False


def uses_incremental(document: DocumentNode) -> bool:
    """Whether any selection of the document carries ``@defer`` or ``@stream``."""
    found = False

    class _Find(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: object) -> object:
            nonlocal found
            if node.name.value in {DEFER, STREAM}:
                found = True
                return BREAK
            return None

    visit(document, _Find())
    return found


class IncrementalDelivery(RouterPlugin):
    """Marks the operations to answer part by part (read by :func:`execute_operation`)."""

    name = "incremental"

    def __init__(self, config: IncrementalSection) -> None:
        self.config = config

    async def on_operation(self, operation: Operation) -> None:
        if (
            self.config.enabled
            and operation.kind == "query"
            and operation.document is not None
            and accepts_incremental(operation.headers.get("accept"))
            and isinstance(operation.gateway, IncrementalGateway)
            and uses_incremental(operation.document)
        ):
            operation.state[self.name] = self.config.max_deferred_parts


async def execute_operation(
    operation: Operation,
    gateway: GatewayPort,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    headers: Mapping[str, str],
) -> tuple[Json, AsyncIterator[Json] | None]:
    """The response, or its first payload and the later ones when the operation is
    delivered incrementally."""
    max_parts = operation.state.get(IncrementalDelivery.name)
    if isinstance(max_parts, int) and isinstance(gateway, IncrementalGateway):
        return await gateway.execute_incremental(
            query, variables, operation_name, headers, max_parts=max_parts
        )
    return await gateway.execute(query, variables, operation_name, headers), None
