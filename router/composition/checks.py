"""Per-subgraph rules: @key, @requires and @provides select fields that exist and fit."""

from __future__ import annotations

from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode

from router.composition import types as typeref
from router.composition.errors import CompositionError, coordinate
from router.composition.fieldset import FieldSetSyntaxError, parse_field_set
from router.composition.model import Field, Kind, Subgraph, TypeDef


def check_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for type_def in subgraph.types.values():
        for key in type_def.keys:
            problem = _selects(subgraph, type_def, key.fields, external_top=None)
            if problem:
                errors.append(
                    CompositionError(
                        "KEY_INVALID_FIELDS",
                        f'[{subgraph.name}] On type "{type_def.name}", for @key(fields: '
                        f'"{key.fields}"): {problem}',
                        (subgraph.name,),
                        type_def.name,
                    )
                )
        for field in type_def.fields.values():
            errors.extend(_field_checks(subgraph, type_def, field))
    errors.extend(_unused_externals(subgraph))
    errors.extend(_unknown_types(subgraph))
    return errors


BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def _unknown_types(subgraph: Subgraph) -> list[CompositionError]:
    """Fields, arguments, interfaces and union members naming types the subgraph lacks."""
    errors = []
    known = BUILTIN_SCALARS | set(subgraph.types)
    for type_def in subgraph.types.values():
        references: list[tuple[str | None, str]] = [
            (f.name, typeref.named(f.type)) for f in type_def.fields.values()
        ]
        references += [
            (f.name, typeref.named(a.type))
            for f in type_def.fields.values()
            for a in f.args.values()
        ]
        references += [(None, name) for name in type_def.interfaces + type_def.members]
        for field_name, name in references:
            if name not in known:
                where = coordinate(type_def.name, field_name)
                errors.append(
                    CompositionError(
                        "INVALID_GRAPHQL",
                        f'[{subgraph.name}] Unknown type "{name}" (used by "{where}").',
                        (subgraph.name,),
                        type_def.name,
                        field_name,
                    )
                )
    return errors


def _unused_externals(subgraph: Subgraph) -> list[CompositionError]:
    """Federation 2: an @external field must serve a @key, @requires or @provides."""
    if not subgraph.fed2:
        return []
    used: set[tuple[str, str]] = set(subgraph.key_fields)
    for type_def in subgraph.types.values():
        for field in type_def.fields.values():
            if field.requires:
                used |= subgraph.selected(type_def.name, field.requires)
            if field.provides:
                used |= subgraph.selected(typeref.named(field.type), field.provides)
    errors = []
    for type_def in subgraph.types.values():
        if type_def.kind is not Kind.OBJECT:
            continue
        interface_fields = {
            name
            for interface in type_def.interfaces
            if interface in subgraph.types
            for name in subgraph.types[interface].fields
        }
        for field in type_def.fields.values():
            unused = (type_def.name, field.name) not in used
            if field.external and unused and field.name not in interface_fields:
                errors.append(
                    CompositionError(
                        "EXTERNAL_UNUSED",
                        f'[{subgraph.name}] Field "{coordinate(type_def.name, field.name)}" '
                        "is marked @external but is not used in any federation directive "
                        "(@key, @provides, @requires) or to satisfy an interface; the field "
                        "declaration has no use and should be removed (or the field should "
                        "not be @external).",
                        (subgraph.name,),
                        type_def.name,
                        field.name,
                    )
                )
    return errors


def _field_checks(subgraph: Subgraph, type_def: TypeDef, field: Field) -> list[CompositionError]:
    errors: list[CompositionError] = []
    where = coordinate(type_def.name, field.name)
    if field.requires is not None:
        requires_problem = _selects(subgraph, type_def, field.requires, external_top=True)
        if requires_problem:
            code = (
                "REQUIRES_FIELDS_MISSING_EXTERNAL"
                if "@external" in requires_problem
                else "REQUIRES_INVALID_FIELDS"
            )
            errors.append(
                CompositionError(
                    code,
                    f'[{subgraph.name}] On field "{where}", for @requires(fields: '
                    f'"{field.requires}"): {requires_problem}',
                    (subgraph.name,),
                    type_def.name,
                    field.name,
                )
            )
    if field.provides is not None:
        target = subgraph.types.get(typeref.named(field.type))
        problem: str | None
        if target is None or target.kind not in (Kind.OBJECT, Kind.INTERFACE, Kind.UNION):
            problem = (
                f'Invalid @provides directive on field "{where}": field has type '
                f'"{typeref.text(field.type)}" which is not a Composite Type'
            )
            code = "PROVIDES_ON_NON_OBJECT_FIELD"
        else:
            problem = _selects(subgraph, target, field.provides, external_top=None)
            code = "PROVIDES_INVALID_FIELDS"
        if problem:
            errors.append(
                CompositionError(
                    code,
                    f'[{subgraph.name}] On field "{where}", for @provides(fields: '
                    f'"{field.provides}"): {problem}',
                    (subgraph.name,),
                    type_def.name,
                    field.name,
                )
            )
    return errors


def _selects(
    subgraph: Subgraph, type_def: TypeDef, fields: str, external_top: bool | None
) -> str | None:
    """Why the field set does not select existing fields of the type, or None."""
    try:
        selection_set = parse_field_set(fields)
    except FieldSetSyntaxError as exc:
        return f"invalid field set syntax ({exc})"
    return _walk(subgraph, type_def, selection_set, external_top)


def _walk(
    subgraph: Subgraph,
    type_def: TypeDef,
    selection_set: SelectionSetNode,
    external_top: bool | None,
) -> str | None:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = subgraph.types.get(condition.name.value) if condition else type_def
            if target is None:
                return f'unknown type "{condition.name.value if condition else ""}"'
            problem = _walk(subgraph, target, selection.selection_set, external_top)
            if problem:
                return problem
            continue
        if not isinstance(selection, FieldNode):
            return "fragment spreads are not allowed in a field set"
        name = selection.name.value
        if name == "__typename":
            continue
        field = type_def.fields.get(name)
        if field is None and type_def.kind is Kind.UNION:
            return f'cannot query field "{name}" on union type "{type_def.name}"'
        if field is None:
            return f'cannot query field "{name}" on type "{type_def.name}" (it is not defined)'
        nested = selection.selection_set is not None
        if external_top and not field.external and subgraph.fed2 and not nested:
            return (
                f'field "{coordinate(type_def.name, name)}" should be marked @external '
                f"(it is required but not external)"
            )
        if selection.selection_set is not None:
            target = subgraph.types.get(typeref.named(field.type))
            if target is None:
                return f'field "{coordinate(type_def.name, name)}" is a leaf and has no subfields'
            inner = external_top if not field.external else None
            problem = _walk(subgraph, target, selection.selection_set, inner)
            if problem:
                return problem
    return None
