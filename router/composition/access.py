"""Access-control directives through composition: read from a subgraph, merged as what every
subgraph requires (:func:`router.access_requirements.conjunction`), printed in the
supergraph with the specs' @links as Apollo's composition writes them."""

from __future__ import annotations

import json
from collections.abc import Callable

from router.access_requirements import AccessRequirement, Alternatives, alternatives
from router.composition.model import Applied

NAMES = frozenset({"authenticated", "requiresScopes", "policy"})

# (does a requirement use the spec, its @link, its definitions): printed only when used.
SPECS: tuple[tuple[Callable[[AccessRequirement], bool], str, tuple[str, ...]], ...] = (
    (
        lambda requirement: requirement.authenticated,
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        ("directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",),
    ),
    (
        lambda requirement: bool(requirement.scopes),
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        (
            "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",  # noqa: E501
            "scalar requiresScopes__Scope",
        ),
    ),
    (
        lambda requirement: bool(requirement.policies),
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        (
            "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",  # noqa: E501
            "scalar policy__Policy",
        ),
    ),
)


def read(meta: Applied, name: str, args: dict[str, object]) -> None:
    """Add one applied directive (canonical ``name``) to the element's requirement."""
    if name == "authenticated":
        meta.access = meta.access.and_(AccessRequirement(authenticated=True))
    elif name == "requiresScopes":
        meta.access = meta.access.and_(AccessRequirement(scopes=alternatives(args.get("scopes"))))
    elif name == "policy":
        found = alternatives(args.get("policies"))
        meta.access = meta.access.and_(AccessRequirement(policies=found))


def printed(requirement: AccessRequirement) -> str:
    out = " @authenticated" if requirement.authenticated else ""
    if requirement.scopes:
        out += f" @requiresScopes(scopes: {_lists(requirement.scopes)})"
    if requirement.policies:
        out += f" @policy(policies: {_lists(requirement.policies)})"
    return out


def _lists(value: Alternatives) -> str:
    inner = (", ".join(json.dumps(name) for name in group) for group in value)
    return "[" + ", ".join(f"[{names}]" for names in inner) + "]"
