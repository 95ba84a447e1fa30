"""Merge the subgraphs into one supergraph by the Federation v2 rules."""

from __future__ import annotations

from graphql.language import DirectiveDefinitionNode

from router.composition.merge_base import Defs
from router.composition.merge_fields import FieldMerger
from router.composition.merge_leaf import LeafMerger
from router.composition.merged import (
    JoinField,
    MergedField,
    MergedSupergraph,
    MergedType,
)
from router.composition.model import Applied, Kind

ROOT_NAMES = ("Query", "Mutation", "Subscription")


class Merger(FieldMerger, LeafMerger):
    """``Merger(subgraphs).merge()``; the broken rules are in ``errors`` afterwards."""

    def merge(self) -> MergedSupergraph:
        by_name: dict[str, Defs] = {}
        for subgraph in self.subgraphs:
            for type_def in subgraph.types.values():
                by_name.setdefault(type_def.name, []).append((subgraph, type_def))
        usage = self._enum_usage()
        for defs in by_name.values():
            for _, type_def in defs:
                for interface in type_def.interfaces:
                    self.supertypes.setdefault(type_def.name, set()).add(interface)
                for member in type_def.members:
                    self.supertypes.setdefault(member, set()).add(type_def.name)
        merged: dict[str, MergedType] = {}
        for name, defs in by_name.items():
            kind = self._kind(name, defs)
            if kind is None:
                continue
            if kind in (Kind.OBJECT, Kind.INTERFACE):
                merged[name] = self._composite(name, kind, defs)
            elif kind is Kind.UNION:
                merged[name] = self._union(name, defs)
            elif kind is Kind.ENUM:
                merged[name] = self._enum(name, defs, usage.get(name, set()))
            elif kind is Kind.INPUT:
                merged[name] = self._input(name, defs)
            else:
                merged[name] = self._plain(name, kind, defs)
        self._interface_objects(merged, by_name)
        roots = [r for r in ROOT_NAMES if r in merged and merged[r].fields]
        if "Query" not in roots and not self.errors:
            self.error("NO_QUERIES", "No queries found in any subgraph: a supergraph needs one.")
        for root in ROOT_NAMES:
            if root in merged and not merged[root].fields:
                del merged[root]
        composed: dict[str, tuple[DirectiveDefinitionNode, str]] = {}
        for subgraph in self.subgraphs:
            for name, definition in subgraph.composed.items():
                composed.setdefault(name, definition)
        return MergedSupergraph(self.graphs, merged, roots, composed)

    # -- kinds -------------------------------------------------------------------------------

    def _kind(self, name: str, defs: Defs) -> Kind | None:
        kinds = {(Kind.INTERFACE if d.interface_object else d.kind) for _, d in defs}
        if len(kinds) == 1:
            return kinds.pop()
        described = ", ".join(f'{d.kind.value} in "{s.name}"' for s, d in defs)
        self.error(
            "TYPE_KIND_MISMATCH",
            f'Type "{name}" has mismatched kinds: it is defined as {described}.',
            [s.name for s, _ in defs],
            name,
        )
        return None

    # -- interface objects -----------------------------------------------------------------------

    def _interface_objects(self, merged: dict[str, MergedType], by_name: dict[str, Defs]) -> None:
        """Fields an @interfaceObject contributes reach every implementation of the interface."""
        for name, defs in by_name.items():
            if not any(d.interface_object for _, d in defs) or name not in merged:
                continue
            interface = merged[name]
            object_fields = {f for _, d in defs if d.interface_object for f in d.fields}
            for implementation in merged.values():
                if implementation.kind is not Kind.OBJECT or name not in implementation.interfaces:
                    continue
                for field_name in object_fields:
                    if field_name in implementation.fields or field_name not in interface.fields:
                        continue
                    source = interface.fields[field_name]
                    implementation.fields[field_name] = MergedField(
                        field_name,
                        source.type,
                        Applied(description=source.meta.description),
                        list(source.args),
                        [JoinField(None)],
                    )
