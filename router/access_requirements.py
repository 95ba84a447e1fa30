"""What a schema element asks of the caller: Federation's access-control directives.

``@authenticated``, ``@requiresScopes(scopes: [[String!]!]!)`` and
``@policy(policies: [[String!]!]!)`` on fields, objects, interfaces, scalars and enums. The
lists are in disjunctive normal form: the caller passes when it holds every name of at least
one inner list. Requirements from several places (two subgraphs, a field and its type) add
up: :func:`conjunction` is what both must hold, still in disjunctive normal form (the rule
Apollo's composition and router use).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# OR of ANDs: ((a, b), (c,)) means (a and b) or c; () means no requirement.
Alternatives = tuple[tuple[str, ...], ...]


def conjunction(left: Alternatives, right: Alternatives) -> Alternatives:
    """Both requirements as one: every pairing of an alternative of each (deduplicated)."""
    if not left:
        return right
    if not right:
        return left
    combined: dict[tuple[str, ...], None] = {}
    for one in left:
        for other in right:
            combined[tuple(dict.fromkeys((*one, *other)))] = None
    return tuple(combined)


def alternatives(value: object) -> Alternatives:
    """A directive argument (list of lists of names) as :data:`Alternatives`."""
    if not isinstance(value, list | tuple):
        return ()
    result: list[tuple[str, ...]] = []
    for inner in value:
        if isinstance(inner, list | tuple):
            result.append(tuple(str(name) for name in inner))
    return tuple(result)


@dataclass(frozen=True)
class AccessRequirement:
    """Everything one element (or a field with its type) requires of the caller."""

    authenticated: bool = False
    scopes: Alternatives = ()
    policies: Alternatives = ()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def and_(self, other: AccessRequirement) -> AccessRequirement:
        return AccessRequirement(
            self.authenticated or other.authenticated,
            conjunction(self.scopes, other.scopes),
            conjunction(self.policies, other.policies),
        )

    def policy_names(self) -> set[str]:
        return {name for group in self.policies for name in group}


NO_REQUIREMENT = AccessRequirement()


def all_of(requirements: Iterable[AccessRequirement]) -> AccessRequirement:
    result = NO_REQUIREMENT
    for requirement in requirements:
        result = result.and_(requirement)
    return result
