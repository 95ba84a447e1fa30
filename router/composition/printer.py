"""Print a merged supergraph as a standard supergraph SDL (link v1.0, join v0.5)."""

from __future__ import annotations

import json

from graphql.language import print_ast
from graphql.language.block_string import print_block_string

from router.composition import access, cost
from router.composition import types as typeref
from router.composition.merged import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedField,
    MergedSupergraph,
    MergedType,
)
from router.composition.model import Applied, Kind

JOIN_DEFINITIONS = """directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA"""  # noqa: E501

INACCESSIBLE_DEFINITION = "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"  # noqa: E501
TAG_DEFINITION = "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA"  # noqa: E501

CONTEXT_DEFINITION = """directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION

scalar context__context"""

SPEC_TYPES = '''input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__DirectiveArguments

scalar join__FieldSet

scalar join__FieldValue

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''

KEYWORDS = {
    Kind.OBJECT: "type",
    Kind.INTERFACE: "interface",
    Kind.UNION: "union",
    Kind.ENUM: "enum",
    Kind.INPUT: "input",
    Kind.SCALAR: "scalar",
}


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _description(description: str | None, indent: str) -> str:
    if not description:
        return ""
    block = print_block_string(description)
    return "\n".join(indent + line if line else line for line in block.split("\n")) + "\n"


def _meta_directives(meta: Applied) -> str:
    out = ""
    if meta.deprecated is not None:
        reason = meta.deprecated
        out += (
            " @deprecated"
            if reason == "No longer supported"
            else f" @deprecated(reason: {_string(reason)})"
        )
    if meta.inaccessible:
        out += " @inaccessible"
    for tag in meta.tags:
        out += f" @tag(name: {_string(tag)})"
    for directive in meta.composed:
        out += " " + print_ast(directive)
    return out + access.printed(meta.access) + cost.printed(meta)


def _join_type(join: JoinType) -> str:
    args = [f"graph: {join.graph}"]
    if join.key is not None:
        args.append(f"key: {_string(join.key)}")
    if join.extension:
        args.append("extension: true")
    if not join.resolvable:
        args.append("resolvable: false")
    if join.interface_object:
        args.append("isInterfaceObject: true")
    return f" @join__type({', '.join(args)})"


def _join_field(join: JoinField) -> str:
    if join.graph is None:
        return " @join__field"
    args = [f"graph: {join.graph}"]
    if join.requires is not None:
        args.append(f"requires: {_string(join.requires)}")
    if join.provides is not None:
        args.append(f"provides: {_string(join.provides)}")
    if join.type is not None:
        args.append(f"type: {_string(join.type)}")
    if join.external:
        args.append("external: true")
    if join.override is not None:
        args.append(f"override: {_string(join.override)}")
    if join.used_overridden:
        args.append("usedOverridden: true")
    if join.override_label is not None:
        args.append(f"overrideLabel: {_string(join.override_label)}")
    if join.context_arguments:
        values = ", ".join(
            f"{{context: {_string(c)}, name: {_string(n)}, type: {_string(t)}, "
            f"selection: {_string(s)}}}"
            for c, n, t, s in join.context_arguments
        )
        args.append(f"contextArguments: [{values}]")
    return f" @join__field({', '.join(args)})"


def _argument(argument: MergedArgument) -> str:
    text = f"{argument.name}: {typeref.text(argument.type)}"
    if argument.default is not None:
        text += f" = {print_ast(argument.default)}"
    return text + _meta_directives(argument.meta)


def _field(field: MergedField, indent: str = "  ") -> str:
    text = _description(field.meta.description, indent) + indent + field.name
    if field.args:
        if any(a.meta.description for a in field.args):
            inner = indent + "  "
            text += "(\n"
            for argument in field.args:
                text += _description(argument.meta.description, inner)
                text += inner + _argument(argument) + "\n"
            text += indent + ")"
        else:
            text += "(" + ", ".join(_argument(a) for a in field.args) + ")"
    text += f": {typeref.text(field.type)}"
    if field.default is not None:
        text += f" = {print_ast(field.default)}"
    text += "".join(_join_field(j) for j in field.joins)
    return text + _meta_directives(field.meta)


def _type(merged: MergedType) -> str:
    text = _description(merged.meta.description, "") + f"{KEYWORDS[merged.kind]} {merged.name}"
    if merged.interfaces:
        text += " implements " + " & ".join(merged.interfaces)
    text += "".join(_join_type(j) for j in merged.join_types)
    text += "".join(
        f" @join__implements(graph: {graph}, interface: {_string(interface)})"
        for graph, interface in merged.implements
    )
    text += "".join(
        f" @join__unionMember(graph: {graph}, member: {_string(member)})"
        for graph, member in merged.member_joins
    )
    text += "".join(f" @context(name: {_string(c)})" for c in merged.contexts)
    text += _meta_directives(merged.meta)
    if merged.kind is Kind.UNION:
        return text + (" = " + " | ".join(merged.members) if merged.members else "")
    if merged.kind is Kind.SCALAR:
        return text
    if merged.kind is Kind.ENUM:
        lines = []
        for value in merged.values.values():
            line = _description(value.meta.description, "  ") + "  " + value.name
            line += "".join(f" @join__enumValue(graph: {g})" for g in value.graphs)
            lines.append(line + _meta_directives(value.meta))
        return text + " {\n" + "\n".join(lines) + "\n}"
    body = "\n".join(_field(f) for f in merged.fields.values())
    return text + " {\n" + body + "\n}"


def print_supergraph(supergraph: MergedSupergraph) -> str:
    """The supergraph SDL text, ending in a newline."""
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)',
    ]
    definitions = [JOIN_DEFINITIONS]
    inaccessible, tag = supergraph.uses_inaccessible(), supergraph.uses_tag()
    if tag:
        links.append('@link(url: "https://specs.apollo.dev/tag/v0.3")')
        definitions.append(TAG_DEFINITION)
    if inaccessible:
        links.append('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)')
        definitions.append(INACCESSIBLE_DEFINITION)
    if supergraph.uses_context():
        links.append('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)')
        definitions.append(CONTEXT_DEFINITION)
    for uses_spec, link, spec_definitions in access.SPECS:
        if supergraph.uses(lambda meta, test=uses_spec: test(meta.access)):  # type: ignore[misc]
            links.append(link)
            definitions.extend(spec_definitions)
    if supergraph.uses(lambda meta: meta.cost is not None or meta.list_size is not None):
        links.append(cost.LINK)
        definitions.extend(cost.DEFINITIONS)
    by_url: dict[str, list[str]] = {}
    for name, (definition, url) in sorted(supergraph.composed.items()):
        by_url.setdefault(url, []).append(f'"@{name}"')
        definitions.append(print_ast(definition))
    for url, names in by_url.items():
        links.append(f"@link(url: {_string(url)}, import: [{', '.join(names)}])")
    roots = "".join(f"  {r.lower()}: {r}\n" for r in supergraph.roots)
    schema = "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + roots + "}"
    graph_values = "\n".join(
        f"  {g.enum_value} @join__graph(name: {_string(g.name)}, url: {_string(g.url)})"
        for g in supergraph.graphs
    )
    parts = [schema, *definitions, SPEC_TYPES, "enum join__Graph {\n" + graph_values + "\n}"]
    parts.extend(_type(t) for t in sorted(supergraph.types.values(), key=lambda t: t.name))
    return "\n\n".join(parts) + "\n"
