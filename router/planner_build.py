"""Builds the fetch graph of one operation: which subgraph resolves each field, where the
plan jumps between subgraphs through ``_entities`` and which data each jump needs first."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    print_ast,
)

from router.planner_defer import DeferredSelection, PlannedDefer
from router.planner_errors import PlanningError
from router.planner_merge import fold_late_entity_fetches
from router.planner_nodes import ContextUse, RequiredFragment
from router.planner_routes import RouteChooser
from router.planner_selection import (
    Collector,
    Fields,
    Sel,
    condition_variables,
    conditions_of,
    parse_selection,
    print_sel,
    provided_below,
    sel_from_fields,
    sub_selections,
    to_required,
    variables_in,
)
from router.supergraph import ContextArgument, Supergraph

_MAX_DEPTH = 12


@dataclass
class FetchBuilder:
    id: int
    graph: str
    path: tuple[str, ...] | None  # None for a root fetch
    deps: set[int] = field(default_factory=set)
    sel: Sel = field(default_factory=Sel)
    requires: dict[str, Sel] = field(default_factory=dict)  # data __typename -> selection
    rename: dict[str, str] = field(default_factory=dict)  # data __typename -> sent __typename
    key_fields: dict[str, set[str]] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    # @fromContext values: the uses, and each variable's GraphQL type
    contexts: list[ContextUse] = field(default_factory=list)
    context_types: dict[str, str] = field(default_factory=dict)
    # the deferred part (PlannedDefer.id) this fetch belongs to; None: the primary
    defer: int | None = None

    def required(self) -> tuple[RequiredFragment, ...]:
        out = []
        for type_name, sel in self.requires.items():
            keys = tuple(sorted(self.key_fields.get(type_name, ())))
            out.append(
                RequiredFragment(type_name, to_required(sel), self.rename.get(type_name), keys)
            )
        return tuple(out)


@dataclass(frozen=True)
class _Ancestor:
    """An object on the way down to the field being planned (for @fromContext)."""

    type_name: str
    graph: str
    fetch: FetchBuilder
    sel: Sel
    path: tuple[str, ...]


class PlanBuilder:
    def __init__(
        self,
        supergraph: Supergraph,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> None:
        self.sg = supergraph
        self.schema = supergraph.schema
        self.operation = operation
        self.collector = Collector(supergraph.schema, fragments)
        self.fetches: list[FetchBuilder] = []
        self._children: dict[
            tuple[str, tuple[str, ...], frozenset[int], int, int | None], FetchBuilder
        ] = {}
        self._depth = 0
        self.routes = RouteChooser(supergraph, self.collector)
        self._ancestors: list[_Ancestor] = []
        self._context_variables = 0
        # @defer splits queries only; elsewhere a deferred fragment is an ordinary one
        self._splits_defers = operation.operation.value == "query"
        self.defers: list[PlannedDefer] = []
        self._defer_ids: dict[tuple[int, tuple[str, ...], int | None], PlannedDefer] = {}
        self._defer: int | None = None  # the deferred part being planned

    # -- entry ------------------------------------------------------------------------------
    def build(self) -> list[FetchBuilder]:
        kind = self.operation.operation.value
        root = {
            "query": self.sg.query_type,
            "mutation": self.sg.mutation_type,
            "subscription": self.sg.subscription_type,
        }[kind]
        if root is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        fields, deferred = self._collect(root, [self.operation.selection_set])
        self._plan_root(root, kind, fields, {})
        for selection in deferred:
            self._plan_root_deferred(root, kind, selection)
        fold_late_entity_fetches(self.fetches)
        return self.fetches

    def _plan_root_deferred(self, root: str, kind: str, selection: DeferredSelection) -> None:
        """A deferred fragment on the root type: its fields get root fetches of their own."""
        planned = self._register_defer(selection, ())
        outer, self._defer = self._defer, planned.id
        try:
            fields, nested = self._collect(root, [selection.selection_set])
            self._plan_root(root, kind, fields, {})
            for inner in nested:
                self._plan_root_deferred(root, kind, inner)
        finally:
            self._defer = outer

    def _plan_root(
        self, root: str, kind: str, fields: Fields, roots: dict[str, FetchBuilder]
    ) -> None:
        current: FetchBuilder | None = None
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue
            graphs = self.sg.field_graphs(root, name)
            if not graphs:
                raise PlanningError(f"no subgraph resolves {root}.{name}")
            preferred = [current.graph] if current is not None else list(roots)
            graph = self.routes.best_graph(graphs, root, name, nodes, preferred)
            parts = [(graph, nodes)]
            if kind != "mutation" and len(graphs) > 1:
                parts = self.routes.split_root(root, name, nodes, graph, graphs)
            for graph, part in parts:
                if kind == "mutation":
                    if current is None or current.graph != graph:
                        current = self._new_fetch(graph, None, {f.id for f in self.fetches})
                    fetch = current
                else:
                    fetch = roots.get(graph) or self._new_fetch(graph, None, set())
                    roots[graph] = fetch
                self._plan_local(fetch, fetch.sel, root, graph, key, part, (), None)

    def _collect(
        self, type_name: str, selection_sets: Sequence[SelectionSetNode]
    ) -> tuple[Fields, list[DeferredSelection]]:
        if self._splits_defers:
            return self.collector.collect_split(type_name, selection_sets)
        return self.collector.collect(type_name, selection_sets), []

    # -- fetches ----------------------------------------------------------------------------
    def _new_fetch(self, graph: str, path: tuple[str, ...] | None, deps: set[int]) -> FetchBuilder:
        fetch = FetchBuilder(len(self.fetches), graph, path, set(deps), defer=self._defer)
        self.fetches.append(fetch)
        return fetch

    def _child(
        self,
        graph: str,
        path: tuple[str, ...],
        deps: set[int],
        type_name: str | None = None,
        req: Fields | None = None,
    ) -> FetchBuilder:
        """The entity fetch for (graph, path, deps); a new one when the representation
        would need the same field with other arguments."""
        slot = 0
        while True:
            key = (graph, path, frozenset(deps), slot, self._defer)
            child = self._children.get(key)
            if child is None:
                child = self._new_fetch(graph, path, deps)
                self._children[key] = child
                return child
            existing = child.requires.get(type_name or "")
            if existing is None or req is None or _compatible(existing, req):
                return child
            slot += 1

    # -- fields -----------------------------------------------------------------------------
    def _plan_fields(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        fields: Fields,
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> set[int]:
        touched = {fetch.id}
        for key, nodes in fields.items():
            touched |= self._plan_field(fetch, sel, type_name, graph, key, nodes, path, provided)
        return touched

    def _plan_field(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        key: str,
        nodes: list[FieldNode],
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> set[int]:
        name = nodes[0].name.value
        if name == "__typename":
            sel.add("__typename")
            return {fetch.id}
        if self.routes.stays(type_name, name, graph, nodes, provided):
            return self._plan_local(fetch, sel, type_name, graph, key, nodes, path, provided)
        split = self.routes.split(type_name, name, graph, nodes, provided)
        if split is not None:
            here, rest = split
            touched = self._plan_local(fetch, sel, type_name, graph, key, here, path, provided)
            return touched | self._jump(fetch, sel, type_name, graph, key, rest, path, provided)
        return self._jump(fetch, sel, type_name, graph, key, nodes, path, provided)

    def _plan_local(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        key: str,
        nodes: list[FieldNode],
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> set[int]:
        first = nodes[0]
        name = first.name.value
        conditions = conditions_of(nodes)
        fsel = sel.add(name, key, first.arguments or (), conditions)
        fetch.variables |= variables_in(first.arguments or ())
        gfield = self.routes.schema_field(type_name, name)
        join = self.sg.field_join(type_name, name, graph)
        fsel.type = join.type if join is not None and join.type else str(gfield.type)
        named = get_named_type(gfield.type)
        if is_leaf_type(named):
            return {fetch.id}
        provide_sets = provided_below(provided, name, join.provides if join is not None else None)
        new_path = path + (key,) + ("@",) * _list_depth(gfield.type)
        if fsel.sub is None:
            fsel.sub = Sel()
        target_type = named.name
        if join is not None and join.type:
            local_name = join.type.replace("[", "").replace("]", "").replace("!", "").strip()
            if local_name in self.schema.type_map:
                target_type = local_name
        self._ancestors.append(_Ancestor(target_type, graph, fetch, fsel.sub, new_path))
        try:
            with self.routes.below(type_name, name, graph):
                return self._descend(
                    fetch,
                    fsel.sub,
                    target_type,
                    graph,
                    sub_selections(nodes),
                    new_path,
                    provide_sets,
                )
        finally:
            self._ancestors.pop()

    def _descend(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        selection_sets: Sequence[SelectionSetNode],
        path: tuple[str, ...],
        provide_sets: list[SelectionSetNode],
    ) -> set[int]:
        gtype = self.schema.type_map[type_name]
        if not is_abstract_type(gtype):
            fields, deferred = self._collect(type_name, selection_sets)
            provided = self.collector.collect(type_name, provide_sets) if provide_sets else None
            touched = self._plan_fields(fetch, sel, type_name, graph, fields, path, provided)
            for selection in deferred:
                self._plan_deferred(fetch, sel, type_name, graph, selection, path, provided)
            return touched
        sel.add("__typename")
        if self.sg.is_interface_object(type_name, graph):
            return self._via_interface_object(fetch, sel, type_name, graph, selection_sets, path)
        touched = {fetch.id}
        concretes = self.routes.possible_types_in_scope(type_name, graph)
        if not concretes:
            for nodes in self.collector.collect(type_name, selection_sets).values():
                name = nodes[0].name.value
                if name != "__typename" and not self.sg.resolvable(type_name, name, graph):
                    raise PlanningError(f"no subgraph can resolve {type_name}.{name} from {graph}")
        for concrete in concretes:
            fields, deferred = self._collect(concrete, selection_sets)
            if not fields and not deferred:
                continue
            provided = self.collector.collect(concrete, provide_sets) if provide_sets else None
            frag = sel.frag(concrete)
            touched |= self._plan_fields(fetch, frag, concrete, graph, fields, path, provided)
            for selection in deferred:
                self._plan_deferred(fetch, frag, concrete, graph, selection, path, provided)
        return touched

    # -- deferred fragments -----------------------------------------------------------------
    def _register_defer(self, selection: DeferredSelection, path: tuple[str, ...]) -> PlannedDefer:
        key = (selection.offset, path, self._defer)
        planned = self._defer_ids.get(key)
        if planned is None:
            planned = PlannedDefer(len(self.defers), path, selection, self._defer)
            self.defers.append(planned)
            self._defer_ids[key] = planned
        return planned

    def _plan_deferred(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        selection: DeferredSelection,
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> None:
        """A deferred fragment below ``fetch``: each of its fields jumps (``_entities``, to
        the same subgraph if it resolves the field) so the part has fetches of its own that
        start from the keys the parent fetch adds. A field of a type that cannot be jumped
        to (no key) is fetched with the parent and only delivered later."""
        planned = self._register_defer(selection, path)
        outer, self._defer = self._defer, planned.id
        try:
            fields, nested = self._collect(type_name, [selection.selection_set])
            for key, nodes in fields.items():
                name = nodes[0].name.value
                if name == "__typename" or (
                    self.routes.jump_target(type_name, name, graph, nodes, provided) is None
                ):
                    self._plan_field(fetch, sel, type_name, graph, key, nodes, path, provided)
                else:
                    self._jump(fetch, sel, type_name, graph, key, nodes, path, provided)
            for inner in nested:
                self._plan_deferred(fetch, sel, type_name, graph, inner, path, provided)
        finally:
            self._defer = outer

    def _via_interface_object(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        iface: str,
        graph: str,
        selection_sets: Sequence[SelectionSetNode],
        path: tuple[str, ...],
    ) -> set[int]:
        """The subgraph only knows the interface as an object. Interface-level selections
        are planned on the interface itself; otherwise ask a subgraph that has the real
        interface for the concrete __typename, and plan the rest from there."""
        generic = self.collector.collect(iface, selection_sets)
        concrete_types = self.sg.possible_types(iface)
        if "__typename" not in {n[0].name.value for n in generic.values()} and all(
            self.collector.collect(t, selection_sets).keys() == generic.keys()
            for t in concrete_types
        ):
            return self._plan_fields(fetch, sel, iface, graph, generic, path, None)
        for target in self.sg.subgraphs:
            if target == graph or self.sg.is_interface_object(iface, target):
                continue
            if self.sg.type_join(iface, target) is None:
                continue
            for key_text in self.sg.keys(iface, target):
                req = self.collector.collect(iface, [parse_selection(key_text)])
                if not all(self.routes.local(iface, k, graph, None) for k in req):
                    continue
                deps = self._plan_fields(fetch, sel, iface, graph, req, path, None)
                child = self._child(target, path, deps)
                child.requires.setdefault(iface, Sel()).merge(sel_from_fields(req))
                child.requires[iface].add("__typename")
                frag = child.sel.frag(iface)
                frag.add("__typename")
                touched = {fetch.id, child.id}
                for concrete in self.sg.possible_types_in(iface, target):
                    fields = self.collector.collect(concrete, selection_sets)
                    if fields:
                        touched |= self._plan_fields(
                            child, frag.frag(concrete), concrete, target, fields, path, None
                        )
                return touched
        raise PlanningError(f"cannot resolve the concrete type of interface object {iface}")

    # -- entity jumps -----------------------------------------------------------------------
    def _jump(
        self,
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        key: str,
        nodes: list[FieldNode],
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> set[int]:
        name = nodes[0].name.value
        if self._depth > _MAX_DEPTH:
            raise PlanningError(f"cannot plan {type_name}.{name}: requirements are circular")
        option = self.routes.jump_target(type_name, name, graph, nodes, provided)
        if option is None:
            raise PlanningError(f"no subgraph can resolve {type_name}.{name} from {graph}")
        if not self.routes.subtree_feasible(option[1], name, option[0], nodes, None, 0):
            groups = self.routes.split_jump(type_name, name, graph, nodes, provided)
            if groups is not None:
                touched: set[int] = set()
                for group_option, part in groups:
                    touched |= self._jump_with(
                        group_option, fetch, sel, type_name, graph, key, part, path, provided
                    )
                return touched
        return self._jump_with(option, fetch, sel, type_name, graph, key, nodes, path, provided)

    def _jump_with(
        self,
        option: tuple[str, str, str],
        fetch: FetchBuilder,
        sel: Sel,
        type_name: str,
        graph: str,
        key: str,
        nodes: list[FieldNode],
        path: tuple[str, ...],
        provided: Fields | None,
    ) -> set[int]:
        name = nodes[0].name.value
        target, entity_type, key_text = option
        join = self.sg.field_join(entity_type, name, target)
        requires_text = join.requires if join is not None else None
        self._depth += 1
        try:
            sel.add("__typename")
            req_sets = [parse_selection(key_text)]
            if requires_text:
                req_sets.append(parse_selection(requires_text))
            req = _alias_arguments(self.collector.collect(type_name, req_sets))
            deps = self._plan_fields(fetch, sel, type_name, graph, req, path, provided)
        finally:
            self._depth -= 1
        contexts: list[tuple[ContextArgument, _Ancestor]] = []
        if join is not None and join.context_arguments:
            for argument in join.context_arguments:
                ancestor = self._context_ancestor(argument.context)
                if ancestor is None:
                    raise PlanningError(
                        f"cannot plan {entity_type}.{name}: no object above it sets the "
                        f"context {argument.context!r}"
                    )
                deps |= self._plan_context(ancestor, argument)
                contexts.append((argument, ancestor))
        child = self._child(target, path, deps, type_name, req)
        if contexts:
            nodes = [self._with_context_arguments(child, nodes[0], contexts)]
        rsel = child.requires.setdefault(type_name, Sel())
        rsel.add("__typename")
        rsel.merge(sel_from_fields(req))
        child.key_fields.setdefault(type_name, set()).update(_top_fields(key_text))
        if entity_type != type_name:
            child.rename[type_name] = entity_type
        frag = child.sel.frag(entity_type)
        touched = {child.id}
        touched |= self._plan_local(child, frag, entity_type, target, key, nodes, path, None)
        return touched

    # -- @fromContext ------------------------------------------------------------------------
    def _context_types(self, type_name: str, context: str) -> list[str]:
        """The concrete types at an ancestor of ``type_name`` that set ``context``."""
        info = self.sg.types.get(type_name)
        if info is None:
            return []
        if context in info.contexts:
            return self.sg.possible_types(type_name)
        return [
            t for t in self.sg.possible_types(type_name) if context in self.sg.types[t].contexts
        ]

    def _context_ancestor(self, context: str) -> _Ancestor | None:
        for ancestor in reversed(self._ancestors):
            if self._context_types(ancestor.type_name, context):
                return ancestor
        return None

    def _plan_context(self, ancestor: _Ancestor, argument: ContextArgument) -> set[int]:
        """Add the context's selection to the ancestor's fetch; the fetches it touched."""
        text = argument.selection.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        selection = parse_selection(text)
        ancestor.sel.add("__typename")
        touched: set[int] = set()
        for concrete in self._context_types(ancestor.type_name, argument.context):
            fields = _alias_arguments(self.collector.collect(concrete, [selection]))
            if len(fields) != 1:
                raise PlanningError(
                    f"the context selection {argument.selection!r} must select one field"
                )
            sel = ancestor.sel if concrete == ancestor.type_name else ancestor.sel.frag(concrete)
            touched |= self._plan_fields(
                ancestor.fetch, sel, concrete, ancestor.graph, fields, ancestor.path, None
            )
        return touched

    def _with_context_arguments(
        self,
        child: FetchBuilder,
        node: FieldNode,
        contexts: list[tuple[ContextArgument, _Ancestor]],
    ) -> FieldNode:
        """The field as the child fetch asks for it: each @fromContext argument a variable."""
        arguments = list(node.arguments or ())
        for argument, ancestor in contexts:
            self._context_variables += 1
            variable = f"contextualArgument_{self._context_variables}"
            text = argument.selection.strip()
            if text.startswith("{") and text.endswith("}"):
                text = text[1:-1]
            requires = []
            for concrete in self._context_types(ancestor.type_name, argument.context):
                fields = _alias_arguments(self.collector.collect(concrete, [parse_selection(text)]))
                requires.append(RequiredFragment(concrete, to_required(sel_from_fields(fields))))
            child.contexts.append(ContextUse(variable, len(ancestor.path), tuple(requires)))
            child.context_types[variable] = argument.type
            arguments.append(
                ArgumentNode(
                    name=NameNode(value=argument.name),
                    value=VariableNode(name=NameNode(value=variable)),
                )
            )
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=tuple(arguments),
            directives=node.directives,
            selection_set=node.selection_set,
        )

    # -- output -----------------------------------------------------------------------------
    def operation_text(self, fetch: FetchBuilder) -> tuple[str, tuple[str, ...]]:
        definitions = {d.variable.name.value: d for d in self.operation.variable_definitions or ()}
        variables = fetch.variables | condition_variables(fetch.sel)
        used = tuple(sorted(v for v in variables if v in definitions))
        var_defs = []
        for name in used:
            d = definitions[name]
            text = f"${name}:{print_ast(d.type)}"
            if d.default_value is not None:
                text += f"={print_ast(d.default_value)}"
            var_defs.append(text)
        if fetch.path is None:
            kind = self.operation.operation.value
            head = kind + (f"({','.join(var_defs)})" if var_defs else "")
            return head + print_sel(fetch.sel), used
        var_defs.insert(0, "$representations:[_Any!]!")
        var_defs.extend(f"${name}:{kind}" for name, kind in fetch.context_types.items())
        body = "{_entities(representations:$representations)" + print_sel(fetch.sel) + "}"
        return f"query({','.join(var_defs)})" + body, used


def _compatible(existing: Sel, req: Fields) -> bool:
    by_name = {f.name: f.key for f in existing.fields.values()}
    for key, nodes in req.items():
        name = nodes[0].name.value
        if by_name.get(name, key) != key:
            return False
    return True


def _alias_arguments(fields: Fields) -> Fields:
    """Required fields with arguments get their own response key, so they never collide
    with the client's selection of the same field with other arguments."""
    out: Fields = {}
    for key, nodes in fields.items():
        if nodes[0].arguments:
            digest = zlib.crc32("".join(print_ast(a) for a in nodes[0].arguments).encode())
            key = f"{key}__req_{digest:08x}"
        out[key] = nodes
    return out


def _top_fields(key_text: str) -> set[str]:
    return {s.name.value for s in parse_selection(key_text).selections if isinstance(s, FieldNode)}


def _list_depth(gtype: object) -> int:
    depth = 0
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        if isinstance(gtype, GraphQLList):
            depth += 1
        gtype = gtype.of_type
    return depth
