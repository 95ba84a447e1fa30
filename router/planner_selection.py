"""Mutable selection trees used while building subgraph operations, and field collection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    is_abstract_type,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

from router.planner_defer import DeferredSelection, defer_arguments
from router.planner_nodes import RequiredField, RequiredFragment, RequiredSelection

Fields = dict[str, list[FieldNode]]


@dataclass
class FieldSel:
    name: str
    key: str
    args: tuple[ArgumentNode, ...] = ()
    sub: Sel | None = None
    type: str = ""  # the field's type in the subgraph (for aliasing conflicting shapes)
    conditions: tuple[DirectiveNode, ...] = ()  # @include / @skip forwarded to the subgraph


@dataclass
class Sel:
    fields: dict[str, FieldSel] = field(default_factory=dict)
    frags: dict[str, Sel] = field(default_factory=dict)

    def add(
        self,
        name: str,
        key: str | None = None,
        args: Sequence[ArgumentNode] = (),
        conditions: tuple[DirectiveNode, ...] | None = None,
    ) -> FieldSel:
        """The field at ``key`` (added when new). ``conditions`` are the field's @include /
        @skip; a field asked for under other conditions too becomes unconditional."""
        response_key = key or name
        existing = self.fields.get(response_key)
        if existing is None:
            existing = FieldSel(name, response_key, tuple(args or ()), conditions=conditions or ())
            self.fields[response_key] = existing
        elif conditions is not None and _printed(existing.conditions) != _printed(conditions):
            existing.conditions = ()
        return existing

    def frag(self, type_name: str) -> Sel:
        return self.frags.setdefault(type_name, Sel())

    def is_empty(self) -> bool:
        return not self.fields and all(f.is_empty() for f in self.frags.values())

    def merge(self, other: Sel) -> None:
        for key, fsel in other.fields.items():
            mine = self.add(fsel.name, key, fsel.args)
            if fsel.sub is not None:
                if mine.sub is None:
                    mine.sub = Sel()
                mine.sub.merge(fsel.sub)
        for type_name, frag in other.frags.items():
            self.frag(type_name).merge(frag)


ALIAS_MARK = "__sga"


def print_sel(sel: Sel) -> str:
    parts = [_print_field(f) for f in sel.fields.values()]
    seen: dict[str, str] = {key: _shape(f) for key, f in sel.fields.items()}
    counter = 0
    for type_name, frag in sel.frags.items():
        if frag.is_empty():
            continue
        fields = []
        for key, fsel in frag.fields.items():
            shape = _shape(fsel)
            alias = None
            if seen.setdefault(key, shape) != shape:
                counter += 1
                alias = f"{key}{ALIAS_MARK}{counter}"
            fields.append(_print_field(fsel, alias))
        nested = [f"...on {t}{print_sel(s)}" for t, s in frag.frags.items() if not s.is_empty()]
        parts.append(f"...on {type_name}{{{' '.join(fields + nested) or '__typename'}}}")
    if not parts:
        parts = ["__typename"]
    return "{" + " ".join(parts) + "}"


def _shape(fsel: FieldSel) -> str:
    if fsel.sub is None:
        return fsel.type
    inner = ",".join(f"{k}:{_shape(f)}" for k, f in sorted(fsel.sub.fields.items()))
    frags = ",".join(
        f"{t}[{','.join(f'{k}:{_shape(f)}' for k, f in sorted(s.fields.items()))}]"
        for t, s in sorted(fsel.sub.frags.items())
    )
    return f"{fsel.type}{{{inner}|{frags}}}"


def _print_field(fsel: FieldSel, alias: str | None = None) -> str:
    key = alias or fsel.key
    text = fsel.name if key == fsel.name else f"{key}:{fsel.name}"
    if fsel.args:
        text += "(" + ",".join(print_ast(a) for a in fsel.args) + ")"
    if fsel.conditions:
        text += "".join(" " + print_ast(d) for d in fsel.conditions)
    if fsel.sub is not None:
        text += print_sel(fsel.sub)
    return text


def _printed(directives: tuple[DirectiveNode, ...]) -> tuple[str, ...]:
    return tuple(print_ast(d) for d in directives)


def conditions_of(nodes: Sequence[FieldNode]) -> tuple[DirectiveNode, ...]:
    """The @include/@skip every node of a merged field carries (none when they differ)."""
    per_node = [
        tuple(d for d in n.directives or () if d.name.value in {"include", "skip"}) for n in nodes
    ]
    first = per_node[0]
    if any(_printed(other) != _printed(first) for other in per_node[1:]):
        return ()
    return first


def condition_variables(sel: Sel) -> set[str]:
    """Variables the @include/@skip conditions kept in a selection tree use."""
    found: set[str] = set()
    for fsel in sel.fields.values():
        found |= variables_in(fsel.conditions)
        if fsel.sub is not None:
            found |= condition_variables(fsel.sub)
    for frag in sel.frags.values():
        found |= condition_variables(frag)
    return found


def to_required(sel: Sel) -> tuple[RequiredSelection, ...]:
    out: list[RequiredSelection] = []
    for f in sel.fields.values():
        out.append(RequiredField(f.name, f.key, to_required(f.sub) if f.sub else ()))
    for type_name, frag in sel.frags.items():
        out.append(RequiredFragment(type_name, to_required(frag)))
    return tuple(out)


def variables_in(args: Sequence[ArgumentNode | DirectiveNode]) -> set[str]:
    found: set[str] = set()

    class _Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_: object) -> None:
            found.add(node.name.value)

    for arg in args:
        visit(arg, _Collect())
    return found


def parse_selection(text: str) -> SelectionSetNode:
    operation = parse("{" + text + "}").definitions[0]
    selection_set: SelectionSetNode = operation.selection_set  # type: ignore[attr-defined]
    return selection_set


class Collector:
    """Collects the fields a selection set asks of one concrete type (fragments applied)."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self._schema = schema
        self._fragments = fragments

    def applies(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        cond_type = self._schema.type_map.get(condition)
        obj_type = self._schema.type_map.get(type_name)
        if cond_type is None or obj_type is None or not is_abstract_type(cond_type):
            return False
        if is_abstract_type(obj_type):
            possible = {t.name for t in self._schema.get_possible_types(obj_type)}
            return possible <= {t.name for t in self._schema.get_possible_types(cond_type)}
        return self._schema.is_sub_type(cond_type, obj_type)

    def collect(
        self, type_name: str, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        result: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(type_name, selection_set, result, visited, None)
        return result

    def collect_split(
        self, type_name: str, selection_sets: Sequence[SelectionSetNode]
    ) -> tuple[dict[str, list[FieldNode]], list[DeferredSelection]]:
        """The fields asked of ``type_name`` outside ``@defer`` fragments, and those
        fragments (their own fields are collected when they are planned)."""
        result: dict[str, list[FieldNode]] = {}
        deferred: list[DeferredSelection] = []
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(type_name, selection_set, result, visited, deferred)
        return result, deferred

    def _collect(
        self,
        type_name: str,
        selection_set: SelectionSetNode,
        result: dict[str, list[FieldNode]],
        visited: set[str],
        deferred: list[DeferredSelection] | None,
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                result.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                cond = selection.type_condition.name.value if selection.type_condition else None
                if not self.applies(cond, type_name):
                    continue
                arguments = defer_arguments(selection) if deferred is not None else None
                if deferred is not None and arguments is not None:
                    deferred.append(
                        DeferredSelection(selection, selection.selection_set, arguments)
                    )
                else:
                    self._collect(type_name, selection.selection_set, result, visited, deferred)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is None:
                    continue
                arguments = defer_arguments(selection) if deferred is not None else None
                if deferred is not None and arguments is not None:
                    if self.applies(fragment.type_condition.name.value, type_name):
                        deferred.append(
                            DeferredSelection(selection, fragment.selection_set, arguments)
                        )
                    continue
                if name in visited:
                    continue
                if self.applies(fragment.type_condition.name.value, type_name):
                    # Once per collection, as graphql-core's collect_fields: a fragment
                    # spread again adds the same fields, and re-reading it on every spread
                    # doubles the work per level of fragments spreading fragments.
                    visited.add(name)
                    self._collect(type_name, fragment.selection_set, result, visited, deferred)


def provided_below(
    provided: Fields | None, name: str, provides: str | None
) -> list[SelectionSetNode]:
    """What is already provided under field ``name``: the part of the parent's provided
    fields below it, and the field's own ``@provides`` selection."""
    provide_sets: list[SelectionSetNode] = []
    if provided is not None and name in provided:
        provide_sets += sub_selections(provided[name])
    if provides:
        provide_sets.append(parse_selection(provides))
    return provide_sets


def sub_selections(nodes: Sequence[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def with_selections(node: FieldNode, selections: list[FieldNode]) -> FieldNode:
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=node.arguments,
        directives=node.directives,
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )


def sel_from_fields(fields: Fields) -> Sel:
    """The selection tree of collected fields (a representation's required fields)."""
    sel = Sel()
    for key, nodes in fields.items():
        fsel = sel.add(nodes[0].name.value, key)
        subs = sub_selections(nodes)
        if subs:
            sub = Sel()
            for s in subs:
                sub.merge(sel_from_selection_set(s))
            fsel.sub = sub
    return sel


def sel_from_selection_set(selection_set: SelectionSetNode) -> Sel:
    sel = Sel()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fsel = sel.add(selection.name.value)
            if selection.selection_set is not None:
                if fsel.sub is None:
                    fsel.sub = Sel()
                fsel.sub.merge(sel_from_selection_set(selection.selection_set))
        elif isinstance(selection, InlineFragmentNode):
            cond = selection.type_condition.name.value if selection.type_condition else None
            target = sel.frag(cond) if cond else sel
            target.merge(sel_from_selection_set(selection.selection_set))
            sel.add("__typename")
    return sel
