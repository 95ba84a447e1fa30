"""A canonical text of a supergraph SDL, to compare supergraphs from different composers.

Spec machinery (schema @links, directive definitions, ``join__*``/``link__*`` helper types)
and ``@join__type`` arguments at their default value are dropped, since composers pick
different spec versions and print defaults differently; what is left — the API types, the
``join__Graph`` enum and every ``@join__*``, ``@inaccessible``, ``@tag``, ``@deprecated`` on
them — is sorted (definitions, fields, arguments, directives, directive arguments) and field
sets inside ``key:``/``requires:``/``provides:`` are reprinted canonically.
"""

from __future__ import annotations

from typing import Any

from graphql.language import (
    ConstArgumentNode,
    ConstDirectiveNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)

from router.composition.fieldset import canonical

FIELD_SET_ARGUMENTS = {"key", "requires", "provides"}
# join__type arguments at their default value, which some composers print and others omit
DEFAULT_ARGUMENTS = {"resolvable": "true", "extension": "false", "isInterfaceObject": "false"}
SPEC_TYPE_PREFIXES = ("join__", "link__")


def _directive(node: ConstDirectiveNode) -> ConstDirectiveNode:
    arguments: list[ConstArgumentNode] = []
    for argument in sorted(node.arguments or (), key=lambda a: a.name.value):
        value = argument.value
        default = DEFAULT_ARGUMENTS.get(argument.name.value)
        if node.name.value == "join__type" and default == print_ast(value):
            continue
        if argument.name.value in FIELD_SET_ARGUMENTS and isinstance(value, StringValueNode):
            value = StringValueNode(value=canonical(value.value))
        arguments.append(ConstArgumentNode(name=argument.name, value=value))
    return ConstDirectiveNode(name=node.name, arguments=tuple(arguments))


def _directives(nodes: Any) -> tuple[ConstDirectiveNode, ...]:
    directives = [_directive(d) for d in nodes or ()]
    return tuple(sorted(directives, key=print_ast))


def _input_value(node: InputValueDefinitionNode, descriptions: bool) -> InputValueDefinitionNode:
    return InputValueDefinitionNode(
        name=node.name,
        type=node.type,
        default_value=node.default_value,
        description=node.description if descriptions else None,
        directives=_directives(node.directives),
    )


def _field(node: FieldDefinitionNode, descriptions: bool) -> FieldDefinitionNode:
    arguments = sorted(node.arguments or (), key=lambda a: a.name.value)
    return FieldDefinitionNode(
        name=node.name,
        type=node.type,
        description=node.description if descriptions else None,
        arguments=tuple(_input_value(a, descriptions) for a in arguments),
        directives=_directives(node.directives),
    )


def _type(node: TypeDefinitionNode, descriptions: bool) -> TypeDefinitionNode:
    description = node.description if descriptions else None
    directives = _directives(node.directives)
    if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        fields = sorted(node.fields or (), key=lambda f: f.name.value)
        interfaces = tuple(sorted(node.interfaces or (), key=lambda i: i.name.value))
        return type(node)(
            name=node.name,
            description=description,
            directives=directives,
            interfaces=interfaces,
            fields=tuple(_field(f, descriptions) for f in fields),
        )
    if isinstance(node, InputObjectTypeDefinitionNode):
        inputs = sorted(node.fields or (), key=lambda f: f.name.value)
        return InputObjectTypeDefinitionNode(
            name=node.name,
            description=description,
            directives=directives,
            fields=tuple(_input_value(f, descriptions) for f in inputs),
        )
    if isinstance(node, UnionTypeDefinitionNode):
        return UnionTypeDefinitionNode(
            name=node.name,
            description=description,
            directives=directives,
            types=tuple(sorted(node.types or (), key=lambda t: t.name.value)),
        )
    if isinstance(node, EnumTypeDefinitionNode):
        values = sorted(node.values or (), key=lambda v: v.name.value)
        return EnumTypeDefinitionNode(
            name=node.name,
            description=description,
            directives=directives,
            values=tuple(
                type(v)(
                    name=v.name,
                    description=v.description if descriptions else None,
                    directives=_directives(v.directives),
                )
                for v in values
            ),
        )
    return type(node)(name=node.name, description=description, directives=directives)


def normalize(sdl: str, *, descriptions: bool = True) -> str:
    """The canonical text of a supergraph SDL (see the module docstring)."""
    document = parse(sdl, no_location=True)
    kept: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            continue
        if isinstance(definition, SchemaDefinitionNode):
            operations = sorted(definition.operation_types, key=lambda o: o.operation.value)
            kept.append(SchemaDefinitionNode(operation_types=tuple(operations), directives=()))
            continue
        if isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if name.startswith(SPEC_TYPE_PREFIXES) and name != "join__Graph":
                continue
            kept.append(_type(definition, descriptions))
    kept.sort(key=lambda d: (0, "") if isinstance(d, SchemaDefinitionNode) else (1, d.name.value))
    return print_ast(DocumentNode(definitions=tuple(kept))) + "\n"
