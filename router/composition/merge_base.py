"""What every merge step shares: the subgraphs, graph names, errors, metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from graphql.language import TypeNode, ValueNode, print_ast

from router.composition import cost
from router.composition import types as typeref
from router.composition.errors import CompositionError, quoted
from router.composition.graphs import graph_enum_values
from router.composition.merged import (
    JoinType,
)
from router.composition.model import Applied, Kind, Subgraph, TypeDef

Defs = list[tuple[Subgraph, TypeDef]]


class InputValue(Protocol):
    """An argument or an input object field, as one subgraph defines it."""

    type: TypeNode
    default: ValueNode | None
    meta: Applied


@dataclass(frozen=True)
class InputPosition:
    """How errors name one kind of input value (arguments, input object fields)."""

    noun: str  # starts the sentence of a missing-but-required error
    label: str
    missing_code: str
    type_code: str
    default_code: str


ARGUMENT = InputPosition(
    "Argument",
    "argument",
    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
    "FIELD_ARGUMENT_TYPE_MISMATCH",
    "FIELD_ARGUMENT_DEFAULT_MISMATCH",
)
INPUT_FIELD = InputPosition(
    "Input object field",
    "input field",
    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
    "FIELD_TYPE_MISMATCH",
    "INPUT_FIELD_DEFAULT_MISMATCH",
)


class MergeBase:
    def __init__(self, subgraphs: Sequence[Subgraph]) -> None:
        self.subgraphs = sorted(subgraphs, key=lambda s: s.name)
        graphs = graph_enum_values([(s.name, s.url) for s in self.subgraphs])
        self.graphs = graphs
        self.graph_of = {g.name: g.enum_value for g in graphs}
        self.errors: list[CompositionError] = []
        self.supertypes: dict[str, set[str]] = {}  # type -> its interfaces and unions

    def subtype(self, sub: str, sup: str) -> bool:
        return sup in self.supertypes.get(sub, set())

    def error(
        self,
        code: str,
        message: str,
        subgraphs: Sequence[str] = (),
        type_name: str | None = None,
        field_name: str | None = None,
    ) -> None:
        self.errors.append(CompositionError(code, message, tuple(subgraphs), type_name, field_name))

    def _meta(self, metas: Sequence[Applied]) -> Applied:
        merged = Applied()
        for meta in metas:
            merged.description = merged.description or meta.description
            merged.inaccessible = merged.inaccessible or meta.inaccessible
            merged.tags.extend(t for t in meta.tags if t not in merged.tags)
            if merged.deprecated is None:
                merged.deprecated = meta.deprecated
            printed = {print_ast(d) for d in merged.composed}
            merged.composed.extend(d for d in meta.composed if print_ast(d) not in printed)
            merged.access = merged.access.and_(meta.access)
            merged.cost = cost.merged_cost(merged.cost, meta.cost)
            merged.list_size = cost.merged_list_size(merged.list_size, meta.list_size)
        return merged

    def _join_types(self, defs: Defs) -> list[JoinType]:
        joins: list[JoinType] = []
        for subgraph, type_def in defs:
            graph = self.graph_of[subgraph.name]
            if type_def.keys and type_def.kind in (Kind.OBJECT, Kind.INTERFACE):
                for key in type_def.keys:
                    joins.append(
                        JoinType(
                            graph,
                            key.fields,
                            type_def.extension,
                            key.resolvable,
                            type_def.interface_object,
                        )
                    )
            else:
                joins.append(
                    JoinType(graph, None, type_def.extension, True, type_def.interface_object)
                )
        return joins

    def _input_value(
        self,
        position: InputPosition,
        coordinate: str,
        definitions: Sequence[tuple[str, InputValue | None]],
        type_name: str,
        field_name: str,
    ) -> tuple[TypeNode, ValueNode | None, Applied] | None:
        """An argument or input field merged over the subgraphs: its type, default and
        metadata. None when some subgraph lacks it (an error if another one requires it)."""
        present = [(graph, value) for graph, value in definitions if value is not None]
        missing = [graph for graph, value in definitions if value is None]
        if missing:
            required = [
                graph
                for graph, value in present
                if typeref.is_required(value.type, value.default is not None)
            ]
            if required:
                self.error(
                    position.missing_code,
                    f'{position.noun} "{coordinate}" is required in some subgraphs '
                    f"({quoted(required)}) but does not appear in all subgraphs: it is "
                    f"not defined in {quoted(missing)}.",
                    required + missing,
                    type_name,
                    field_name,
                )
            return None
        what = f'{position.label} "{coordinate}"'
        value_type = self._input_type(
            position.type_code,
            what,
            [(graph, value.type) for graph, value in present],
            type_name,
            field_name,
        )
        default = self._default(
            position.default_code,
            what,
            [(graph, value.default) for graph, value in present],
            type_name,
            field_name,
        )
        return value_type, default, self._meta([value.meta for _, value in present])

    def _input_type(
        self,
        code: str,
        what: str,
        typed: list[tuple[str, TypeNode]],
        type_name: str,
        field_name: str,
    ) -> TypeNode:
        """The type an input position (argument, input field) gets in the supergraph: the
        intersection over the subgraphs; an error names the first two that disagree."""
        first_graph, merged = typed[0]
        for graph, type_node in typed[1:]:
            combined = typeref.merge(merged, type_node, output=False)
            if combined is None:
                self.error(
                    code,
                    f"Type of {what} is incompatible across subgraphs: "
                    f'"{typeref.text(typed[0][1])}" in "{first_graph}" but '
                    f'"{typeref.text(type_node)}" in "{graph}".',
                    [first_graph, graph],
                    type_name,
                    field_name,
                )
                break
            merged = combined
        return merged

    def _default(
        self,
        code: str,
        what: str,
        defaults: list[tuple[str, ValueNode | None]],
        type_name: str,
        field_name: str,
    ) -> ValueNode | None:
        """The common default value; an error when two subgraphs give different ones."""
        given = [(name, value, print_ast(value)) for name, value in defaults if value is not None]
        if len({printed for _, _, printed in given}) > 1:
            self.error(
                code,
                f"The default value of {what} differs across subgraphs: "
                + ", ".join(f'{printed} in "{name}"' for name, _, printed in given),
                [name for name, _, _ in given],
                type_name,
                field_name,
            )
        return given[0][1] if given else None
