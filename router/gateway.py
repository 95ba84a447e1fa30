"""The router's facade: validate, plan, execute and complete client operations.

Used by :mod:`router.server` (HTTP and WebSocket) and by the audit adapter.

* ``Gateway.from_supergraph(sdl, subgraph_urls=None, timeout_seconds=30, dedupe=True,
  transport=None)`` - ``subgraph_urls`` overrides ``join__graph(url:)`` per subgraph
  (keyed by subgraph name as in ``join__graph(name:)``, or by the join__Graph value);
  ``transport`` replaces the pooled httpx transport in tests.
* ``await gateway.execute(query, variables, operation_name, headers)`` - a full GraphQL
  response dict (``data``/``errors``/``extensions``). Validation errors carry
  ``extensions.code = GRAPHQL_VALIDATION_FAILED`` and call no subgraph. ``authorization``
  and ``x-request-id`` are forwarded to subgraphs. With ``expose_plans=True`` (dev mode) a
  request header ``x-shopgraph-query-plan: true`` adds ``extensions.queryPlan``.
* ``await gateway.execute_incremental(query, variables, operation_name, headers,
  max_parts=)`` - ``(first payload, later payloads)`` for ``@defer``/``@stream``
  (:mod:`router.incremental_execution`); ``execute`` answers such operations in one response.
* ``gateway.plan(query, operation_name)`` - the (cached) :class:`QueryPlan`.
* Subscriptions: ``gateway.subscription_root(query, operation_name)`` returns
  ``(subgraph name, url, upstream operation)`` to open over graphql-transport-ws;
  ``await gateway.resolve_event(plan, event_data, variables, headers)`` completes one
  upstream event (its ``data``) with fields other subgraphs own and returns the response
  to relay as ``next``. ``gateway.validate(query, operation_name)`` returns error dicts.
* ``await gateway.close()`` closes the subgraph connection pools.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    ExperimentalIncrementalExecutionResults,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    experimental_execute_incrementally,
    extend_schema,
    is_abstract_type,
    parse,
    print_type,
    validate,
)
from graphql.execution.values import get_variable_values

from router.executor import ExecutionState, Executor
from router.executor_transport import HttpTransport, Transport
from router.incremental_execution import IncrementalDelivery, IncrementalRequest
from router.override import OverridePolicy
from router.plan_format import format_plan
from router.planner import PlanningError, QueryPlanner, select_operation
from router.planner_nodes import Defer, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from router.response_shape import ResponseShaper
from router.supergraph import Supergraph, parse_supergraph

Json = dict[str, Any]
PLAN_HEADER = "x-shopgraph-query-plan"
DEFAULT_MAX_PARTS = 64


class GatewayError(Exception):
    def __init__(self, errors: list[Json]) -> None:
        super().__init__(errors[0]["message"] if errors else "error")
        self.errors = errors


class Gateway:
    def __init__(
        self,
        supergraph: Supergraph,
        transport: Transport,
        urls: Mapping[str, str],
        *,
        expose_plans: bool = False,
        plan_cache_size: int = 1000,
        active_labels: frozenset[str] = frozenset(),
    ) -> None:
        self.supergraph = supergraph
        self.planner = QueryPlanner(supergraph, cache_size=plan_cache_size)
        self._plan_cache_size = plan_cache_size
        self.override = OverridePolicy(supergraph.override_labels, active_labels)
        # One planner (and plan cache) per set of override labels in force.
        self._planners: dict[frozenset[str], QueryPlanner] = {frozenset(): self.planner}
        self.urls = dict(urls)
        self._transport = transport
        placeholders = frozenset(
            name
            for name, info in supergraph.types.items()
            if info.kind == "interface" and any(j.is_interface_object for j in info.joins)
        )
        possible = {
            name: frozenset(supergraph.possible_types(name))
            for name, info in supergraph.types.items()
            if info.kind in {"interface", "union"}
        }
        self._executor = Executor(transport, self.urls, placeholders, possible)
        self._expose_plans = expose_plans
        self._documents: dict[str, DocumentNode] = {}
        self._completion_schema = completion_schema(supergraph)
        self._shapers: dict[tuple[str, str | None], ResponseShaper | None] = {}

    @classmethod
    def from_supergraph(
        cls,
        sdl: str,
        *,
        subgraph_urls: Mapping[str, str] | None = None,
        timeout_seconds: float | Mapping[str, float] = 30.0,
        dedupe: bool = True,
        transport: Transport | None = None,
        expose_plans: bool = False,
        active_labels: frozenset[str] = frozenset(),
    ) -> Gateway:
        supergraph = parse_supergraph(sdl)
        overrides = dict(subgraph_urls or {})
        urls = {}
        for name, sub in supergraph.subgraphs.items():
            urls[sub.label] = overrides.get(sub.label) or overrides.get(name) or sub.url
        if isinstance(timeout_seconds, Mapping):
            timeouts: float | dict[str, float] = {
                sub.label: float(timeout_seconds.get(sub.label, timeout_seconds.get(name, 30.0)))
                for name, sub in supergraph.subgraphs.items()
            }
        else:
            timeouts = timeout_seconds
        transport = transport or HttpTransport(timeout_seconds=timeouts, dedupe=dedupe)
        return cls(
            supergraph, transport, urls, expose_plans=expose_plans, active_labels=active_labels
        )

    # -- documents --------------------------------------------------------------------------
    def _document(self, query: str) -> DocumentNode:
        document = self._documents.get(query)
        if document is None:
            try:
                document = parse(query)
            except GraphQLError as exc:
                raise GatewayError([_error(exc, "GRAPHQL_PARSE_FAILED")]) from exc
            errors = validate(self.supergraph.api_schema, document)
            if errors:
                raise GatewayError([_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors])
            if len(self._documents) > 1000:
                self._documents.clear()
            self._documents[query] = document
        return document

    def validate(self, query: str, operation_name: str | None = None) -> list[Json]:
        try:
            select_operation(self._document(query), operation_name)
        except GatewayError as exc:
            return exc.errors
        except PlanningError as exc:
            return [{"message": str(exc), "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]
        return []

    def planner_for(self, labels: frozenset[str]) -> QueryPlanner:
        """The planner with these progressive-override labels in force."""
        planner = self._planners.get(labels)
        if planner is None:
            planner = QueryPlanner(
                self.supergraph.with_labels(labels), cache_size=self._plan_cache_size
            )
            self._planners[labels] = planner
        return planner

    def plan(
        self,
        query: str,
        operation_name: str | None = None,
        *,
        labels: frozenset[str] | None = None,
    ) -> QueryPlan:
        """The operation's plan; ``labels``: the override labels in force (default: the
        configured named ones, no percentages)."""
        document = self._document(query)
        chosen = self.override.active & self.override.labels if labels is None else labels
        return self.planner_for(chosen).plan(query, operation_name, document)

    # -- execution --------------------------------------------------------------------------
    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json:
        prepared = self._prepare(query, variables, operation_name, headers)
        if not isinstance(prepared, IncrementalRequest):
            return prepared
        document, plan = prepared.document, prepared.plan
        state = await self._executor.execute(plan, prepared.variables, prepared.headers)
        response = self._complete(query, document, operation_name, state, prepared.coerced)
        if self._expose_plans and _wants_plan(headers or {}):
            response.setdefault("extensions", {})["queryPlan"] = format_plan(plan)
        return response

    async def execute_incremental(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        max_parts: int = DEFAULT_MAX_PARTS,
    ) -> tuple[Json, AsyncIterator[Json] | None]:
        """``execute`` for a client that takes incremental delivery
        (:mod:`router.incremental_execution`): the first payload and the later ones, or the
        whole response and None when the operation defers and streams nothing."""
        prepared = self._prepare(query, variables, operation_name, headers)
        if not isinstance(prepared, IncrementalRequest):
            return prepared, None
        delivery = IncrementalDelivery(self._executor, self._shape_part, prepared, max_parts)
        started = await delivery.start()
        if started is None:
            return await self.execute(query, variables, operation_name, headers), None
        return started

    def _prepare(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str] | None,
    ) -> IncrementalRequest | Json:
        """The validated, coerced and planned operation, or the error response."""
        try:
            document = self._document(query)
            operation = select_operation(document, operation_name)
        except GatewayError as exc:
            return {"errors": exc.errors}
        except PlanningError as exc:
            return {"errors": [{"message": str(exc), "extensions": {"code": "BAD_REQUEST"}}]}
        coerced = get_variable_values(
            self.supergraph.api_schema, operation.variable_definitions or (), dict(variables or {})
        )
        if isinstance(coerced, list):  # invalid variables never reach a subgraph
            return {"errors": [_error(e, "BAD_USER_INPUT") for e in coerced]}
        try:
            plan = self.planner_for(self.override.draw()).plan(query, operation_name, document)
        except PlanningError as exc:
            return {"errors": [{"message": str(exc), "extensions": {"code": "QUERY_PLAN_FAILED"}}]}
        forwarded = _forwarded(headers or {})
        return IncrementalRequest(
            document, operation, plan, dict(variables or {}), coerced.coerced, forwarded
        )

    def _shape_part(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        data: Json,
        coerced: Mapping[str, Any],
    ) -> tuple[Json | None, list[Json]]:
        """One part of an incremental response: ``data`` shaped by that part's document."""
        shaper = ResponseShaper(self._completion_schema, document, operation, self._resolve_type)
        return shaper.shape(data, coerced)

    def _shaper(
        self, query: str, document: DocumentNode, operation_name: str | None
    ) -> ResponseShaper | None:
        """The operation's compiled response shape (None: introspection, which graphql-core
        executes), built once per document and operation name."""
        key = (query, operation_name)
        if key in self._shapers:
            return self._shapers[key]
        shaper: ResponseShaper | None = ResponseShaper(
            self._completion_schema,
            document,
            select_operation(document, operation_name),
            self._resolve_type,
        )
        if shaper is not None and not shaper.handles():
            shaper = None
        if len(self._shapers) > 1000:
            self._shapers.clear()
        self._shapers[key] = shaper
        return shaper

    def _complete(
        self,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        state: ExecutionState,
        coerced_variables: Mapping[str, Any],
    ) -> Json:
        shaper = self._shaper(query, document, operation_name)
        if shaper is None:
            return self._execute_over(document, operation_name, state)
        data, completion_errors = shaper.shape(state.data, coerced_variables)
        return _response(data, state.errors or completion_errors)

    def _execute_over(
        self, document: DocumentNode, operation_name: str | None, state: ExecutionState
    ) -> Json:
        """graphql-core's executor over the merged data: for introspection operations (its
        incremental entry point: the API schema defines @defer and @stream)."""
        result = experimental_execute_incrementally(
            self._completion_schema,
            document,
            root_value=state.data,
            variable_values=dict(state.variables),
            operation_name=operation_name,
            field_resolver=_resolve_field,
            type_resolver=self._resolve_type,
        )
        if isinstance(result, ExperimentalIncrementalExecutionResults):
            message = "Introspection cannot use @defer or @stream"
            return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
        if not isinstance(result, ExecutionResult):  # pragma: no cover - resolvers are sync
            raise RuntimeError("unexpected asynchronous completion")
        completion_errors = [_error(e, None) for e in result.errors or ()]
        return _response(result.data, state.errors or completion_errors)

    def _resolve_type(self, value: Any, *_: Any) -> str | None:
        """Concrete type of an object; an interface-object placeholder (only interface
        fields were asked) completes as any implementation of the interface."""
        if not isinstance(value, dict):
            return None
        typename = value.get("__typename")
        if not isinstance(typename, str):
            return None
        gtype = self.supergraph.api_schema.type_map.get(typename)
        if gtype is not None and is_abstract_type(gtype):
            possible = self.supergraph.api_schema.get_possible_types(gtype)
            if possible:
                return possible[0].name
            return placeholder_type_name(typename)
        return typename

    # -- subscriptions ----------------------------------------------------------------------
    def subscription_root(
        self, query: str, operation_name: str | None = None
    ) -> tuple[str, str, str]:
        plan = self.plan(query, operation_name)
        root = _first_root_fetch(plan.node)
        if root is None or plan.operation_kind != "subscription":
            raise GatewayError([{"message": "not a subscription operation"}])
        return root.service_name, self.urls[root.service_name], root.operation

    async def resolve_event(
        self,
        plan: QueryPlan,
        event_data: Json,
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        *,
        query: str | None = None,
        operation_name: str | None = None,
    ) -> Json:
        rest = QueryPlan(_without_roots(plan.node), "query")
        forwarded = _forwarded(headers or {})
        state = await self._executor.execute(rest, variables or {}, forwarded, event_data)
        if query is None:
            return {"data": state.data, **({"errors": state.errors} if state.errors else {})}
        document = self._document(query)
        operation = select_operation(document, operation_name)
        coerced = get_variable_values(
            self.supergraph.api_schema, operation.variable_definitions or (), dict(variables or {})
        )
        values = coerced.coerced if not isinstance(coerced, list) else {}
        return self._complete(query, document, operation_name, state, values)

    async def close(self) -> None:
        await self._transport.close()


def placeholder_type_name(interface: str) -> str:
    return f"{interface}_ShopGraphInterfaceObject"


def completion_schema(supergraph: Supergraph) -> GraphQLSchema:
    """The API schema plus one stand-in implementation for each interface that has an
    @interfaceObject but no implementation clients can see, so objects known only through
    the interface object complete."""
    schema = supergraph.api_schema
    extra = []
    for name, info in supergraph.types.items():
        gtype = schema.type_map.get(name)
        if info.kind != "interface" or not isinstance(gtype, GraphQLInterfaceType):
            continue
        if schema.get_possible_types(gtype):
            continue
        if not any(j.is_interface_object for j in info.joins):
            continue
        printed = print_type(gtype)
        body = printed[printed.index("{") :]
        interfaces = [i.name for i in gtype.interfaces] + [name]
        extra.append(
            f"type {placeholder_type_name(name)} implements {' & '.join(interfaces)} {body}"
        )
    if not extra:
        return schema
    return extend_schema(schema, parse("\n".join(extra)), assume_valid=True)


def _response(data: Json | None, errors: list[Json]) -> Json:
    response: Json = {}
    if errors:
        response["errors"] = list(errors)
    response["data"] = data
    return response


def _resolve_field(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    if isinstance(source, dict):
        return source.get(str(info.path.key))
    return None


def _forwarded(headers: Mapping[str, str]) -> dict[str, str]:
    # The caller chose what reaches subgraphs (router.plugins.headers); the gateway only
    # keeps its own plan header to itself.
    return {k.lower(): v for k, v in headers.items() if k.lower() != PLAN_HEADER}


def _wants_plan(headers: Mapping[str, str]) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    return lowered.get(PLAN_HEADER, "").lower() in {"1", "true", "yes"}


def _error(error: GraphQLError, code: str | None) -> Json:
    formatted: Json = dict(error.formatted)
    if code is not None:
        extensions = dict(formatted.get("extensions") or {})
        extensions["code"] = code
        formatted["extensions"] = extensions
    return formatted


def _first_root_fetch(node: PlanNode | None) -> Fetch | None:
    if isinstance(node, Fetch):
        return node
    if isinstance(node, Sequence | Parallel):
        for child in node.nodes:
            found = _first_root_fetch(child)
            if found is not None:
                return found
    return None


def _without_roots(node: PlanNode | None) -> PlanNode | None:
    if node is None or isinstance(node, Fetch):
        return None
    if isinstance(node, Flatten | Defer):  # subscriptions are never deferred
        return node
    children = [c for c in (_without_roots(child) for child in node.nodes) if c is not None]
    if not children:
        return None
    return node.__class__(tuple(children))
