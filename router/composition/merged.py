"""Composition's output: the merged supergraph, ready to print, types with their join__*
metadata. (The router reads a printed supergraph into its run-time model,
:mod:`router.supergraph`.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graphql.language import DirectiveDefinitionNode, TypeNode, ValueNode

from router.composition.model import Applied, Kind


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass
class JoinField:
    graph: str | None  # None: the bare @join__field of a field an @interfaceObject adds
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    # @fromContext arguments: (context, argument name, argument type, selection)
    context_arguments: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class MergedArgument:
    name: str
    type: TypeNode
    default: ValueNode | None
    meta: Applied


@dataclass
class MergedField:
    name: str
    type: TypeNode
    meta: Applied
    args: list[MergedArgument] = field(default_factory=list)
    joins: list[JoinField] = field(default_factory=list)  # empty: no @join__field
    default: ValueNode | None = None


@dataclass
class MergedEnumValue:
    name: str
    meta: Applied
    graphs: list[str] = field(default_factory=list)


@dataclass
class MergedType:
    name: str
    kind: Kind
    meta: Applied
    join_types: list[JoinType] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)  # (graph, interface)
    fields: dict[str, MergedField] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    member_joins: list[tuple[str, str]] = field(default_factory=list)  # (graph, member)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)  # "<subgraph>__<name>"


@dataclass
class Graph:
    enum_value: str
    name: str
    url: str


@dataclass
class MergedSupergraph:
    graphs: list[Graph]
    types: dict[str, MergedType]
    roots: list[str]  # Query, Mutation, Subscription present
    # @composeDirective: name -> (definition, URL of the @link importing it)
    composed: dict[str, tuple[DirectiveDefinitionNode, str]] = field(default_factory=dict)

    def uses(self, test: Callable[[Applied], bool]) -> bool:
        """Some type, field, argument or enum value has metadata that passes ``test``."""
        return any(_metas(t, test) for t in self.types.values())

    def uses_inaccessible(self) -> bool:
        return any(_metas(t, lambda m: m.inaccessible) for t in self.types.values())

    def uses_context(self) -> bool:
        return any(t.contexts for t in self.types.values())

    def uses_tag(self) -> bool:
        return any(_metas(t, lambda m: bool(m.tags)) for t in self.types.values())


def _metas(merged: MergedType, test: object) -> bool:
    assert callable(test)
    metas = [merged.meta]
    for f in merged.fields.values():
        metas.append(f.meta)
        metas.extend(a.meta for a in f.args)
    metas.extend(v.meta for v in merged.values.values())
    return any(test(m) for m in metas)
