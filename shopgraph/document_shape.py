"""Depth, aliases and meta fields of a GraphQL document, measured in one pass.

Every fragment's depth is computed once and remembered, so spreading a fragment many times
(``fragment F0 { ...F1 ...F1 }`` and so on) costs nothing more than reading it: the work is
linear in the document's size, never in the size of its expansion. ``visited`` counts the
selection nodes read, so tests can assert that. A fragment cycle (a validation error reported
elsewhere) or a spread of an unknown fragment adds no depth.

Depth counts fields: ``{ a }`` is 1, ``{ a { b } }`` is 2. The introspection roots count as 1
(their schema is fixed and bounded; introspection is refused in production instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class OperationDepth:
    name: str | None
    depth: int


@dataclass(frozen=True)
class DocumentShape:
    operations: tuple[OperationDepth, ...]
    aliases: int
    meta_fields: frozenset[str]
    visited: int  # selection nodes read: at most the number in the document


def measure(document: DocumentNode) -> DocumentShape:
    return _Measure(document).shape()


class _Measure:
    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragment_depths: dict[str, int] = {}
        self.in_progress: set[str] = set()
        self.aliases = 0
        self.meta_fields: set[str] = set()
        self.visited = 0

    def shape(self) -> DocumentShape:
        operations = []
        for definition in self.document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                name = definition.name.value if definition.name else None
                operations.append(OperationDepth(name, self._depth(definition.selection_set)))
        for name in self.fragments:  # fragments no operation spreads are still read once
            self._fragment_depth(name)
        return DocumentShape(
            tuple(operations), self.aliases, frozenset(self.meta_fields), self.visited
        )

    def _fragment_depth(self, name: str) -> int:
        known = self.fragment_depths.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return 0
        self.in_progress.add(name)
        depth = self._depth(fragment.selection_set)
        self.in_progress.discard(name)
        self.fragment_depths[name] = depth
        return depth

    def _depth(self, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            self.visited += 1
            if isinstance(selection, FieldNode):
                deepest = max(deepest, self._field_depth(selection))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment_depth(selection.name.value))
        return deepest

    def _field_depth(self, field: FieldNode) -> int:
        if field.alias is not None:
            self.aliases += 1
        name = field.name.value
        if name.startswith("__"):
            self.meta_fields.add(name)
        below = self._depth(field.selection_set)
        if name in INTROSPECTION_ROOTS:
            return 1
        return 1 + below
