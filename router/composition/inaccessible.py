"""@inaccessible rules on the merged supergraph (Apollo's REFERENCED_INACCESSIBLE & co)."""

from __future__ import annotations

from dataclasses import replace

from router.composition import types as typeref
from router.composition.errors import CompositionError, coordinate
from router.composition.merged import MergedSupergraph
from router.composition.model import Kind

ROOTS = ("Query", "Mutation", "Subscription")


def check_inaccessible(supergraph: MergedSupergraph) -> list[CompositionError]:
    """Every broken @inaccessible rule, naming the subgraphs that define the type."""
    names = {g.enum_value: g.name for g in supergraph.graphs}
    found = []
    for error in _check(supergraph):
        merged = supergraph.types[error.type_name or ""]
        graphs = dict.fromkeys(names[j.graph] for j in merged.join_types)
        found.append(replace(error, subgraphs=tuple(graphs)))
    return found


def _check(supergraph: MergedSupergraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    hidden = {name for name, t in supergraph.types.items() if t.meta.inaccessible}
    for merged in supergraph.types.values():
        if merged.meta.inaccessible:
            continue
        fields = list(merged.fields.values())
        composite = merged.kind in (Kind.OBJECT, Kind.INTERFACE, Kind.INPUT)
        if composite and fields and all(f.meta.inaccessible for f in fields):
            errors.append(
                CompositionError(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{merged.name}" is in the API schema but all of its fields are '
                    "@inaccessible.",
                    type_name=merged.name,
                )
            )
        values = list(merged.values.values())
        if values and all(v.meta.inaccessible for v in values):
            errors.append(
                CompositionError(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Enum "{merged.name}" is in the API schema but all of its values are '
                    "@inaccessible.",
                    type_name=merged.name,
                )
            )
        for field in fields:
            if field.meta.inaccessible:
                if merged.kind is Kind.INPUT and typeref.is_required(
                    field.type, field.default is not None
                ):
                    errors.append(_required(merged.name, field.name, None))
                continue
            target = typeref.named(field.type)
            if target in hidden:
                errors.append(_referenced(merged.name, field.name, None, target))
            for argument in field.args:
                if argument.meta.inaccessible:
                    if typeref.is_required(argument.type, argument.default is not None):
                        errors.append(_required(merged.name, field.name, argument.name))
                    continue
                if typeref.named(argument.type) in hidden:
                    errors.append(
                        _referenced(
                            merged.name, field.name, argument.name, typeref.named(argument.type)
                        )
                    )
    return errors


def _where(type_name: str, field_name: str, argument: str | None) -> str:
    where = coordinate(type_name, field_name)
    return f"{where}({argument}:)" if argument else where


def _referenced(
    type_name: str, field_name: str, argument: str | None, target: str
) -> CompositionError:
    return CompositionError(
        "REFERENCED_INACCESSIBLE",
        f'Type "{target}" is @inaccessible but is referenced by "'
        f'{_where(type_name, field_name, argument)}", which is in the API schema.',
        type_name=type_name,
        field_name=field_name,
    )


def _required(type_name: str, field_name: str, argument: str | None) -> CompositionError:
    return CompositionError(
        "REQUIRED_INACCESSIBLE",
        f'"{_where(type_name, field_name, argument)}" is required but @inaccessible: a client '
        "could never send it.",
        type_name=type_name,
        field_name=field_name,
    )
