"""Operation limits checked before planning: token count, depth and aliases.

Depth counts nested selection sets through fragments (a fragment cycle is a validation
error the gateway reports; here it simply stops the walk). ``__typename`` and introspection
meta fields count like any field. In production introspection is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
VERDICTS_KEPT = 1000  # documents whose verdict is remembered (all forgotten when full)


class LimitExceeded(Exception):
    """The operation is refused before it reaches the gateway; ``code`` is stable."""

    def __init__(self, message: str, code: str = "GRAPHQL_VALIDATION_FAILED") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class OperationLimits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    introspection: bool = True
    # document text -> its parsed document, or the (message, code) it was refused with
    _verdicts: dict[str, DocumentNode | tuple[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def check(self, query: str) -> DocumentNode:
        """The parsed document, or :class:`LimitExceeded` (syntax errors included). The
        verdict is computed once per document text."""
        verdict = self._verdicts.get(query)
        if verdict is None:
            try:
                verdict = self._check(query)
            except LimitExceeded as exc:
                verdict = (exc.message, exc.code)
            if len(self._verdicts) >= VERDICTS_KEPT:
                self._verdicts.clear()
            self._verdicts[query] = verdict
        if isinstance(verdict, tuple):
            raise LimitExceeded(*verdict)
        return verdict

    def _check(self, query: str) -> DocumentNode:
        try:
            document = parse(query, no_location=False, max_tokens=self.max_tokens)
        except GraphQLError as exc:
            if "tokens" in exc.message and "Parsing aborted" in exc.message:
                raise LimitExceeded(
                    f"Query exceeds the limit of {self.max_tokens} tokens"
                ) from None
            raise LimitExceeded(exc.message, "GRAPHQL_PARSE_FAILED") from None
        walk = _Walk(document)
        for operation in walk.operations:
            depth = walk.depth(operation.selection_set, frozenset())
            if depth > self.max_depth:
                raise LimitExceeded(
                    f"Operation '{operation.name.value if operation.name else 'anonymous'}' "
                    f"has depth {depth}, above the limit of {self.max_depth}"
                )
        if walk.aliases > self.max_aliases:
            raise LimitExceeded(
                f"Query has {walk.aliases} aliases, above the limit of {self.max_aliases}"
            )
        if not self.introspection and walk.meta_fields & INTROSPECTION_FIELDS:
            raise LimitExceeded("GraphQL introspection is not allowed here")
        return document


class _Walk:
    def __init__(self, document: DocumentNode) -> None:
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.aliases = 0
        self.meta_fields: set[str] = set()
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
                self._count(definition.selection_set)

    def _count(self, selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                if selection.name.value.startswith("__"):
                    self.meta_fields.add(selection.name.value)
                self._count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                self._count(selection.selection_set)

    def depth(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in INTROSPECTION_ROOTS:
                    # The introspection schema is fixed and bounded (GraphiQL's query is 15
                    # deep); it is turned off in production instead of depth-limited.
                    deepest = max(deepest, 1)
                    continue
                below = self.depth(selection.selection_set, seen)
                deepest = max(deepest, 1 + below if selection.selection_set else 1)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    deepest = max(deepest, self.depth(fragment.selection_set, seen | {name}))
        return deepest


INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


def operation_type(document: DocumentNode, operation_name: str | None) -> str | None:
    """``query``, ``mutation`` or ``subscription`` of the chosen operation (None if absent
    or ambiguous: the gateway reports that)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0].operation.value if len(operations) == 1 else None
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation.operation.value
    return None
