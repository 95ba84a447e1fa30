"""Merging object and interface types field by field: types, sharing, @external, @override."""

from __future__ import annotations

from router.composition import types as typeref
from router.composition.errors import coordinate, quoted
from router.composition.fieldset import top_level_names
from router.composition.labels import label_problem
from router.composition.merge_base import ARGUMENT, Defs, MergeBase
from router.composition.merged import (
    JoinField,
    MergedArgument,
    MergedField,
    MergedType,
)
from router.composition.model import Field, Kind, Subgraph, TypeDef


class FieldMerger(MergeBase):
    # -- objects and interfaces ----------------------------------------------------------------

    def _composite(self, name: str, kind: Kind, defs: Defs) -> MergedType:
        merged = MergedType(name, kind, self._meta([d.meta for _, d in defs]))
        merged.join_types = self._join_types(defs)
        for subgraph, type_def in defs:
            merged.contexts.extend(f"{subgraph.name}__{c}" for c in type_def.contexts)
            for interface in type_def.interfaces:
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)
                merged.implements.append((self.graph_of[subgraph.name], interface))
        field_names: list[str] = []
        for _, type_def in defs:
            field_names.extend(f for f in type_def.fields if f not in field_names)
        for field_name in field_names:
            field_defs = [(s, d.fields[field_name], d) for s, d in defs if field_name in d.fields]
            result = self._field(name, kind, field_name, field_defs, len(field_defs) == len(defs))
            if result is not None:
                merged.fields[field_name] = result
        return merged

    def _field(
        self,
        type_name: str,
        kind: Kind,
        field_name: str,
        defs: list[tuple[Subgraph, Field, TypeDef]],
        in_all: bool,
    ) -> MergedField | None:
        where = coordinate(type_name, field_name)
        names = [s.name for s, _, _ in defs]
        overridden = self._overridden(where, type_name, field_name, defs)
        resolving = [(s, f, t) for s, f, t in defs if not f.external and s.name not in overridden]
        base = resolving or [(s, f, t) for s, f, t in defs if not f.external] or defs
        merged_type = base[0][1].type
        for _subgraph, field, _ in base[1:]:
            combined = typeref.merge(merged_type, field.type, output=True, subtype=self.subtype)
            if combined is None:
                self.error(
                    "FIELD_TYPE_MISMATCH",
                    f'Type of field "{where}" is incompatible across subgraphs: '
                    + ", ".join(f'"{typeref.text(f.type)}" in "{s.name}"' for s, f, _ in base),
                    names,
                    type_name,
                    field_name,
                )
                return None
            merged_type = combined
        self._check_external(where, type_name, field_name, defs, merged_type)
        if kind is Kind.OBJECT and type_name != "Subscription":
            self._check_sharing(where, type_name, field_name, resolving)
        args = self._arguments(where, type_name, field_name, [(s, f) for s, f, _ in base])
        merged = MergedField(
            field_name, merged_type, self._meta([f.meta for _, f, _ in defs]), args
        )
        types_differ = any(not typeref.same(f.type, merged_type) for _, f, _ in defs)
        special = any(
            f.external or f.requires or f.provides or self._override(f) or _contextual(f)
            for _, f, _ in defs
        )
        if in_all and not types_differ and not special and not overridden:
            return merged
        # A progressive override keeps the overridden definition, marked with the label.
        label_of_source = {
            f.override: f.override_label
            for _, f, _ in defs
            if f.override_label is not None and self._override(f) is not None
        }
        for subgraph, field, _ in defs:
            used = overridden.get(subgraph.name)
            source_label = label_of_source.get(subgraph.name)
            if used is False and source_label is None:
                continue
            label = field.override_label if self._override(field) is not None else source_label
            merged.joins.append(
                JoinField(
                    self.graph_of[subgraph.name],
                    requires=field.requires,
                    provides=field.provides,
                    type=typeref.text(field.type) if types_differ else None,
                    external=field.external,
                    override=self._override(field),
                    used_overridden=bool(used) and source_label is None,
                    override_label=label,
                    context_arguments=self._context_arguments(where, subgraph, field),
                )
            )
        return merged

    def _context_arguments(
        self, where: str, subgraph: Subgraph, field: Field
    ) -> list[tuple[str, str, str, str]]:
        """The field's @fromContext arguments as ``join__ContextArgument`` values."""
        found = []
        for argument in field.args.values():
            if argument.from_context is None:
                continue
            text = argument.from_context.strip()
            name, _, selection = text.partition(" ")
            context = name.removeprefix("$")
            declared = any(context in t.contexts for t in subgraph.types.values())
            if not name.startswith("$") or not selection.strip() or not declared:
                self.error(
                    "CONTEXT_NOT_SET",
                    f'Context "{context}" is used at location "{where}({argument.name}:)" '
                    f'but is never set in subgraph "{subgraph.name}".',
                    [subgraph.name],
                    where.split(".")[0],
                    field.name,
                )
                continue
            found.append(
                (
                    f"{subgraph.name}__{context}",
                    argument.name,
                    typeref.text(argument.type),
                    selection.strip(),
                )
            )
        return found

    def _override(self, field: Field) -> str | None:
        """@override(from:) naming a subgraph that is not composed is ignored (as Apollo)."""
        return field.override if field.override in self.graph_of else None

    def _overridden(
        self,
        where: str,
        type_name: str,
        field_name: str,
        defs: list[tuple[Subgraph, Field, TypeDef]],
    ) -> dict[str, bool]:
        """Subgraph name -> whether its overridden definition is still used (key/requires)."""
        result: dict[str, bool] = {}
        for subgraph, field, _ in defs:
            source = field.override
            if source is None:
                continue
            problem = label_problem(field.override_label) if field.override_label else None
            if problem is not None:
                self.error(
                    "OVERRIDE_LABEL_INVALID",
                    f'Invalid @override label "{field.override_label}" on field "{where}" on '
                    f'subgraph "{subgraph.name}": {problem}.',
                    [subgraph.name],
                    type_name,
                    field_name,
                )
            if source == subgraph.name:
                self.error(
                    "OVERRIDE_FROM_SELF_ERROR",
                    f'Source and destination subgraphs "{source}" are the same for overridden '
                    f'field "{where}".',
                    [subgraph.name],
                    type_name,
                    field_name,
                )
                continue
            for other, other_field, other_type in defs:
                if other.name != source or other_field.external:
                    continue
                if other_field.override is not None:
                    self.error(
                        "OVERRIDE_SOURCE_HAS_OVERRIDE",
                        f'Field "{where}" on subgraph "{subgraph.name}" overrides the field in '
                        f'"{source}", which itself has @override.',
                        [subgraph.name, source],
                        type_name,
                        field_name,
                    )
                used = (
                    (type_name, field_name) in other.key_fields
                    or any(
                        f.requires and field_name in top_level_names(f.requires)
                        for f in other_type.fields.values()
                    )
                    or any(
                        field_name in other.types[i].fields
                        for i in other_type.interfaces
                        if i in other.types
                    )
                )
                result[source] = used
        return result

    def _check_sharing(
        self,
        where: str,
        type_name: str,
        field_name: str,
        resolving: list[tuple[Subgraph, Field, TypeDef]],
    ) -> None:
        if len(resolving) < 2:
            return
        not_shareable = [
            s.name
            for s, f, t in resolving
            if not (f.shareable or (type_name, field_name) in s.key_fields or t.interface_object)
        ]
        if not_shareable:
            self.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{where}" is resolved from multiple subgraphs: it is '
                f"resolved from subgraphs {quoted([s.name for s, _, _ in resolving])} and "
                f"defined as non-shareable in "
                f"{'subgraph' if len(not_shareable) == 1 else 'subgraphs'} {quoted(not_shareable)}",
                [s.name for s, _, _ in resolving],
                type_name,
                field_name,
            )

    def _check_external(
        self,
        where: str,
        type_name: str,
        field_name: str,
        defs: list[tuple[Subgraph, Field, TypeDef]],
        merged_type: object,
    ) -> None:
        externals = [(s, f) for s, f, _ in defs if f.external]
        if not externals:
            return
        bases = [(s, f) for s, f, _ in defs if not f.external]
        if not bases:
            self.error(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{where}" is marked @external on all the subgraphs in which it is '
                f"listed ({quoted([s.name for s, _ in externals])}).",
                [s.name for s, _ in externals],
                type_name,
                field_name,
            )
            return
        for subgraph, field in externals:
            if typeref.named(field.type) != typeref.named(bases[0][1].type) or (
                typeref.text(field.type).count("[") != typeref.text(bases[0][1].type).count("[")
            ):
                self.error(
                    "EXTERNAL_TYPE_MISMATCH",
                    f'Type of field "{where}" is incompatible across subgraphs (where marked '
                    f'@external): it has type "{typeref.text(bases[0][1].type)}" in '
                    f'"{bases[0][0].name}" but type "{typeref.text(field.type)}" in '
                    f'"{subgraph.name}".',
                    [bases[0][0].name, subgraph.name],
                    type_name,
                    field_name,
                )

    def _arguments(
        self,
        where: str,
        type_name: str,
        field_name: str,
        defs: list[tuple[Subgraph, Field]],
    ) -> list[MergedArgument]:
        arg_names: list[str] = []
        for _, field in defs:
            arg_names.extend(
                name
                for name, argument in field.args.items()
                if name not in arg_names and argument.from_context is None
            )
        merged: list[MergedArgument] = []
        for arg_name in arg_names:
            value = self._input_value(
                ARGUMENT,
                f"{where}({arg_name}:)",
                [(s.name, f.args.get(arg_name)) for s, f in defs],
                type_name,
                field_name,
            )
            if value is not None:
                merged.append(MergedArgument(arg_name, *value))
        return merged


def _contextual(field: Field) -> bool:
    return any(argument.from_context is not None for argument in field.args.values())
