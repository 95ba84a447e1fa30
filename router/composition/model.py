"""What composition knows about one subgraph after reading its SDL."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from graphql.language import ConstDirectiveNode, DirectiveDefinitionNode, TypeNode, ValueNode

from router.access_requirements import NO_REQUIREMENT, AccessRequirement
from router.composition.fieldset import selected_fields, top_level_names
from router.composition.types import named
from router.cost_directives import ListSize


class Kind(Enum):
    OBJECT = "type"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT = "input"
    SCALAR = "scalar"


@dataclass
class Applied:
    """Metadata kept in the supergraph: @inaccessible, @tag, @deprecated, description, the
    access-control directives and the demand-control ones (@cost, @listSize)."""

    description: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    deprecated: str | None = None  # the reason; "" when @deprecated has no reason
    composed: list[ConstDirectiveNode] = field(default_factory=list)  # @composeDirective ones
    access: AccessRequirement = NO_REQUIREMENT
    cost: int | None = None
    list_size: ListSize | None = None


@dataclass
class Argument:
    name: str
    type: TypeNode
    default: ValueNode | None = None
    meta: Applied = field(default_factory=Applied)
    # @fromContext(field: "$name selection"): the router passes the value
    from_context: str | None = None


@dataclass
class Field:
    name: str
    type: TypeNode
    args: dict[str, Argument] = field(default_factory=dict)
    meta: Applied = field(default_factory=Applied)
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None  # progressive @override(label:)
    shareable: bool = False
    default: ValueNode | None = None  # input fields only


@dataclass
class Key:
    fields: str
    resolvable: bool = True


@dataclass
class EnumValue:
    name: str
    meta: Applied = field(default_factory=Applied)


@dataclass
class TypeDef:
    name: str
    kind: Kind
    meta: Applied = field(default_factory=Applied)
    keys: list[Key] = field(default_factory=list)
    extension: bool = False
    interface_object: bool = False
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)  # @context(name:)

    def key_field_names(self) -> set[str]:
        """Top-level field names used by any @key of this type."""
        names: set[str] = set()
        for key in self.keys:
            names |= top_level_names(key.fields)
        return names


@dataclass
class Subgraph:
    name: str
    url: str
    fed2: bool
    types: dict[str, TypeDef] = field(default_factory=dict)
    # supergraph root name (Query/Mutation/Subscription) -> True when the subgraph has it
    roots: set[str] = field(default_factory=set)
    # (type, field) pairs selected by any @key, nested selections included
    key_fields: set[tuple[str, str]] = field(default_factory=set)
    # @composeDirective: name -> (its definition, the URL of the @link importing it)
    composed: dict[str, tuple[DirectiveDefinitionNode, str]] = field(default_factory=dict)

    def field_type(self, type_name: str, field_name: str) -> str | None:
        """The named type of a field of this subgraph, None when there is no such field."""
        type_def = self.types.get(type_name)
        field = type_def.fields.get(field_name) if type_def else None
        return named(field.type) if field else None

    def selected(self, type_name: str, fields: str) -> set[tuple[str, str]]:
        """(type, field) pairs a field set on ``type_name`` selects in this subgraph."""
        return selected_fields(type_name, fields, self.field_type)
