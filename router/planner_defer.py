"""``@defer`` as the planner sees it: which fragments of a selection are deferred.

A fragment (inline or spread) carrying ``@defer`` is deferred unless its ``if`` is the
literal ``false``; with ``if: $var`` the plan still defers it and the executor decides per
request (a part whose variable is false is fetched before the first response goes out).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    print_ast,
)

DEFER = "defer"
STREAM = "stream"


@dataclass(frozen=True)
class DeferArguments:
    label: str | None
    # the variable of ``if: $var``; None when the fragment is always deferred
    condition: str | None


@dataclass(frozen=True)
class DeferredSelection:
    """A deferred fragment found while collecting the fields of one type."""

    fragment: InlineFragmentNode | FragmentSpreadNode
    selection_set: SelectionSetNode
    arguments: DeferArguments

    @property
    def offset(self) -> int:
        return self.fragment.loc.start if self.fragment.loc is not None else -1

    def printed(self) -> str:
        return print_ast(self.selection_set)


def directive(
    node: InlineFragmentNode | FragmentSpreadNode | object, name: str
) -> DirectiveNode | None:
    for found in getattr(node, "directives", None) or ():
        if isinstance(found, DirectiveNode) and found.name.value == name:
            return found
    return None


def defer_arguments(node: InlineFragmentNode | FragmentSpreadNode) -> DeferArguments | None:
    """The fragment's ``@defer`` arguments, or None when it is not deferred (no ``@defer``,
    or ``if: false``)."""
    found = directive(node, DEFER)
    if found is None:
        return None
    label: str | None = None
    condition: str | None = None
    for argument in found.arguments or ():
        value = argument.value
        if argument.name.value == "label" and isinstance(value, StringValueNode):
            label = value.value
        elif argument.name.value == "if":
            if isinstance(value, BooleanValueNode) and not value.value:
                return None
            if isinstance(value, VariableNode):
                condition = value.name.value
    return DeferArguments(label, condition)


@dataclass(frozen=True)
class PlannedDefer:
    """A deferred fragment at one response path, as the plan builder registered it."""

    id: int
    path: tuple[str, ...]
    selection: DeferredSelection
    parent: int | None
