"""The router's run-time model of a Federation v2 supergraph (immutable). Composition's
output, before it is printed, is :mod:`router.composition.merged`.

:func:`parse_supergraph` reads a standard supergraph SDL (``@link``, ``join__*`` directives, as
written by our composer, Apollo's or The Guild's) and returns a :class:`Supergraph`:

* ``api_schema`` - what clients see (join/link/tag/inaccessible stripped, ``@inaccessible``
  elements removed), a graphql-core schema used to validate and complete client operations;
* ``schema`` - every type and field, inaccessible ones included (planning needs them);
* per type and field: which subgraphs resolve it, keys, ``@requires``, ``@provides``,
  ``@external``, ``@override``, interface objects, union members and implementations;
* ``directives`` - the access-control (``@authenticated``, ``@requiresScopes``, ``@policy``)
  and demand-control (``@cost``, ``@listSize``) directives by schema coordinate
  (:mod:`router.supergraph_directives`); the API schema does not show them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TypeVar

from graphql import (
    BooleanValueNode,
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListValueNode,
    NamedTypeNode,
    Node,
    ObjectTypeDefinitionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
)

from router.incremental_directives import with_incremental_directives
from router.supergraph_directives import SupergraphDirectives, read_directives

# requiresScopes__Scope and policy__Policy are the access-control specs' argument scalars;
# context__context the context spec's.
_SPEC_PREFIXES = ("join__", "link__", "core__", "context__", "requiresScopes__", "policy__")
_KEPT_DIRECTIVES = {"deprecated", "specifiedBy", "oneOf"}


class SupergraphError(ValueError):
    """The SDL is not a usable Federation v2 supergraph."""


@dataclass(frozen=True)
class Subgraph:
    name: str  # join__Graph enum value, e.g. ``PRODUCTS``
    label: str  # join__graph(name:), e.g. ``products``
    url: str


@dataclass(frozen=True)
class TypeJoin:
    graph: str
    key: str | None
    extension: bool
    resolvable: bool
    is_interface_object: bool


@dataclass(frozen=True)
class FieldJoin:
    graph: str | None
    requires: str | None
    provides: str | None
    type: str | None
    external: bool
    override: str | None
    used_overridden: bool
    # Progressive @override: the overriding graph's join has ``override`` and this label, the
    # overridden graph's join only the label; which one resolves depends on the label.
    override_label: str | None = None
    # @fromContext arguments the router supplies from an ancestor (@context) object.
    context_arguments: tuple[ContextArgument, ...] = ()


@dataclass(frozen=True)
class ContextArgument:
    """``join__ContextArgument``: argument ``name`` of type ``type`` takes the value of
    ``selection`` on the nearest ancestor whose type sets ``context``."""

    context: str
    name: str
    type: str
    selection: str


@dataclass(frozen=True)
class TypeInfo:
    name: str
    kind: str  # object | interface | union | enum | input | scalar
    joins: tuple[TypeJoin, ...]
    fields: Mapping[str, tuple[FieldJoin, ...]]
    implements: Mapping[str, frozenset[str]]  # graph -> interfaces (empty when untracked)
    union_members: Mapping[str, frozenset[str]]  # graph -> members
    inaccessible: bool
    contexts: frozenset[str] = frozenset()  # @context(name:) set on this type


@dataclass(frozen=True)
class Supergraph:
    sdl: str
    subgraphs: Mapping[str, Subgraph]
    types: Mapping[str, TypeInfo]
    schema: GraphQLSchema
    api_schema: GraphQLSchema
    query_type: str
    mutation_type: str | None
    subscription_type: str | None
    directives: SupergraphDirectives = field(default_factory=SupergraphDirectives)
    # Progressive-override labels in force for plans made over this model (see with_labels).
    active_labels: frozenset[str] = frozenset()
    _cache: dict[tuple[str, str, str], bool] = field(default_factory=dict, compare=False)

    # -- progressive override ---------------------------------------------------------------
    @cached_property
    def override_labels(self) -> frozenset[str]:
        """Every ``overrideLabel`` the supergraph uses."""
        return frozenset(
            join.override_label
            for info in self.types.values()
            for joins in info.fields.values()
            for join in joins
            if join.override_label is not None
        )

    def with_labels(self, active: frozenset[str]) -> Supergraph:
        """The same supergraph planned with ``active`` override labels in force: a labelled
        field is resolved by its new owner when its label is active, else by the old one."""
        active = active & self.override_labels
        if active == self.active_labels:
            return self
        return dataclasses.replace(self, active_labels=active, _cache={})

    # -- graphs -------------------------------------------------------------------------
    def graphs_of_type(self, type_name: str) -> tuple[str, ...]:
        info = self.types.get(type_name)
        if info is None:
            return ()
        if not info.joins:
            return tuple(self.subgraphs)
        return tuple(dict.fromkeys(j.graph for j in info.joins))

    def type_join(self, type_name: str, graph: str) -> TypeJoin | None:
        info = self.types.get(type_name)
        if info is None:
            return None
        for join in info.joins:
            if join.graph == graph:
                return join
        if not info.joins:
            return TypeJoin(graph, None, False, True, False)
        return None

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        join = self.type_join(type_name, graph)
        return join is not None and join.is_interface_object

    def keys(self, type_name: str, graph: str, *, resolvable_only: bool = True) -> list[str]:
        info = self.types.get(type_name)
        if info is None:
            return []
        return [
            j.key
            for j in info.joins
            if j.graph == graph and j.key is not None and (j.resolvable or not resolvable_only)
        ]

    # -- fields -------------------------------------------------------------------------
    def field_join(self, type_name: str, field_name: str, graph: str) -> FieldJoin | None:
        info = self.types.get(type_name)
        if info is None:
            return None
        for join in info.fields.get(field_name, ()):
            if join.graph == graph:
                return join
        return None

    def field_in_graph(self, type_name: str, field_name: str, graph: str) -> bool:
        """The field exists in the subgraph's schema (external or not)."""
        if field_name == "__typename":
            return True
        info = self.types.get(type_name)
        if info is None or self.type_join(type_name, graph) is None:
            return False
        joins = info.fields.get(field_name)
        if joins is None:
            return field_name in _schema_fields(self.schema, type_name)
        if not joins:
            return True
        return any(j.graph == graph for j in joins)

    def resolvable(self, type_name: str, field_name: str, graph: str) -> bool:
        """The subgraph resolves the field itself (not external, not overridden)."""
        key = (type_name, field_name, graph)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._resolvable(type_name, field_name, graph)
        self._cache[key] = result
        return result

    def _resolvable(self, type_name: str, field_name: str, graph: str) -> bool:
        if field_name == "__typename":
            return True
        info = self.types.get(type_name)
        if info is None or self.type_join(type_name, graph) is None:
            return False
        if field_name not in _schema_fields(self.schema, type_name):
            return False
        joins = info.fields.get(field_name, ())
        if not joins:
            return True
        if all(j.graph is None for j in joins):
            return False
        for join in joins:
            if join.graph == graph:
                if join.override_label is not None:
                    overriding = join.override is not None
                    return overriding == (join.override_label in self.active_labels)
                return not join.external and not join.used_overridden
        return False

    def field_graphs(self, type_name: str, field_name: str) -> list[str]:
        return [
            g for g in self.graphs_of_type(type_name) if self.resolvable(type_name, field_name, g)
        ]

    # -- abstract types -----------------------------------------------------------------
    def possible_types(self, type_name: str) -> list[str]:
        gtype = self.schema.type_map.get(type_name)
        if gtype is None:
            return []
        if _is_abstract(gtype):
            return [t.name for t in self.schema.get_possible_types(gtype)]  # type: ignore[arg-type]
        return [type_name]

    def possible_types_in(self, type_name: str, graph: str) -> list[str]:
        """Concrete types a subgraph may return for an abstract (or object) type."""
        info = self.types.get(type_name)
        if info is None:
            return []
        if info.kind == "object":
            return [type_name] if self.type_join(type_name, graph) else []
        result = []
        for member in self.possible_types(type_name):
            if self.type_join(member, graph) is None:
                continue
            member_info = self.types[member]
            if info.kind == "union":
                tracked = info.union_members
                if tracked and member not in tracked.get(graph, frozenset()):
                    continue
            else:
                tracked = member_info.implements
                if tracked and type_name not in tracked.get(graph, frozenset()):
                    continue
            result.append(member)
        return result

    def interface_objects_for(self, type_name: str, graph: str) -> list[str]:
        """Interfaces of ``type_name`` that ``graph`` declares as @interfaceObject."""
        gtype = self.schema.type_map.get(type_name)
        interfaces = getattr(gtype, "interfaces", ())
        return [i.name for i in interfaces if self.is_interface_object(i.name, graph)]


def _schema_fields(schema: GraphQLSchema, type_name: str) -> Mapping[str, object]:
    gtype = schema.type_map.get(type_name)
    fields = getattr(gtype, "fields", None)
    return fields if fields is not None else {}


def _is_abstract(gtype: object) -> bool:
    from graphql import is_abstract_type

    return is_abstract_type(gtype)


# -- parsing ----------------------------------------------------------------------------


def _arg(directive: ConstDirectiveNode, name: str) -> object:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, StringValueNode | EnumValueNode):
                return value.value
            if isinstance(value, BooleanValueNode):
                return value.value
            return None
    return None


def _str(directive: ConstDirectiveNode, name: str) -> str | None:
    value = _arg(directive, name)
    return value if isinstance(value, str) else None


def _bool(directive: ConstDirectiveNode, name: str, default: bool) -> bool:
    value = _arg(directive, name)
    return value if isinstance(value, bool) else default


def _directives(node: object, name: str) -> list[ConstDirectiveNode]:
    return [d for d in getattr(node, "directives", None) or () if d.name.value == name]


def _has(node: object, name: str) -> bool:
    return bool(_directives(node, name))


def _kind(node: TypeDefinitionNode) -> str:
    if isinstance(node, ObjectTypeDefinitionNode):
        return "object"
    if isinstance(node, InterfaceTypeDefinitionNode):
        return "interface"
    if isinstance(node, UnionTypeDefinitionNode):
        return "union"
    if isinstance(node, EnumTypeDefinitionNode):
        return "enum"
    if isinstance(node, InputObjectTypeDefinitionNode):
        return "input"
    return "scalar"


def _type_info(node: TypeDefinitionNode) -> TypeInfo:
    joins = tuple(
        TypeJoin(
            graph=_str(d, "graph") or "",
            key=_str(d, "key"),
            extension=_bool(d, "extension", False),
            resolvable=_bool(d, "resolvable", True),
            is_interface_object=_bool(d, "isInterfaceObject", False),
        )
        for d in _directives(node, "join__type")
    )
    fields: dict[str, tuple[FieldJoin, ...]] = {}
    for fnode in getattr(node, "fields", None) or ():
        fields[fnode.name.value] = tuple(
            FieldJoin(
                graph=_str(d, "graph"),
                requires=_str(d, "requires"),
                provides=_str(d, "provides"),
                type=_str(d, "type"),
                external=_bool(d, "external", False),
                override=_str(d, "override"),
                used_overridden=_bool(d, "usedOverridden", False),
                override_label=_str(d, "overrideLabel"),
                context_arguments=_context_arguments(d),
            )
            for d in _directives(fnode, "join__field")
        )
    implements: dict[str, set[str]] = {}
    for d in _directives(node, "join__implements"):
        implements.setdefault(_str(d, "graph") or "", set()).add(_str(d, "interface") or "")
    members: dict[str, set[str]] = {}
    for d in _directives(node, "join__unionMember"):
        members.setdefault(_str(d, "graph") or "", set()).add(_str(d, "member") or "")
    return TypeInfo(
        name=node.name.value,
        kind=_kind(node),
        joins=joins,
        fields=MappingProxyType(fields),
        implements=MappingProxyType({k: frozenset(v) for k, v in implements.items()}),
        union_members=MappingProxyType({k: frozenset(v) for k, v in members.items()}),
        inaccessible=_has(node, "inaccessible"),
        contexts=frozenset(name for d in _directives(node, "context") if (name := _str(d, "name"))),
    )


def _context_arguments(directive: ConstDirectiveNode) -> tuple[ContextArgument, ...]:
    found = []
    for argument in directive.arguments or ():
        if argument.name.value != "contextArguments" or not isinstance(
            argument.value, ListValueNode
        ):
            continue
        for item in argument.value.values:
            if not isinstance(item, ObjectValueNode):
                continue
            values = {
                f.name.value: f.value.value
                for f in item.fields
                if isinstance(f.value, StringValueNode)
            }
            if {"context", "name", "type", "selection"} <= values.keys():
                found.append(
                    ContextArgument(
                        values["context"], values["name"], values["type"], values["selection"]
                    )
                )
    return tuple(found)


def _subgraphs(document: DocumentNode) -> dict[str, Subgraph]:
    for definition in document.definitions:
        if (
            isinstance(definition, EnumTypeDefinitionNode)
            and definition.name.value == "join__Graph"
        ):
            result = {}
            for value in definition.values or ():
                graph = _directives(value, "join__graph")
                label = _str(graph[0], "name") if graph else None
                url = _str(graph[0], "url") if graph else None
                name = value.name.value
                result[name] = Subgraph(name, label or name.lower(), url or "")
            return result
    raise SupergraphError("not a supergraph: no join__Graph enum")


def _is_spec_name(name: str) -> bool:
    return name.startswith(_SPEC_PREFIXES) or name in {"link__Import", "link__Purpose"}


def _clean_directives(node: object) -> tuple[ConstDirectiveNode, ...]:
    return tuple(
        d for d in getattr(node, "directives", None) or () if d.name.value in _KEPT_DIRECTIVES
    )


def _strip(document: DocumentNode, *, api: bool) -> DocumentNode:
    """Remove federation machinery; for the API schema also @inaccessible elements."""

    def hidden(node: object) -> bool:
        return api and _has(node, "inaccessible")

    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            continue
        if isinstance(definition, SchemaDefinitionNode):
            definitions.append(
                SchemaDefinitionNode(
                    operation_types=definition.operation_types, directives=(), description=None
                )
            )
            continue
        if not isinstance(definition, TypeDefinitionNode):
            continue
        if _is_spec_name(definition.name.value) or hidden(definition):
            continue
        definitions.append(_strip_type(definition, hidden))
    return DocumentNode(definitions=tuple(definitions))


def _strip_type(node: TypeDefinitionNode, hidden: object) -> TypeDefinitionNode:
    is_hidden = hidden  # callable(node) -> bool
    assert callable(is_hidden)
    changes: dict[str, object] = {"directives": _clean_directives(node)}
    if isinstance(
        node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode
    ):
        new_fields = []
        for fnode in node.fields or ():
            if is_hidden(fnode):
                continue
            fchanges: dict[str, object] = {"directives": _clean_directives(fnode)}
            if hasattr(fnode, "arguments"):
                fchanges["arguments"] = tuple(
                    _replace(a, directives=_clean_directives(a))
                    for a in fnode.arguments or ()
                    if not is_hidden(a)
                )
            new_fields.append(_replace(fnode, **fchanges))
        changes["fields"] = tuple(new_fields)
    if isinstance(node, EnumTypeDefinitionNode):
        changes["values"] = tuple(
            _replace(v, directives=_clean_directives(v))
            for v in node.values or ()
            if not is_hidden(v)
        )
    result: TypeDefinitionNode = _replace(node, **changes)
    return result


NodeT = TypeVar("NodeT", bound=Node)


def _replace(node: NodeT, **changes: object) -> NodeT:
    clone = copy.copy(node)
    for key, value in changes.items():
        object.__setattr__(clone, key, value)  # graphql-core nodes may be frozen
    return clone


def _prune_hidden_references(document: DocumentNode) -> DocumentNode:
    """Drop interfaces/union members/fields that reference types removed as inaccessible."""
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)} | {
        "String",
        "Int",
        "Float",
        "Boolean",
        "ID",
    }

    def named(type_node: object) -> str:
        while not isinstance(type_node, NamedTypeNode):
            type_node = type_node.type  # type: ignore[attr-defined]
        return type_node.name.value

    definitions: list[DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            fields = tuple(
                f
                for f in d.fields or ()
                if named(f.type) in defined
                and all(named(a.type) in defined for a in f.arguments or ())
            )
            interfaces = tuple(i for i in d.interfaces or () if i.name.value in defined)
            d = _replace(d, fields=fields, interfaces=interfaces)
        elif isinstance(d, UnionTypeDefinitionNode):
            types = tuple(t for t in d.types or () if t.name.value in defined)
            d = _replace(d, types=types)
        elif isinstance(d, InputObjectTypeDefinitionNode):
            fields_in = tuple(f for f in d.fields or () if named(f.type) in defined)
            d = _replace(d, fields=fields_in)
        definitions.append(d)
    return DocumentNode(definitions=tuple(definitions))


def _root_names(document: DocumentNode) -> dict[str, str]:
    roots = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
    for d in document.definitions:
        if isinstance(d, SchemaDefinitionNode):
            for op in d.operation_types:
                roots[op.operation.value] = op.type.name.value
    return roots


def _check_graph_names(subgraphs: Mapping[str, Subgraph], types: Mapping[str, TypeInfo]) -> None:
    """Every graph a join directive names is a ``join__Graph`` value; otherwise planning
    would fail on every query that reaches the unknown graph."""
    for info in types.values():
        named = [(join.graph, f"@join__type on {info.name}") for join in info.joins]
        named += [
            (join.graph, f"@join__field on {info.name}.{field_name}")
            for field_name, joins in info.fields.items()
            for join in joins
            if join.graph is not None
        ]
        named += [(graph, f"@join__implements on {info.name}") for graph in info.implements]
        named += [(graph, f"@join__unionMember on {info.name}") for graph in info.union_members]
        for graph, where in named:
            if graph not in subgraphs:
                known = ", ".join(sorted(subgraphs)) or "none"
                raise SupergraphError(
                    f"{where} names graph {graph!r}, which join__Graph does not define "
                    f"(defined: {known})"
                )


def parse_supergraph(sdl: str) -> Supergraph:
    """Parse a supergraph SDL into the immutable :class:`Supergraph` model."""
    try:
        document = parse(sdl)
    except GraphQLError as exc:  # graphql.GraphQLSyntaxError: one line, with the position
        where = ""
        if exc.locations:
            where = f" at line {exc.locations[0].line}, column {exc.locations[0].column}"
        raise SupergraphError(f"supergraph does not parse: {exc.message}{where}") from exc
    subgraphs = _subgraphs(document)
    types: dict[str, TypeInfo] = {}
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode) and not _is_spec_name(definition.name.value):
            if isinstance(definition, ScalarTypeDefinitionNode) and definition.name.value in {
                "_Any",
                "FieldSet",
            }:
                continue
            types[definition.name.value] = _type_info(definition)
    _check_graph_names(subgraphs, types)
    roots = _root_names(document)
    defined = set(types)
    try:
        schema = build_ast_schema(_strip(document, api=False), assume_valid_sdl=True)
        api_schema = with_incremental_directives(
            build_ast_schema(
                _prune_hidden_references(_strip(document, api=True)), assume_valid_sdl=True
            )
        )
    except Exception as exc:
        raise SupergraphError(f"supergraph schema is invalid: {exc}") from exc
    return Supergraph(
        sdl=sdl,
        subgraphs=MappingProxyType(subgraphs),
        types=MappingProxyType(types),
        schema=schema,
        api_schema=api_schema,
        query_type=roots["query"],
        mutation_type=roots["mutation"] if roots["mutation"] in defined else None,
        subscription_type=roots["subscription"] if roots["subscription"] in defined else None,
        directives=read_directives(document),
    )
