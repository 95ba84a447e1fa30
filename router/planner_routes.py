"""Route choice for the planner: which subgraph can complete a selection, where an entity
jump goes, and how a selection splits when no single subgraph completes it.

:class:`RouteChooser` only reads the supergraph and the client operation; the fetch-graph
builder (:mod:`router.planner_build`) asks it and adds to the fetches.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphql import (
    FieldNode,
    GraphQLField,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)

from router.planner_errors import PlanningError
from router.planner_selection import (
    Collector,
    Fields,
    parse_selection,
    provided_below,
    sub_selections,
    with_selections,
)
from router.supergraph import FieldJoin, Supergraph


def _needs_input(join: FieldJoin | None) -> bool:
    """The field needs data the router passes in (@requires fields, @fromContext values), so
    it is always fetched through an entity jump, never inline."""
    return join is not None and bool(join.requires or join.context_arguments)


class RouteChooser:
    def __init__(self, supergraph: Supergraph, collector: Collector) -> None:
        self.sg = supergraph
        self.collector = collector
        self._feasible_cache: dict[tuple[object, ...], bool] = {}
        self._alive: list[list[FieldNode]] = []  # keeps ids in cache keys from being reused
        # the subgraphs that could have resolved the field being planned (see ``below``)
        self.scope: frozenset[str] = frozenset(supergraph.subgraphs)

    @contextmanager
    def below(self, type_name: str, name: str, graph: str) -> Iterator[None]:
        """While the planner descends into this field, abstract types only count on the
        members every subgraph that could have resolved the field knows."""
        outer = self.scope
        self.scope = self._alternatives(type_name, name, graph)
        try:
            yield
        finally:
            self.scope = outer

    def possible_types_in_scope(self, type_name: str, graph: str) -> list[str]:
        """The members of an abstract type in ``graph`` every subgraph in scope also knows."""
        concretes = self.sg.possible_types_in(type_name, graph)
        for other in self.scope - {graph}:
            if self.sg.type_join(type_name, other) is not None and not self.sg.is_interface_object(
                type_name, other
            ):
                known = set(self.sg.possible_types_in(type_name, other))
                concretes = [t for t in concretes if t in known]
        return concretes

    def split(
        self,
        type_name: str,
        name: str,
        graph: str,
        nodes: list[FieldNode],
        provided: Fields | None,
    ) -> tuple[list[FieldNode], list[FieldNode]] | None:
        """Split a locally resolvable field whose subtree is only partly feasible here."""
        join = self.sg.field_join(type_name, name, graph)
        if not self.local(type_name, name, graph, provided) or _needs_input(join):
            return None
        selected = self._object_selection(type_name, name, nodes)
        if selected is None:
            return None
        object_type, subs = selected
        fields = self.collector.collect(object_type, subs)
        sub_provided = None
        if provided is not None and name in provided:
            sub_provided = self.collector.collect(object_type, sub_selections(provided[name]))
        here: list[FieldNode] = []
        rest: list[FieldNode] = []
        for sub_nodes in fields.values():
            ok = self._feasible(object_type, graph, {"k": sub_nodes}, sub_provided, 1)
            (here if ok else rest).extend(sub_nodes)
        if not here or not rest:
            return None
        return [with_selections(nodes[0], here)], [with_selections(nodes[0], rest)]

    def stays(
        self, type_name: str, name: str, graph: str, nodes: list[FieldNode], provided: Fields | None
    ) -> bool:
        """The field is resolved in ``graph`` without an entity jump at this level."""
        join = self.sg.field_join(type_name, name, graph)
        if not self.local(type_name, name, graph, provided) or _needs_input(join):
            return False
        if self.subtree_feasible(type_name, name, graph, nodes, provided, 0):
            return True
        # the subtree cannot be completed from here: split it, or jump the parent entity
        if self.split(type_name, name, graph, nodes, provided) is not None:
            return False
        return self.jump_target(type_name, name, graph, nodes, provided, strict=True) is None

    def split_root(
        self, root: str, name: str, nodes: list[FieldNode], graph: str, graphs: list[str]
    ) -> list[tuple[str, list[FieldNode]]]:
        """A shared root field no single subgraph completes: ask each for its part."""
        if self.subtree_feasible(root, name, graph, nodes, None, 0):
            return [(graph, nodes)]
        selected = self._object_selection(root, name, nodes)
        if selected is None:
            return [(graph, nodes)]
        object_type, subs = selected
        groups: dict[str, list[FieldNode]] = {}
        for sub_nodes in self.collector.collect(object_type, subs).values():
            chosen = graph
            for candidate in [graph] + [g for g in graphs if g != graph]:
                if self._feasible(object_type, candidate, {"k": sub_nodes}, None, 1):
                    chosen = candidate
                    break
            groups.setdefault(chosen, []).extend(sub_nodes)
        return [(g, [with_selections(nodes[0], part)]) for g, part in groups.items()]

    def _feasible(
        self, type_name: str, graph: str, fields: Fields, provided: Fields | None, depth: int
    ) -> bool:
        if depth > 6:
            return False
        for nodes in fields.values():
            name = nodes[0].name.value
            if name == "__typename":
                continue
            join = self.sg.field_join(type_name, name, graph)
            if (
                self.local(type_name, name, graph, provided)
                and not _needs_input(join)
                and self.subtree_feasible(type_name, name, graph, nodes, provided, depth + 1)
            ):
                continue
            if self._find_target(type_name, name, graph, nodes, provided, depth + 1) is None:
                return False
        return True

    def subtree_feasible(
        self,
        type_name: str,
        name: str,
        graph: str,
        nodes: list[FieldNode],
        provided: Fields | None,
        depth: int,
    ) -> bool:
        subs = sub_selections(nodes)
        if not subs:
            return True
        cache_key = (
            type_name,
            name,
            graph,
            tuple(id(n) for n in nodes),
            provided is None,
            depth > 3,
        )
        cached = self._feasible_cache.get(cache_key)
        if cached is not None:
            return cached
        self._feasible_cache[cache_key] = False  # guards cycles
        self._alive.append(nodes)  # ids in cache keys must not be reused
        gfield = self.schema_field(type_name, name)
        named = get_named_type(gfield.type).name
        join = self.sg.field_join(type_name, name, graph)
        provide_sets = provided_below(provided, name, join.provides if join is not None else None)
        result = True
        if self.sg.is_interface_object(named, graph) and is_abstract_type(
            self.sg.schema.type_map[named]
        ):
            result = True
        else:
            for concrete in self.sg.possible_types_in(named, graph):
                fields = self.collector.collect(concrete, subs)
                sub_provided = (
                    self.collector.collect(concrete, provide_sets) if provide_sets else None
                )
                if not self._feasible(concrete, graph, fields, sub_provided, depth):
                    result = False
                    break
        self._feasible_cache[cache_key] = result
        return result

    def _find_target(
        self,
        type_name: str,
        name: str,
        graph: str,
        nodes: list[FieldNode],
        provided: Fields | None,
        depth: int,
    ) -> tuple[str, str, str] | None:
        for target in self.sg.subgraphs:
            entity_type = self._entity_type_in(target, type_name, name)
            if entity_type is None:
                continue
            if target != graph and not self.subtree_feasible(
                entity_type, name, target, nodes, None, depth
            ):
                continue
            for key_text in self.sg.keys(entity_type, target):
                req = self.collector.collect(type_name, [parse_selection(key_text)])
                join = self.sg.field_join(entity_type, name, target)
                if join is not None and join.requires:
                    req.update(self.collector.collect(type_name, [parse_selection(join.requires)]))
                if target == graph:
                    req = {
                        k: v for k, v in req.items() if self.local(type_name, k, graph, provided)
                    }
                if self._feasible(type_name, graph, req, provided, depth + 1):
                    return target, entity_type, key_text
        return None

    def local(self, type_name: str, name: str, graph: str, provided: Fields | None) -> bool:
        if self.sg.resolvable(type_name, name, graph):
            return True
        if provided is not None and name in provided:
            return self.sg.field_in_graph(type_name, name, graph)
        return False

    def _alternatives(self, type_name: str, name: str, graph: str) -> frozenset[str]:
        """Subgraphs that could have resolved this field at this position (the planner
        only relies on union members / implementations all of them know)."""
        out = {graph}
        for g in self.sg.subgraphs:
            if g == graph or not self.sg.resolvable(type_name, name, g):
                continue
            if g in self.scope or self.sg.keys(type_name, g):
                out.add(g)
        return frozenset(out)

    def split_jump(
        self,
        type_name: str,
        name: str,
        graph: str,
        nodes: list[FieldNode],
        provided: Fields | None,
    ) -> list[tuple[tuple[str, str, str], list[FieldNode]]] | None:
        selected = self._object_selection(type_name, name, nodes)
        if selected is None:
            return None
        object_type, subs = selected
        groups: dict[tuple[str, str, str], list[FieldNode]] = {}
        for sub_nodes in self.collector.collect(object_type, subs).values():
            part = [with_selections(nodes[0], sub_nodes)]
            found = self._find_target(type_name, name, graph, part, provided, 1)
            if found is None:
                return None
            groups.setdefault(found, []).extend(sub_nodes)
        if len(groups) < 2:
            return None
        return [(opt, [with_selections(nodes[0], part)]) for opt, part in groups.items()]

    def jump_target(
        self,
        type_name: str,
        name: str,
        graph: str,
        nodes: list[FieldNode],
        provided: Fields | None,
        *,
        strict: bool = False,
    ) -> tuple[str, str, str] | None:
        best: tuple[int, str, str, str] | None = None
        order = [graph] + [g for g in self.sg.subgraphs if g != graph]
        for target in order:
            entity_type = self._entity_type_in(target, type_name, name)
            if entity_type is None:
                continue
            for key_text in self.sg.keys(entity_type, target):
                req = self.collector.collect(type_name, [parse_selection(key_text)])
                score = 0 if self._all_local(type_name, graph, req, provided) else -100
                if (target != graph or strict) and not self.subtree_feasible(
                    entity_type, name, target, nodes, None, 0
                ):
                    if strict:
                        continue
                    score -= 1000
                if strict and (
                    target == graph or not self._feasible(type_name, graph, req, provided, 1)
                ):
                    continue
                score += self._coverage(entity_type, name, target, nodes)
                if target == graph:
                    score += 1
                if best is None or score > best[0]:
                    best = (score, target, entity_type, key_text)
        return None if best is None else best[1:]

    def _all_local(self, type_name: str, graph: str, req: Fields, provided: Fields | None) -> bool:
        for name, nodes in req.items():
            if name == "__typename":
                continue
            if not self.local(type_name, name, graph, provided):
                return False
            gfield = self.schema_field(type_name, name)
            named = get_named_type(gfield.type)
            subs = sub_selections(nodes)
            if subs and not is_abstract_type(named):
                sub = self.collector.collect(named.name, subs)
                if not self._all_local(named.name, graph, sub, None):
                    return False
        return True

    def _coverage(self, type_name: str, name: str, graph: str, nodes: list[FieldNode]) -> int:
        gfield = self.schema_field(type_name, name)
        named = get_named_type(gfield.type)
        subs = sub_selections(nodes)
        if not subs:
            return 0
        score = 0
        for concrete in self.sg.possible_types_in(named.name, graph):
            fields = self.collector.collect(concrete, subs)
            for sub_nodes in fields.values():
                field_name = sub_nodes[0].name.value
                if field_name == "__typename":
                    continue
                if self.local(concrete, field_name, graph, None):
                    score += 1 + self._coverage(concrete, field_name, graph, sub_nodes)
                else:
                    score -= 1
        return score

    def best_graph(
        self,
        graphs: list[str],
        type_name: str,
        name: str,
        nodes: list[FieldNode],
        preferred: list[str],
    ) -> str:
        scored = []
        for index, graph in enumerate(graphs):
            score = self._coverage(type_name, name, graph, nodes) * 10
            if graph in preferred:
                score += 5
            scored.append((-score, index, graph))
        return min(scored)[2]

    def _object_selection(
        self, type_name: str, name: str, nodes: list[FieldNode]
    ) -> tuple[str, list[SelectionSetNode]] | None:
        """The object type a field returns and the client's selections on it; None for
        leaves and abstract types (their selections are never split between subgraphs)."""
        named = get_named_type(self.schema_field(type_name, name).type)
        subs = sub_selections(nodes)
        if not subs or is_abstract_type(named):
            return None
        return named.name, subs

    def _entity_type_in(self, target: str, type_name: str, name: str) -> str | None:
        """The type through which ``target`` resolves ``type_name.name``: the type itself or
        an @interfaceObject standing for it; None when ``target`` cannot resolve the field."""
        entity_type = type_name
        if self.sg.type_join(type_name, target) is None:
            objects = self.sg.interface_objects_for(type_name, target)
            if not objects:
                return None
            entity_type = objects[0]
        if not self.sg.resolvable(entity_type, name, target):
            return None
        return entity_type

    def schema_field(self, type_name: str, name: str) -> GraphQLField:
        gtype = self.sg.schema.type_map[type_name]
        fields: dict[str, GraphQLField] = getattr(gtype, "fields", {})
        if name not in fields:
            raise PlanningError(f"{type_name}.{name} is not in the supergraph")
        return fields[name]
