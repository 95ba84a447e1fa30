"""The client documents each part of an incrementally delivered response is shaped by.

The merged data of every fetch is shaped (:mod:`router.response_shape`) once per part, each
time by a document that asks for exactly what that part delivers:

* :func:`primary_document`: the operation without the deferred fragments that are active
  (``@defer`` without ``if``, or whose ``if`` is true); inactive ones stay in as ordinary
  fragments.
* :func:`deferred_document`: only the fields on the way to one deferred fragment occurrence,
  then that fragment's selections (minus the active fragments deferred inside it).
* :func:`stream_fields`: the list fields of a document with an active ``@stream``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)

from router.planner_defer import DEFER, STREAM, directive

Variables = Mapping[str, Any]
NodeT = TypeVar("NodeT", bound=Node)


@dataclass(frozen=True)
class StreamField:
    """A list field delivered with ``@stream``: ``initial_count`` items in its first part."""

    keys: tuple[str, ...]  # response keys from the root
    initial_count: int
    label: str | None


def primary_document(document: DocumentNode, variables: Variables) -> DocumentNode:
    return _map_definitions(document, lambda s: _strip(s, variables))


def deferred_document(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    offset: int,
    path: tuple[str, ...],
    variables: Variables,
) -> DocumentNode:
    """The document of the deferred fragment starting at ``offset`` in the operation text,
    at response ``path`` ("@" steps are list items)."""
    fragments = _fragments(document)
    keys = tuple(step for step in path if step != "@")
    pruned = _prune(operation.selection_set, keys, offset, fragments, variables)
    kept = _replaced(operation, selection_set=pruned or SelectionSetNode(selections=()))
    stripped = [
        _with_selections(d, _strip(d.selection_set, variables))
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    ]
    return DocumentNode(definitions=(kept, *stripped))


def stream_fields(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Variables
) -> list[StreamField]:
    found: dict[tuple[str, ...], StreamField] = {}
    _find_streams(operation.selection_set, (), _fragments(document), variables, found, set())
    return list(found.values())


def is_active(node: SelectionNode, name: str, variables: Variables) -> bool:
    """Whether ``node`` carries directive ``name`` and its ``if`` is not false."""
    found = directive(node, name)
    if found is None:
        return False
    value = _argument(found, "if")
    return value is None or _value(value, variables) is not False


# -- transforms -----------------------------------------------------------------------------
def _strip(selection_set: SelectionSetNode, variables: Variables) -> SelectionSetNode:
    """Active deferred fragments removed; inactive ones kept without their ``@defer``."""
    kept: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode | FragmentSpreadNode):
            if is_active(selection, DEFER, variables):
                continue
            selection = _without_defer(selection)
        if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
            selection = _with_selections(selection, _strip(selection.selection_set, variables))
        kept.append(selection)
    return SelectionSetNode(selections=tuple(kept))


def _prune(
    selection_set: SelectionSetNode,
    keys: tuple[str, ...],
    offset: int,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Variables,
) -> SelectionSetNode | None:
    kept: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if keys and _response_key(selection) == keys[0] and selection.selection_set:
                below = _prune(selection.selection_set, keys[1:], offset, fragments, variables)
                if below is not None:
                    kept.append(_with_selections(selection, below))
            continue
        if isinstance(selection, InlineFragmentNode):
            condition, body = selection.type_condition, selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            definition = fragments.get(selection.name.value)
            if definition is None:
                continue
            condition, body = definition.type_condition, definition.selection_set
        else:
            continue
        if not keys and _offset(selection) == offset:
            kept.append(
                InlineFragmentNode(type_condition=condition, selection_set=_strip(body, variables))
            )
            continue
        below = _prune(body, keys, offset, fragments, variables)
        if below is not None:
            kept.append(InlineFragmentNode(type_condition=condition, selection_set=below))
    return SelectionSetNode(selections=tuple(kept)) if kept else None


def _find_streams(
    selection_set: SelectionSetNode,
    keys: tuple[str, ...],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Variables,
    found: dict[tuple[str, ...], StreamField],
    spreading: set[str],
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            here = (*keys, _response_key(selection))
            stream = directive(selection, STREAM)
            if stream is not None and is_active(selection, STREAM, variables):
                label = _argument(stream, "label")
                count = _argument(stream, "initialCount")
                found.setdefault(
                    here,
                    StreamField(
                        here,
                        max(0, int(_value(count, variables) or 0)) if count else 0,
                        label.value if isinstance(label, StringValueNode) else None,
                    ),
                )
            if selection.selection_set is not None:
                _find_streams(selection.selection_set, here, fragments, variables, found, spreading)
        elif isinstance(selection, InlineFragmentNode):
            _find_streams(selection.selection_set, keys, fragments, variables, found, spreading)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spreading:
            definition = fragments.get(selection.name.value)
            if definition is not None:
                inner = spreading | {selection.name.value}
                _find_streams(definition.selection_set, keys, fragments, variables, found, inner)


# -- helpers ----------------------------------------------------------------------------------
def _map_definitions(document: DocumentNode, change: Any) -> DocumentNode:
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            definition = _with_selections(definition, change(definition.selection_set))
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


def _with_selections(node: NodeT, selection_set: SelectionSetNode) -> NodeT:
    return _replaced(node, selection_set=selection_set)


def _replaced(node: NodeT, **changes: Any) -> NodeT:
    """A copy of ``node`` with some attributes changed (nodes are read-only)."""
    values = {key: getattr(node, key) for key in node.keys}
    return type(node)(**{**values, **changes})


def _without_defer(
    node: InlineFragmentNode | FragmentSpreadNode,
) -> InlineFragmentNode | FragmentSpreadNode:
    if directive(node, DEFER) is None:
        return node
    kept = tuple(d for d in node.directives or () if d.name.value != DEFER)
    return _replaced(node, directives=kept)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _response_key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _offset(node: SelectionNode) -> int:
    return node.loc.start if node.loc is not None else -1


def _argument(found: DirectiveNode, name: str) -> ValueNode | None:
    for argument in found.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _value(value: ValueNode | None, variables: Variables) -> Any:
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    if isinstance(value, BooleanValueNode):
        return value.value
    if isinstance(value, IntValueNode):
        return int(value.value)
    return None
