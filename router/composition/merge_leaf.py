"""Merging unions, enums (by usage), input objects and scalars."""

from __future__ import annotations

from router.composition import types as typeref
from router.composition.errors import quoted
from router.composition.merge_base import INPUT_FIELD, Defs, MergeBase
from router.composition.merged import (
    MergedEnumValue,
    MergedField,
    MergedType,
)
from router.composition.model import Kind


class LeafMerger(MergeBase):
    # -- unions, enums, inputs, scalars ---------------------------------------------------------

    def _union(self, name: str, defs: Defs) -> MergedType:
        merged = MergedType(name, Kind.UNION, self._meta([d.meta for _, d in defs]))
        merged.join_types = self._join_types(defs)
        for subgraph, type_def in defs:
            for member in type_def.members:
                if member not in merged.members:
                    merged.members.append(member)
                merged.member_joins.append((self.graph_of[subgraph.name], member))
        return merged

    def _enum_usage(self) -> dict[str, set[str]]:
        """Enum name -> {"input", "output"} by where any subgraph uses it."""
        usage: dict[str, set[str]] = {}
        for subgraph in self.subgraphs:
            for type_def in subgraph.types.values():
                for field in type_def.fields.values():
                    side = "input" if type_def.kind is Kind.INPUT else "output"
                    usage.setdefault(typeref.named(field.type), set()).add(side)
                    for argument in field.args.values():
                        usage.setdefault(typeref.named(argument.type), set()).add("input")
        return usage

    def _enum(self, name: str, defs: Defs, usage: set[str]) -> MergedType:
        merged = MergedType(name, Kind.ENUM, self._meta([d.meta for _, d in defs]))
        merged.join_types = self._join_types(defs)
        all_values: list[str] = []
        for _, type_def in defs:
            all_values.extend(v for v in type_def.values if v not in all_values)
        in_all = [v for v in all_values if all(v in d.values for _, d in defs)]
        if usage == {"input", "output"} and in_all != all_values:
            for value in all_values:
                if value in in_all or all(
                    d.values[value].meta.inaccessible for _, d in defs if value in d.values
                ):
                    continue
                have = [s.name for s, d in defs if value in d.values]
                lack = [s.name for s, d in defs if value not in d.values]
                self.error(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{name}" is used as both input type and output type, but value '
                    f'"{value}" is not defined in all the subgraphs defining "{name}": '
                    f'"{value}" is defined in {quoted(have)} but not in {quoted(lack)}',
                    have + lack,
                    name,
                )
        values = in_all if usage == {"input"} else all_values
        if not values:
            self.error(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{name}" are defined consistently in all the '
                f"subgraphs defining that type, and it is used as an input type.",
                [s.name for s, _ in defs],
                name,
            )
        for value in values:
            present = [(s, d.values[value]) for s, d in defs if value in d.values]
            merged.values[value] = MergedEnumValue(
                value,
                self._meta([v.meta for _, v in present]),
                [self.graph_of[s.name] for s, _ in present],
            )
        return merged

    def _input(self, name: str, defs: Defs) -> MergedType:
        merged = MergedType(name, Kind.INPUT, self._meta([d.meta for _, d in defs]))
        merged.join_types = self._join_types(defs)
        field_names: list[str] = []
        for _, type_def in defs:
            field_names.extend(f for f in type_def.fields if f not in field_names)
        for field_name in field_names:
            value = self._input_value(
                INPUT_FIELD,
                f"{name}.{field_name}",
                [(s.name, d.fields.get(field_name)) for s, d in defs],
                name,
                field_name,
            )
            if value is not None:
                field_type, default, meta = value
                merged.fields[field_name] = MergedField(
                    field_name, field_type, meta, default=default
                )
        if not merged.fields and not self.errors:
            self.error(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{name}" are consistently defined '
                f"in all the subgraphs defining that type.",
                [s.name for s, _ in defs],
                name,
            )
        return merged

    def _plain(self, name: str, kind: Kind, defs: Defs) -> MergedType:
        merged = MergedType(name, kind, self._meta([d.meta for _, d in defs]))
        merged.join_types = self._join_types(defs)
        return merged
