"""Operation limits checked before planning: token count, depth and aliases.

Depth and aliases are measured by :mod:`shopgraph.document_shape` in time linear in the
document's size (each fragment is read once however often it is spread). In production
introspection is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse

from shopgraph.document_shape import INTROSPECTION_ROOTS, measure

INTROSPECTION_FIELDS = INTROSPECTION_ROOTS


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

    def check(self, query: str) -> DocumentNode:
        """The parsed document, or :class:`LimitExceeded` (syntax errors included)."""
        try:
            document = parse(query, no_location=False, max_tokens=self.max_tokens)
        except GraphQLError as exc:
            if "tokens" in exc.message and "Parsing aborted" in exc.message:
                raise LimitExceeded(
                    f"Query exceeds the limit of {self.max_tokens} tokens"
                ) from None
            raise LimitExceeded(exc.message, "GRAPHQL_PARSE_FAILED") from None
        shape = measure(document)
        for operation in shape.operations:
            if operation.depth > self.max_depth:
                raise LimitExceeded(
                    f"Operation '{operation.name or 'anonymous'}' "
                    f"has depth {operation.depth}, above the limit of {self.max_depth}"
                )
        if shape.aliases > self.max_aliases:
            raise LimitExceeded(
                f"Query has {shape.aliases} aliases, above the limit of {self.max_aliases}"
            )
        if not self.introspection and shape.meta_fields & INTROSPECTION_FIELDS:
            raise LimitExceeded("GraphQL introspection is not allowed here")
        return document


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
