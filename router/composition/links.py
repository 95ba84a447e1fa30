"""Which local directive name means which federation directive in one subgraph (@link)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql.language import (
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

FEDERATION_DIRECTIVES = (
    "key",
    "external",
    "requires",
    "provides",
    "extends",
    "shareable",
    "inaccessible",
    "tag",
    "override",
    "interfaceObject",
    "composeDirective",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
)
FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
SPEC_URL = re.compile(r"^https://specs\.apollo\.dev/(inaccessible|tag)/v\d+\.\d+/?$")


@dataclass
class Links:
    """``canonical["federation__key"] == "key"``: local directive name to federation name."""

    fed2: bool
    version: tuple[int, int] | None = None
    canonical: dict[str, str] = field(default_factory=dict)
    # @composeDirective: local directive name -> URL of the @link that imports it
    composed: dict[str, str] = field(default_factory=dict)

    def name_of(self, local: str) -> str | None:
        return self.canonical.get(local)


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def link_imports(value: ValueNode | None) -> list[tuple[str, str]]:
    """(imported name, local name) pairs of a ``import:`` list, without the leading @."""
    pairs: list[tuple[str, str]] = []
    items = value.values if isinstance(value, ListValueNode) else ()
    for item in items:
        if isinstance(item, StringValueNode):
            pairs.append((item.value.lstrip("@"), item.value.lstrip("@")))
        elif isinstance(item, ObjectValueNode):
            named = {f.name.value: _string(f.value) for f in item.fields}
            name = named.get("name")
            if name:
                pairs.append((name.lstrip("@"), (named.get("as") or name).lstrip("@")))
    return pairs


def read_links(document: DocumentNode) -> Links:
    """Federation 2 when the schema @links a federation v2 spec; Federation 1 otherwise."""
    links = Links(fed2=False)
    spec_imports: list[tuple[str, str, str]] = []  # (spec, imported, local)
    imported_from: dict[str, str] = {}  # local directive name -> URL of its other @link
    compose_names: list[tuple[str, str]] = []  # (directive used, name argument)
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            args = {a.name.value: a.value for a in directive.arguments or ()}
            if directive.name.value != "link":
                name = _string(args.get("name"))
                if name:
                    compose_names.append((directive.name.value, name.lstrip("@")))
                continue
            url = _string(args.get("url")) or ""
            match = FEDERATION_URL.match(url)
            if match:
                links.fed2 = True
                links.version = (int(match.group(1)), int(match.group(2)))
                prefix = _string(args.get("as")) or "federation"
                for name in FEDERATION_DIRECTIVES:
                    links.canonical[f"{prefix}__{name}"] = name
                for imported, local in link_imports(args.get("import")):
                    if imported in FEDERATION_DIRECTIVES:
                        links.canonical[local] = imported
                continue
            for _, local in link_imports(args.get("import")):
                imported_from[local] = url
            spec_match = SPEC_URL.match(url)
            if spec_match:
                spec_name = spec_match.group(1)
                prefix = _string(args.get("as")) or spec_name
                spec_imports.append((spec_name, prefix, prefix))
                for imported, local in link_imports(args.get("import")):
                    spec_imports.append((spec_name, imported, local))
    if not links.fed2:
        links.canonical.update({name: name for name in FEDERATION_DIRECTIVES})
    for spec, imported, local in spec_imports:
        if imported == spec:
            links.canonical[local] = spec
    for directive_name, name in compose_names:
        if links.canonical.get(directive_name) == "composeDirective" and name in imported_from:
            links.composed[name] = imported_from[name]
    return links
