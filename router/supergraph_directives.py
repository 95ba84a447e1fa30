"""The access-control and demand-control directives of a supergraph, by schema coordinate.

Read from the supergraph SDL (whatever composed it) with the names its ``@link``s give them:
``@authenticated``, ``@requiresScopes``, ``@policy`` (the specs
``https://specs.apollo.dev/{authenticated,requiresScopes,policy}``) and ``@cost``,
``@listSize`` (``https://specs.apollo.dev/cost``). Coordinates are ``Type``, ``Type.field``
and ``Type.field(argument:)``; input fields are ``Input.field``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
)
from graphql.utilities import value_from_ast_untyped

from router.access_requirements import AccessRequirement, alternatives
from router.composition.links import link_imports
from router.cost_directives import ListSize, cost_from, list_size_from

_SPEC_URL = re.compile(r"^https://specs\.apollo\.dev/([A-Za-z]+)/v\d+\.\d+/?$")
# spec -> the directives it defines (the one named like the spec is its "main" directive)
_SPECS = {
    "authenticated": ("authenticated",),
    "requiresScopes": ("requiresScopes",),
    "policy": ("policy",),
    "cost": ("cost", "listSize"),
}


@dataclass(frozen=True)
class SupergraphDirectives:
    access: Mapping[str, AccessRequirement] = field(default_factory=dict)
    costs: Mapping[str, int] = field(default_factory=dict)
    list_sizes: Mapping[str, ListSize] = field(default_factory=dict)


def _local_names(document: DocumentNode) -> dict[str, str]:
    """Local directive name -> canonical name, per the schema's @links (defaults otherwise)."""
    names = {name: name for directives in _SPECS.values() for name in directives}
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = args.get("url")
            match = _SPEC_URL.match(url.value) if isinstance(url, StringValueNode) else None
            if match is None or match.group(1) not in _SPECS:
                continue
            spec = match.group(1)
            alias = args.get("as")
            prefix = alias.value if isinstance(alias, StringValueNode) else spec
            imported = dict(link_imports(args.get("import")))
            for canonical in _SPECS[spec]:
                local = imported.get(canonical)
                if local is None:
                    local = prefix if canonical == spec else f"{prefix}__{canonical}"
                if local != canonical:
                    names.pop(canonical, None)
                names[local] = canonical
    return names


class _Collector:
    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names
        self.access: dict[str, AccessRequirement] = {}
        self.costs: dict[str, int] = {}
        self.list_sizes: dict[str, ListSize] = {}

    def element(self, coordinate: str, node: Any) -> None:
        requirement = AccessRequirement()
        for directive in getattr(node, "directives", None) or ():
            canonical = self.names.get(directive.name.value)
            if canonical is None:
                continue
            args = _arguments(directive)
            if canonical == "authenticated":
                requirement = requirement.and_(AccessRequirement(authenticated=True))
            elif canonical == "requiresScopes":
                found = alternatives(args.get("scopes"))
                requirement = requirement.and_(AccessRequirement(scopes=found))
            elif canonical == "policy":
                found = alternatives(args.get("policies"))
                requirement = requirement.and_(AccessRequirement(policies=found))
            elif canonical == "cost":
                weight = cost_from(args)
                if weight is not None:
                    self.costs[coordinate] = weight
            elif canonical == "listSize":
                self.list_sizes[coordinate] = list_size_from(args)
        if requirement:
            self.access[coordinate] = requirement


def _arguments(directive: ConstDirectiveNode) -> dict[str, object]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def read_directives(document: DocumentNode) -> SupergraphDirectives:
    """Every element's access requirement, cost weight and list size, by coordinate."""
    collector = _Collector(_local_names(document))
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode):
            continue
        type_name = definition.name.value
        collector.element(type_name, definition)
        for field_node in getattr(definition, "fields", None) or ():
            coordinate = f"{type_name}.{field_node.name.value}"
            collector.element(coordinate, field_node)
            for argument in getattr(field_node, "arguments", None) or ():
                collector.element(f"{coordinate}({argument.name.value}:)", argument)
    return SupergraphDirectives(
        MappingProxyType(collector.access),
        MappingProxyType(collector.costs),
        MappingProxyType(collector.list_sizes),
    )
