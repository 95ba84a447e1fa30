"""Executes a :class:`QueryPlan`: runs the fetches, merges every answer into one data tree and
maps subgraph errors onto client paths (``extensions.serviceName``, ``extensions.code``).

The merged tree keeps the client's response keys; :mod:`router.gateway` then completes it
against the API schema (aliases, fragments, @include/@skip, null propagation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from router.executor_batch import EntityBatch, batch_entity_fetches
from router.executor_representations import Representations
from router.executor_transport import SubgraphRequestError, Transport
from router.planner_nodes import (
    Defer,
    DeferredNode,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from router.planner_selection import ALIAS_MARK

Json = dict[str, Any]
Path = list[str | int]
BATCHES_KEPT = 1000


@dataclass
class ExecutionState:
    variables: Mapping[str, Any]
    headers: Mapping[str, str]
    data: Json = field(default_factory=dict)
    errors: list[Json] = field(default_factory=list)


class Executor:
    def __init__(
        self,
        transport: Transport,
        urls: Mapping[str, str],
        placeholders: frozenset[str] = frozenset(),
        possible_types: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self._possible = possible_types
        self._transport = transport
        self._urls = urls
        self._placeholders = placeholders
        # id(Parallel) -> (that node, its steps); the node is kept so an id is never reused
        self._batched: dict[int, tuple[Parallel, tuple[PlanNode | EntityBatch, ...]]] = {}
        self._projections: dict[int, tuple[Fetch, Representations]] = {}

    async def execute(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        initial: Json | None = None,
    ) -> ExecutionState:
        state = ExecutionState(variables, headers, dict(initial or {}))
        if plan.node is not None:
            await self._run(plan.node, state)
        return state

    async def run(self, node: PlanNode | None, state: ExecutionState) -> None:
        """Runs one part of a plan over ``state`` (its data already holds what the part's
        fetches start from)."""
        if node is not None:
            await self._run(node, state)

    def _steps(self, node: Parallel) -> tuple[PlanNode | EntityBatch, ...]:
        """The parallel step's children, entity fetches to one subgraph batched (cached)."""
        cached = self._batched.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        steps = batch_entity_fetches(node.nodes)
        if len(self._batched) >= BATCHES_KEPT:
            self._batched.clear()
        self._batched[id(node)] = (node, steps)
        return steps

    def _representations(self, fetch: Fetch) -> Representations:
        cached = self._projections.get(id(fetch))
        if cached is not None and cached[0] is fetch:
            return cached[1]
        built = Representations(fetch.requires, self._possible)
        if len(self._projections) >= BATCHES_KEPT:
            self._projections.clear()
        self._projections[id(fetch)] = (fetch, built)
        return built

    async def _run(self, node: PlanNode, state: ExecutionState) -> None:
        if isinstance(node, Defer):
            await self._all_parts(node, state)
        elif isinstance(node, Sequence):
            for child in node.nodes:
                await self._run(child, state)
        elif isinstance(node, Parallel):
            await self._parallel(node, state)
        elif isinstance(node, Flatten):
            assert isinstance(node.node, Fetch)
            if node.node.contexts:
                await self._contextual(node.path, node.node, state)
            else:
                await self._entities(node.node, self._targets(node.path, node.node, state), state)
        else:
            await self._root(node, state)

    async def _all_parts(self, node: Defer, state: ExecutionState) -> None:
        """Every part of a deferred plan into one response: the primary, then each deferred
        part once its parent part is done."""
        await self.run(node.primary, state)

        async def part(deferred: DeferredNode) -> None:
            await self.run(deferred.node, state)
            await asyncio.gather(*(part(d) for d in node.deferred if d.parent == deferred.id))

        await asyncio.gather(*(part(d) for d in node.deferred if d.parent is None))

    async def _parallel(self, node: Parallel, state: ExecutionState) -> None:
        """One plan step. Every entity fetch's representations are taken from the data as it
        was before the step (objects at one path are looked up once), then the step's
        requests go out together."""
        found: dict[tuple[str, ...], list[Json]] = {}
        jobs = []
        for step in self._steps(node):
            if isinstance(step, EntityBatch):
                members = [self._targets(m.path, m.fetch, state, found) for m in step.members]
                jobs.append(self._entity_batch(step, members, state))
            elif isinstance(step, Flatten) and isinstance(step.node, Fetch) and step.node.contexts:
                jobs.append(self._contextual(step.path, step.node, state))
            elif isinstance(step, Flatten) and isinstance(step.node, Fetch):
                targets = self._targets(step.path, step.node, state, found)
                jobs.append(self._entities(step.node, targets, state))
            else:
                jobs.append(self._run(step, state))
        await asyncio.gather(*jobs)

    def _targets(
        self,
        path: tuple[str, ...],
        fetch: Fetch,
        state: ExecutionState,
        found: dict[tuple[str, ...], list[Json]] | None = None,
    ) -> _EntityTargets:
        objects = found.get(path) if found is not None else None
        if objects is None:
            objects = _objects_at(state.data, path)
            if found is not None:
                found[path] = objects
        return _EntityTargets.collect(state.data, path, objects, self._representations(fetch))

    async def _root(self, fetch: Fetch, state: ExecutionState) -> None:
        answer = await self._send(fetch, state, {})
        if answer is None:
            return
        data = answer.get("data")
        if isinstance(data, dict):
            merge(state.data, data, self._placeholders)
        for error in answer.get("errors") or ():
            state.errors.append(_map_error(error, fetch.service_name, lambda p: p))

    async def _contextual(self, path: tuple[str, ...], fetch: Fetch, state: ExecutionState) -> None:
        """An entity fetch with @fromContext arguments: each entity's values come from its
        ancestors; entities with the same values share one request."""
        groups: dict[bytes, tuple[Json, list[Json]]] = {}
        uses = [(use, Representations(use.requires, self._possible)) for use in fetch.contexts]
        for obj, ancestors in _objects_with_ancestors(state.data, path):
            values = {
                use.variable: _context_value(ancestors.get(use.depth), projection)
                for use, projection in uses
            }
            key = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
            groups.setdefault(key, (values, []))[1].append(obj)
        representations = self._representations(fetch)
        await asyncio.gather(
            *(
                self._entities(
                    fetch,
                    _EntityTargets.collect(state.data, path, objects, representations),
                    state,
                    values,
                )
                for values, objects in groups.values()
            )
        )

    async def _entities(
        self,
        fetch: Fetch,
        batch: _EntityTargets,
        state: ExecutionState,
        extra: Json | None = None,
    ) -> None:
        if not batch.representations:
            return
        answer = await self._send(
            fetch, state, {**(extra or {}), "representations": batch.representations}
        )
        if answer is None:
            return
        data = answer.get("data")
        self._merge_entities(data.get("_entities") if isinstance(data, dict) else None, batch)
        for error in answer.get("errors") or ():
            state.errors.append(_map_error(error, fetch.service_name, batch.to_client))

    async def _entity_batch(
        self, batch: EntityBatch, members: list[_EntityTargets], state: ExecutionState
    ) -> None:
        """The entity fetches of one plan step that go to one subgraph, in one request."""
        live = [i for i, m in enumerate(members) if m.representations]
        if len(live) <= 1:
            for i in live:
                await self._entities(batch.members[i].fetch, members[i], state)
            return
        extra = {
            name: member.representations
            for name, member in zip(batch.representation_variables, members, strict=True)
        }
        answer = await self._send(batch.fetch, state, extra)
        if answer is None:
            return
        data = answer.get("data")
        for key, member in zip(batch.response_keys, members, strict=True):
            self._merge_entities(data.get(key) if isinstance(data, dict) else None, member)
        for error in answer.get("errors") or ():
            path = error.get("path") if isinstance(error, dict) else None
            member = members[0]
            if isinstance(path, list) and path and path[0] in batch.response_keys:
                member = members[batch.response_keys.index(path[0])]
                error = {**error, "path": ["_entities", *path[1:]]}
            state.errors.append(_map_error(error, batch.fetch.service_name, member.to_client))

    def _merge_entities(self, entities: Any, batch: _EntityTargets) -> None:
        if not isinstance(entities, list):
            return
        for index, entity in enumerate(entities[: len(batch.targets)]):
            if isinstance(entity, dict):
                for obj in batch.targets[index]:
                    merge(obj, entity, self._placeholders)

    async def _send(self, fetch: Fetch, state: ExecutionState, extra: Json) -> Json | None:
        variables = {k: state.variables[k] for k in fetch.variable_usages if k in state.variables}
        variables.update(extra)
        body: Json = {"query": fetch.operation}
        if variables:
            body["variables"] = variables
        url = self._urls.get(fetch.service_name, "")
        try:
            answer = await self._transport.send(fetch.service_name, url, body, state.headers)
            if ALIAS_MARK in fetch.operation and isinstance(answer.get("data"), dict):
                answer = {**answer, "data": _unalias(answer["data"])}
            return answer
        except SubgraphRequestError as exc:
            state.errors.append(
                {
                    "message": str(exc),
                    "extensions": {"code": exc.code, "serviceName": fetch.service_name},
                }
            )
            return None
        except Exception:  # a transport bug must not lose the other subgraphs' data
            state.errors.append(
                {
                    "message": f"request to {fetch.service_name} failed",
                    "extensions": {
                        "code": "SUBREQUEST_FAILED",
                        "serviceName": fetch.service_name,
                    },
                }
            )
            return None


@dataclass
class _EntityTargets:
    """The de-duplicated representations of one entity fetch and, per representation, the
    objects its answer completes (their client paths are worked out only for errors)."""

    data: Json
    flatten_path: tuple[str, ...]
    representations: list[Json] = field(default_factory=list)
    targets: list[list[Json]] = field(default_factory=list)

    @classmethod
    def collect(
        cls,
        data: Json,
        path: tuple[str, ...],
        objects: list[Json],
        representations: Representations,
    ) -> _EntityTargets:
        found = cls(data, path)
        index_of: dict[bytes, int] = {}
        for obj in objects:
            rep = representations.of(obj)
            if rep is None:
                continue
            # projections list fields in the order of the requirements: no key sorting needed
            key = orjson.dumps(rep)
            index = index_of.get(key)
            if index is None:
                index_of[key] = len(found.representations)
                found.representations.append(rep)
                found.targets.append([obj])
            else:
                found.targets[index].append(obj)
        return found

    def to_client(self, sub_path: Path) -> Path:
        """A subgraph error path (``_entities``, index, ...) as the client's path."""
        if (
            len(sub_path) >= 2
            and sub_path[0] == "_entities"
            and isinstance(sub_path[1], int)
            and 0 <= sub_path[1] < len(self.targets)
        ):
            located: list[tuple[Path, Json]] = []
            _collect(self.data, list(self.flatten_path), [], located)
            wanted = self.targets[sub_path[1]][0]
            for obj_path, obj in located:
                if obj is wanted:
                    return obj_path + list(sub_path[2:])
        return [p for p in self.flatten_path if p != "@"]


def _objects_at(data: Json, path: tuple[str, ...]) -> list[Json]:
    """The objects at a flatten path, in document order (lists are walked through; ``@``
    asks for a list's items)."""
    level: list[Any] = [data]
    for head in path:
        below: list[Any] = []
        if head == "@":
            for value in level:
                if isinstance(value, list):
                    below.extend(value)
        else:
            for value in level:
                _field_values(value, head, below)
        level = below
    objects: list[Json] = []
    _dicts(level, objects)
    return objects


def _objects_with_ancestors(
    data: Json, path: tuple[str, ...]
) -> list[tuple[Json, dict[int, Json]]]:
    """The objects at a flatten path (as :func:`_objects_at`), each with the objects on its
    way down: path length -> the object there."""
    out: list[tuple[Json, dict[int, Json]]] = []

    def walk(value: Any, depth: int, chain: dict[int, Json]) -> None:
        if isinstance(value, list) and (depth == len(path) or path[depth] != "@"):
            for item in value:
                walk(item, depth, chain)
            return
        if depth == len(path):
            if isinstance(value, dict):
                out.append((value, chain))
            return
        head = path[depth]
        if head == "@":
            below = value if isinstance(value, list) else []
        else:
            found = value.get(head) if isinstance(value, dict) else None
            below = [] if found is None else [found]
        for item in below:
            walk(item, depth + 1, {**chain, depth + 1: item} if isinstance(item, dict) else chain)

    walk(data, 0, {0: data})
    return out


def _context_value(ancestor: Json | None, projection: Representations) -> Any:
    """The one field a context selects on the ancestor (None when there is none)."""
    if ancestor is None:
        return None
    projected = projection.of(ancestor)
    if not projected:
        return None
    return next((v for k, v in projected.items() if k != "__typename"), None)


def _field_values(value: Any, name: str, out: list[Any]) -> None:
    if isinstance(value, dict):
        found = value.get(name)
        if found is not None:
            out.append(found)
    elif isinstance(value, list):
        for item in value:
            _field_values(item, name, out)


def _dicts(values: list[Any], out: list[Json]) -> None:
    for value in values:
        if isinstance(value, dict):
            out.append(value)
        elif isinstance(value, list):
            _dicts(value, out)


def merge(target: Json, source: Json, placeholders: frozenset[str] = frozenset()) -> None:
    """Deep-merge ``source`` into ``target``. A ``__typename`` in ``placeholders`` (interface
    names an @interfaceObject subgraph answers with) never replaces a concrete one."""
    for key, value in source.items():
        current = target.get(key)
        if key == "__typename" and current is not None and value in placeholders:
            continue
        if isinstance(current, dict) and isinstance(value, dict):
            merge(current, value, placeholders)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            for index, item in enumerate(value):
                if isinstance(current[index], dict) and isinstance(item, dict):
                    merge(current[index], item, placeholders)
                else:
                    current[index] = item
        else:
            target[key] = value


def _unalias(value: Any) -> Any:
    if isinstance(value, list):
        return [_unalias(v) for v in value]
    if isinstance(value, dict):
        return {
            (k[: k.index(ALIAS_MARK)] if ALIAS_MARK in k else k): _unalias(v)
            for k, v in value.items()
        }
    return value


def _collect(value: Any, path: list[str], here: Path, out: list[tuple[Path, Json]]) -> None:
    if value is None:
        return
    if not path:
        if isinstance(value, dict):
            out.append((here, value))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                _collect(item, path, [*here, index], out)
        return
    head, rest = path[0], path[1:]
    if head == "@":
        if isinstance(value, list):
            for index, item in enumerate(value):
                _collect(item, rest, [*here, index], out)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, path, [*here, index], out)
    elif isinstance(value, dict):
        _collect(value.get(head), rest, [*here, head], out)


def _map_error(error: Any, service: str, to_client: Any) -> Json:
    if not isinstance(error, dict):
        error = {"message": str(error)}
    mapped: Json = {"message": error.get("message", "subgraph error")}
    path = error.get("path")
    if isinstance(path, list) and path:
        mapped["path"] = to_client(path)
    extensions = dict(error.get("extensions") or {})
    extensions.setdefault("code", "DOWNSTREAM_SERVICE_ERROR")
    extensions["serviceName"] = service
    mapped["extensions"] = extensions
    return mapped
