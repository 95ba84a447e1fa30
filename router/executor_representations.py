"""Representations: the part of an object an entity fetch sends to the subgraph that
resolves it (its ``requires``: key fields, ``@requires`` fields, ``__typename``).

A :class:`Representations` is built once per entity fetch (the executor caches it with the
plan's fetch): requirements made only of plain fields are copied with one loop, others are
projected through their nested selections and type conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.planner_nodes import RequiredField, RequiredFragment, RequiredSelection

Json = dict[str, Any]
PossibleTypes = Mapping[str, frozenset[str]]
_MISSING = object()


class Representations:
    def __init__(
        self, requires: tuple[RequiredFragment, ...], possible: PossibleTypes | None = None
    ) -> None:
        self._possible = possible
        # concrete __typename -> (its requirement, (name, response key) pairs when flat)
        self._by_type: dict[str, tuple[RequiredFragment, tuple[tuple[str, str], ...] | None]] = {}
        for fragment in requires:
            if fragment.type_condition not in self._by_type:
                self._by_type[fragment.type_condition] = (fragment, _flat(fragment))

    def of(self, obj: Json) -> Json | None:
        """The object's representation; None when no requirement is for its type or a key
        field is null."""
        typename = obj.get("__typename")
        if not isinstance(typename, str):
            return None
        found = self._by_type.get(typename)
        if found is None:
            return None
        fragment, flat = found
        for key_field in fragment.key_fields:
            if obj.get(key_field) is None:
                return None
        if flat is not None:
            rep: Json = {}
            for name, response_key in flat:
                value = obj.get(response_key, _MISSING)
                if value is not _MISSING:
                    rep[name] = value
        else:
            projected = _project(obj, fragment.selections, self._possible)
            if not isinstance(projected, dict):
                return None
            rep = projected
        if fragment.rename_to:
            rep["__typename"] = fragment.rename_to
        return rep


def _flat(fragment: RequiredFragment) -> tuple[tuple[str, str], ...] | None:
    pairs = []
    for selection in fragment.selections:
        if not isinstance(selection, RequiredField) or selection.selections:
            return None
        pairs.append((selection.name, selection.response_key))
    return tuple(pairs)


def _project(
    value: Any,
    selections: tuple[RequiredSelection, ...],
    possible: PossibleTypes | None = None,
) -> Any:
    if isinstance(value, list):
        return [_project(item, selections, possible) for item in value]
    if not isinstance(value, dict):
        return value
    out: Json = {}
    for selection in selections:
        if isinstance(selection, RequiredField):
            item = value.get(selection.response_key, _MISSING)
            if item is _MISSING:
                continue
            out[selection.name] = (
                _project(item, selection.selections, possible) if selection.selections else item
            )
        elif _matches(value.get("__typename"), selection.type_condition, possible):
            out.update(_project(value, selection.selections, possible))
    return out


def _matches(typename: Any, condition: str, possible: PossibleTypes | None) -> bool:
    if typename == condition:
        return True
    return possible is not None and typename in possible.get(condition, frozenset())
