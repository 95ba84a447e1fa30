"""The subgraphs' depth and alias limits as one graphql-core validation rule.

Measured by :mod:`shopgraph.document_shape`, in time linear in the document's size. A
subgraph allows one level more than ``max_depth``: the router's entity fetches wrap what a
client selected below ``_entities`` and an inline fragment, and the router has already
checked the client's operation against ``max_depth``.
"""

from __future__ import annotations

from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError

from shopgraph.document_shape import measure


def limits_rule(max_depth: int, max_aliases: int) -> type[ASTValidationRule]:
    """A rule class built once per schema (the validation cache is keyed by rule classes)."""

    class OperationLimitsRule(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            shape = measure(node)
            for operation in shape.operations:
                if operation.depth > max_depth + 1:
                    self.report_error(
                        GraphQLError(
                            f"Operation '{operation.name or 'anonymous'}' has depth "
                            f"{operation.depth}, above the limit of {max_depth + 1}"
                        )
                    )
            if shape.aliases > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"Query has {shape.aliases} aliases, above the limit of {max_aliases}"
                    )
                )

    return OperationLimitsRule
