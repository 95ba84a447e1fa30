"""Runs a deferred plan part by part and builds each payload of the incremental response
(``deferSpec=20220824``, the format Apollo Router and Apollo Client use).

The first payload, ``{data, errors?, hasNext: true}``, goes out as soon as the primary part's
fetches are done (a deferred part whose ``if`` variable is false is fetched first and
delivered with it). Each deferred part then runs once its parent part is done, over the same
merged data, and becomes ``{incremental: [{data, path, label?, errors?}, ...], hasNext}``: one
entry per object at the fragment's path (a fragment inside a list has one per item). A
``@stream`` list field has its first ``initialCount`` items in the part it belongs to (the
first payload, or the deferred fragment's entry) and each later item in a part of its own,
``{incremental: [{items: [item], path: [..., index]}]}``, after that part.
No more than ``max_parts`` payloads follow the first: the last one carries whatever is left.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode

from router.executor import ExecutionState, Executor
from router.incremental_documents import (
    StreamField,
    deferred_document,
    primary_document,
    stream_fields,
)
from router.planner_nodes import Defer, DeferredNode, QueryPlan
from shopgraph.logging import get_logger

log = get_logger(__name__)

Json = dict[str, Any]
Path = list[str | int]
# (document, its operation, data, coerced variables) -> the shaped data, the shaping errors
Shape = Callable[
    [DocumentNode, OperationDefinitionNode, Json, Mapping[str, Any]],
    tuple[Json | None, list[Json]],
]


@dataclass(frozen=True)
class IncrementalRequest:
    """One operation to deliver incrementally, with everything validated and planned."""

    document: DocumentNode
    operation: OperationDefinitionNode
    plan: QueryPlan
    variables: Mapping[str, Any]  # as sent (they go to the subgraphs)
    coerced: Mapping[str, Any]  # as coerced (they decide @defer/@stream ``if``)
    headers: Mapping[str, str]


def active(deferred: DeferredNode, coerced: Mapping[str, Any]) -> bool:
    return deferred.condition is None or coerced.get(deferred.condition) is not False


class IncrementalDelivery:
    def __init__(
        self, executor: Executor, shape: Shape, request: IncrementalRequest, max_parts: int
    ) -> None:
        self._executor = executor
        self._shape = shape
        self._request = request
        self._max_parts = max(1, max_parts)
        node = request.plan.node
        self._deferred = node.deferred if isinstance(node, Defer) else ()
        self._primary = node.primary if isinstance(node, Defer) else node
        self._state = ExecutionState(request.variables, request.headers)
        self._queue: asyncio.Queue[list[Json]] = asyncio.Queue()
        self._outstanding = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> tuple[Json, AsyncIterator[Json] | None] | None:
        """The first payload and the later ones; None when nothing is deferred or streamed
        (the caller answers the usual way)."""
        request = self._request
        primary = primary_document(request.document, request.coerced)
        operation = _operation_like(primary, request.operation)
        streams = stream_fields(primary, operation, request.coerced)
        if not self._deferred and not streams:
            return None
        await self._executor.run(self._primary, self._state)
        await self._inline_children(None, self._state)
        data, shaping_errors = self._shape(primary, operation, self._state.data, request.coerced)
        for entry in _split_streams(data, streams):
            self._put([entry])
        for deferred in self._active_children(None):
            self._launch(deferred)
        initial = _response(data, self._state.errors or shaping_errors)
        if self._outstanding == 0:
            return initial, None
        return {**initial, "hasNext": True}, self._subsequent()

    # -- parts --------------------------------------------------------------------------------
    def _children(self, parent: int | None) -> list[DeferredNode]:
        return [d for d in self._deferred if d.parent == parent]

    def _active_children(self, parent: int | None) -> list[DeferredNode]:
        """Parts delivered after ``parent``'s: its active children, and the active ones below
        an inactive child (whose data comes with ``parent``'s)."""
        found = []
        for child in self._children(parent):
            if active(child, self._request.coerced):
                found.append(child)
            else:
                found += self._active_children(child.id)
        return found

    async def _inline_children(self, parent: int | None, state: ExecutionState) -> None:
        """Runs the inactive parts below ``parent`` (``if`` false): their data belongs to it."""
        for child in self._children(parent):
            if not active(child, self._request.coerced):
                await self._executor.run(child.node, state)
                await self._inline_children(child.id, state)

    def _launch(self, deferred: DeferredNode) -> None:
        self._outstanding += 1
        task = asyncio.create_task(self._part(deferred))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _put(self, entries: list[Json]) -> None:
        self._outstanding += 1
        self._queue.put_nowait(entries)

    async def _part(self, deferred: DeferredNode) -> None:
        request = self._request
        # the part's own errors; its data merges into the shared tree
        state = ExecutionState(request.variables, request.headers, self._state.data)
        try:
            await self._executor.run(deferred.node, state)
            await self._inline_children(deferred.id, state)
            document = deferred_document(
                request.document,
                request.operation,
                deferred.offset,
                deferred.path,
                request.coerced,
            )
            operation = document.definitions[0]
            assert isinstance(operation, OperationDefinitionNode)
            data, shaping_errors = self._shape(document, operation, state.data, request.coerced)
            streams = _streams_in_part(document, operation, deferred, request.coerced)
            streamed = _split_streams(data, streams)
            entries = _entries(data, deferred, state.errors or shaping_errors)
        except Exception as exc:  # one broken part must not leave the client waiting
            log.error("deferred_part_failed", error=repr(exc), exc_info=exc)
            code = {"code": "INTERNAL_SERVER_ERROR"}
            error = {"message": "Internal server error", "extensions": code}
            entries = [_entry(None, _fixed_prefix(deferred.path), deferred, [error])]
            streamed = []
        for child in self._active_children(deferred.id):
            self._launch(child)
        self._queue.put_nowait(entries)
        # after the part itself: each item's list arrives with it
        for entry in streamed:
            self._put([entry])

    async def _subsequent(self) -> AsyncIterator[Json]:
        sent = 0
        try:
            while self._outstanding > 0:
                entries = await self._next()
                if sent + 1 >= self._max_parts:  # the last part allowed: it takes the rest
                    while self._outstanding > 0:
                        entries += await self._next()
                payload: Json = {"hasNext": self._outstanding > 0}
                if entries:
                    payload = {"incremental": entries, **payload}
                elif payload["hasNext"]:  # nothing to say yet (e.g. its objects were null)
                    continue
                sent += 1
                yield payload
        finally:
            for task in list(self._tasks):
                task.cancel()

    async def _next(self) -> list[Json]:
        entries = await self._queue.get()
        self._outstanding -= 1
        return entries


def _operation_like(
    document: DocumentNode, operation: OperationDefinitionNode
) -> OperationDefinitionNode:
    """The operation of a transformed ``document`` that stands for ``operation``."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.loc == operation.loc:
            return definition
    return operation


def _entries(data: Json | None, deferred: DeferredNode, errors: list[Json]) -> list[Json]:
    """One entry per object at the part's path; each error goes with the entry its path is
    under (the first entry otherwise)."""
    located = [(path, value) for path, value in _at_path(data, deferred.path) if value]
    if not located:
        if not errors:
            return []
        return [_entry(None, _fixed_prefix(deferred.path), deferred, errors)]
    grouped: list[list[Json]] = [[] for _ in located]
    for error in errors:
        where = error.get("path") if isinstance(error, dict) else None
        index = next(
            (
                i
                for i, (path, _) in enumerate(located)
                if isinstance(where, list) and where[: len(path)] == path
            ),
            0,
        )
        grouped[index].append(error)
    return [
        _entry(value, path, deferred, group)
        for (path, value), group in zip(located, grouped, strict=True)
    ]


def _entry(data: Any, path: Path, deferred: DeferredNode, errors: list[Json]) -> Json:
    entry: Json = {"data": data, "path": path}
    if deferred.label is not None:
        entry["label"] = deferred.label
    if errors:
        entry["errors"] = errors
    return entry


def _at_path(data: Json | None, path: tuple[str, ...]) -> list[tuple[Path, Any]]:
    level: list[tuple[Path, Any]] = [([], data)]
    for step in path:
        below: list[tuple[Path, Any]] = []
        for where, value in level:
            if step == "@" and isinstance(value, list):
                below += [([*where, index], item) for index, item in enumerate(value)]
            elif step != "@" and isinstance(value, dict):
                below.append(([*where, step], value.get(step)))
        level = below
    return level


def _fixed_prefix(path: tuple[str, ...]) -> Path:
    prefix: Path = []
    for step in path:
        if step == "@":
            break
        prefix.append(step)
    return prefix


def _streams_in_part(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    deferred: DeferredNode,
    coerced: Mapping[str, Any],
) -> list[StreamField]:
    """The ``@stream`` fields inside a deferred fragment (not those on the way to it: the
    part that holds them streams them)."""
    keys = tuple(step for step in deferred.path if step != "@")
    return [
        stream
        for stream in stream_fields(document, operation, coerced)
        if len(stream.keys) > len(keys) and stream.keys[: len(keys)] == keys
    ]


def _split_streams(data: Json | None, streams: list[StreamField]) -> list[Json]:
    """Cuts every streamed list down to its initial items (in place) and returns the entry
    of each later item, in order."""
    entries: list[Json] = []
    for stream in streams:
        for where, value in _at_keys(data, stream.keys):
            if not isinstance(value, list) or len(value) <= stream.initial_count:
                continue
            later = value[stream.initial_count :]
            del value[stream.initial_count :]
            for index, item in enumerate(later, start=stream.initial_count):
                entry: Json = {"items": [item], "path": [*where, index]}
                if stream.label is not None:
                    entry["label"] = stream.label
                entries.append(entry)
    return entries


def _at_keys(data: Json | None, keys: tuple[str, ...]) -> list[tuple[Path, Any]]:
    """The values at response keys, lists on the way walked through (their items' paths)."""
    level: list[tuple[Path, Any]] = [([], data)]
    for key in keys:
        level = [
            ([*where, key], value.get(key))
            for where, value in _items(level)
            if isinstance(value, dict)
        ]
    return level


def _items(level: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
    """The values with every list among them replaced by its items (nested lists too)."""
    out: list[tuple[Path, Any]] = []
    for where, value in level:
        if isinstance(value, list):
            out += _items([([*where, index], item) for index, item in enumerate(value)])
        else:
            out.append((where, value))
    return out


def _response(data: Json | None, errors: list[Json]) -> Json:
    response: Json = {}
    if errors:
        response["errors"] = list(errors)
    response["data"] = data
    return response
