"""Read one subgraph SDL (Federation 1 or 2) into the composition model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from graphql.language import (
    BooleanValueNode,
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    IntValueNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
)
from graphql.utilities import value_from_ast_untyped

from router.composition import access, cost
from router.composition import types as typeref
from router.composition.errors import CompositionError
from router.composition.links import Links, read_links
from router.composition.model import (
    Applied,
    Argument,
    EnumValue,
    Field,
    Key,
    Kind,
    Subgraph,
    TypeDef,
)

ROOTS = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
# Added by federation to every subgraph schema; never part of the supergraph.
BUILTIN_TYPES = {"_Any", "_Entity", "_Service", "_FieldSet", "FieldSet", "link__Import"}
BUILTIN_TYPE_PREFIXES = ("link__", "federation__", "join__")
BUILTIN_ROOT_FIELDS = {"_entities", "_service"}
GRAPHQL_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}

_KINDS: dict[type[Any], tuple[Kind, bool]] = {
    ObjectTypeDefinitionNode: (Kind.OBJECT, False),
    ObjectTypeExtensionNode: (Kind.OBJECT, True),
    InterfaceTypeDefinitionNode: (Kind.INTERFACE, False),
    InterfaceTypeExtensionNode: (Kind.INTERFACE, True),
    UnionTypeDefinitionNode: (Kind.UNION, False),
    UnionTypeExtensionNode: (Kind.UNION, True),
    EnumTypeDefinitionNode: (Kind.ENUM, False),
    EnumTypeExtensionNode: (Kind.ENUM, True),
    InputObjectTypeDefinitionNode: (Kind.INPUT, False),
    InputObjectTypeExtensionNode: (Kind.INPUT, True),
    ScalarTypeDefinitionNode: (Kind.SCALAR, False),
    ScalarTypeExtensionNode: (Kind.SCALAR, True),
}


class SubgraphReadError(Exception):
    def __init__(self, error: CompositionError) -> None:
        super().__init__(str(error))
        self.error = error


def read_subgraph(name: str, url: str, sdl: str) -> Subgraph:
    """The composition model of one subgraph; SubgraphReadError when the SDL is unusable."""
    try:
        document = parse(sdl, no_location=True)
    except GraphQLError as exc:
        raise SubgraphReadError(
            CompositionError(
                "INVALID_GRAPHQL", f"[{name}] invalid SDL: {exc.message}", subgraphs=(name,)
            )
        ) from None
    links = read_links(document)
    return _Reader(name, url, links, document).read()


def _args(directive: ConstDirectiveNode) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for argument in directive.arguments or ():
        value = argument.value
        if isinstance(value, StringValueNode | BooleanValueNode):
            values[argument.name.value] = value.value
        elif isinstance(value, IntValueNode | ListValueNode):  # @cost, @requiresScopes…
            values[argument.name.value] = value_from_ast_untyped(value)
    return values


def rename_type(node: TypeNode, rename: Callable[[str], str]) -> TypeNode:
    """The same type reference with its named type renamed."""
    return typeref.with_named(node, rename(typeref.named(node)))


class _Reader:
    def __init__(self, name: str, url: str, links: Links, document: DocumentNode) -> None:
        self.subgraph = Subgraph(name=name, url=url, fed2=links.fed2)
        self.links = links
        self.document = document
        self.renames: dict[str, str] = {}
        self.defined: set[str] = set()  # types with a plain definition (not extend, @extends)
        self.extends: set[str] = set()  # types with @extends

    def read(self) -> Subgraph:
        self._read_roots()
        for definition in self.document.definitions:
            if (
                isinstance(definition, DirectiveDefinitionNode)
                and definition.name.value in self.links.composed
            ):
                url = self.links.composed[definition.name.value]
                self.subgraph.composed[definition.name.value] = (definition, url)
            self._read_definition(definition)
        for type_def in self.subgraph.types.values():
            type_def.extension = type_def.name in self.extends or (
                self.subgraph.fed2
                and type_def.name not in self.defined
                and type_def.name not in ROOTS.values()
                and type_def.kind in (Kind.OBJECT, Kind.INTERFACE)
            )
        self._fake_external_key_fields()
        self.subgraph.key_fields = _key_fields(self.subgraph)
        if "Query" not in self.subgraph.types:
            self.subgraph.types["Query"] = TypeDef("Query", Kind.OBJECT)
        for root in ROOTS.values():
            if root in self.subgraph.types:
                self.subgraph.roots.add(root)
        return self.subgraph

    def _read_roots(self) -> None:
        for definition in self.document.definitions:
            if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
                for operation in definition.operation_types or ():
                    local = operation.type.name.value
                    target = ROOTS[operation.operation.value]
                    if local != target:
                        self.renames[local] = target

    def _rename(self, name: str) -> str:
        return self.renames.get(name, name)

    def _skip_type(self, name: str) -> bool:
        return name in BUILTIN_TYPES or name.startswith(BUILTIN_TYPE_PREFIXES)

    def _directives(self, node: Any) -> list[tuple[str, dict[str, Any]]]:
        found: list[tuple[str, dict[str, Any]]] = []
        for directive in node.directives or ():
            local = directive.name.value
            canonical = self.links.name_of(local)
            if canonical is None and local == "deprecated":
                canonical = "deprecated"
            if canonical is not None:
                found.append((canonical, _args(directive)))
        return found

    def _meta(self, node: Any, directives: list[tuple[str, dict[str, Any]]]) -> Applied:
        description = node.description.value if getattr(node, "description", None) else None
        meta = Applied(description=description)
        for name, args in directives:
            if name == "inaccessible":
                meta.inaccessible = True
            elif name == "tag" and isinstance(args.get("name"), str):
                meta.tags.append(args["name"])
            elif name == "deprecated":
                meta.deprecated = args.get("reason", "No longer supported")
            elif name in access.NAMES:
                access.read(meta, name, args)
            elif name in cost.NAMES:
                cost.read(meta, name, args)
        for directive in node.directives or ():
            if directive.name.value in self.links.composed:
                meta.composed.append(directive)
        return meta

    def _read_definition(self, definition: DefinitionNode) -> None:
        kind_extension = _KINDS.get(type(definition))
        if kind_extension is None:
            return
        kind, is_extension = kind_extension
        node: Any = definition
        name = self._rename(node.name.value)
        if self._skip_type(name):
            return
        directives = self._directives(node)
        type_def = self.subgraph.types.get(name)
        if type_def is None:
            type_def = TypeDef(name=name, kind=kind, meta=self._meta(node, directives))
            self.subgraph.types[name] = type_def
        else:
            self._merge_meta(type_def.meta, self._meta(node, directives))
        if any(d == "extends" for d, _ in directives):
            self.extends.add(name)
        elif not is_extension:
            self.defined.add(name)
        shareable = False
        external = False
        for directive, args in directives:
            if directive == "key" and isinstance(args.get("fields"), str):
                resolvable = args.get("resolvable", True)
                type_def.keys.append(Key(args["fields"], resolvable is not False))
            elif directive == "shareable":
                shareable = True
            elif directive == "external":
                external = True
            elif directive == "interfaceObject":
                type_def.interface_object = True
            elif directive == "context" and isinstance(args.get("name"), str):
                type_def.contexts.append(args["name"])
        for interface in getattr(node, "interfaces", None) or ():
            if interface.name.value not in type_def.interfaces:
                type_def.interfaces.append(interface.name.value)
        for member in getattr(node, "types", None) or ():
            if member.name.value not in type_def.members:
                type_def.members.append(self._rename(member.name.value))
        for value in getattr(node, "values", None) or ():
            type_def.values[value.name.value] = EnumValue(
                value.name.value, self._meta(value, self._directives(value))
            )
        for field_node in getattr(node, "fields", None) or ():
            if isinstance(field_node, FieldDefinitionNode):
                if type_def.name in ROOTS.values() and field_node.name.value in BUILTIN_ROOT_FIELDS:
                    continue
                field = self._field(field_node, shareable)
                field.external = field.external or external
                type_def.fields[field.name] = field
            elif isinstance(field_node, InputValueDefinitionNode):
                field = Field(
                    field_node.name.value,
                    rename_type(field_node.type, self._rename),
                    meta=self._meta(field_node, self._directives(field_node)),
                    default=field_node.default_value,
                )
                type_def.fields[field.name] = field

    def _merge_meta(self, into: Applied, other: Applied) -> None:
        into.description = into.description or other.description
        into.inaccessible = into.inaccessible or other.inaccessible
        into.tags.extend(t for t in other.tags if t not in into.tags)
        into.composed.extend(other.composed)
        into.access = into.access.and_(other.access)
        into.cost = cost.merged_cost(into.cost, other.cost)
        into.list_size = cost.merged_list_size(into.list_size, other.list_size)

    def _field(self, node: FieldDefinitionNode, type_shareable: bool) -> Field:
        directives = self._directives(node)
        field = Field(
            node.name.value,
            rename_type(node.type, self._rename),
            meta=self._meta(node, directives),
            shareable=type_shareable or not self.links.fed2,
        )
        for argument in node.arguments or ():
            argument_directives = self._directives(argument)
            from_context = next(
                (a.get("field") for d, a in argument_directives if d == "fromContext"), None
            )
            field.args[argument.name.value] = Argument(
                argument.name.value,
                rename_type(argument.type, self._rename),
                argument.default_value,
                self._meta(argument, argument_directives),
                from_context if isinstance(from_context, str) else None,
            )
        for directive, args in directives:
            if directive == "external":
                field.external = True
            elif directive == "requires":
                field.requires = args.get("fields")
            elif directive == "provides":
                field.provides = args.get("fields")
            elif directive == "override":
                field.override = args.get("from")
                field.override_label = args.get("label")
            elif directive == "shareable":
                field.shareable = True
        return field

    def _fake_external_key_fields(self) -> None:
        """@external on a key field of an entity extension (``extend type``, @extends) is a
        Federation 1 leftover: the subgraph does resolve that field."""
        for type_def in self.subgraph.types.values():
            if type_def.name in self.defined and type_def.name not in self.extends:
                continue
            for name in type_def.key_field_names():
                field = type_def.fields.get(name)
                if field is not None and field.external:
                    field.external = False


def _key_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """(type, field) pairs any @key of the subgraph selects, nested selections included."""
    found: set[tuple[str, str]] = set()
    for type_def in subgraph.types.values():
        for key in type_def.keys:
            found |= subgraph.selected(type_def.name, key.fields)
    return found
