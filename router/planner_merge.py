"""A plan clean-up: an entity fetch nothing waits for is folded into a later fetch to the same
subgraph at the same path, so the subgraph is asked once instead of twice.

Typical case: ``inStock`` (needs only the key) and ``shippingEstimate`` (``@requires`` fields
from another subgraph) of the same products. Planned field by field they are two inventory
fetches one stage apart; the first one's answer is needed by nobody before the second one's
stage, so asking for both in the second fetch costs no extra stage and saves a request.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from graphql import print_ast

from router.planner_selection import FieldSel, Sel

if TYPE_CHECKING:
    from router.planner_build import FetchBuilder as FetchLike


def fold_late_entity_fetches(fetches: list[FetchLike]) -> None:
    """Fold, in place, each entity fetch with no dependents into the first later fetch to the
    same subgraph and path that already waits for everything it waits for (its selection is
    emptied; the plan assembler drops empty fetches)."""
    dependents: set[int] = set()
    for fetch in fetches:
        dependents |= fetch.deps
    for index, early in enumerate(fetches):
        if early.path is None or early.id in dependents or early.contexts or early.sel.is_empty():
            continue
        for late in fetches[index + 1 :]:
            if (
                late.graph != early.graph
                or late.path != early.path
                or late.defer != early.defer
                or late.contexts
                or early.id in late.deps
                or not early.deps <= late.deps
                or not _foldable(early, late)
            ):
                continue
            _fold(early, late)
            break


def _foldable(early: FetchLike, late: FetchLike) -> bool:
    for type_name, rename in early.rename.items():
        if late.rename.get(type_name, rename) != rename:
            return False
    if not _compatible(early.sel, late.sel):
        return False
    return all(
        _one_value_per_name(sel, late.requires[t]) and _compatible(sel, late.requires[t])
        for t, sel in early.requires.items()
        if t in late.requires
    )


def _one_value_per_name(a: Sel, b: Sel) -> bool:
    """A representation carries each field once, under its name: two requirements of one
    field with other arguments (other response keys) cannot share a representation."""
    keys = {f.name: f.key for f in b.fields.values()}
    return all(keys.get(f.name, f.key) == f.key for f in a.fields.values())


def _compatible(a: Sel, b: Sel) -> bool:
    """Merging keeps every response key meaning one field with one set of arguments."""
    for key, fa in a.fields.items():
        fb = b.fields.get(key)
        if fb is None:
            continue
        if fa.name != fb.name or fa.type != fb.type or _args(fa) != _args(fb):
            return False
        if (fa.sub is None) != (fb.sub is None):
            return False
        if fa.sub is not None and fb.sub is not None and not _compatible(fa.sub, fb.sub):
            return False
    return all(_compatible(s, b.frags[t]) for t, s in a.frags.items() if t in b.frags)


def _args(fsel: FieldSel) -> tuple[str, ...]:
    return tuple(print_ast(a) for a in fsel.args)


def _merge(into: Sel, other: Sel) -> None:
    for key, fsel in other.fields.items():
        mine = into.fields.get(key)
        if mine is None:
            into.fields[key] = copy.deepcopy(fsel)
            continue
        if tuple(map(print_ast, mine.conditions)) != tuple(map(print_ast, fsel.conditions)):
            mine.conditions = ()
        if fsel.sub is not None and mine.sub is not None:
            _merge(mine.sub, fsel.sub)
    for type_name, frag in other.frags.items():
        _merge(into.frag(type_name), frag)


def _fold(early: FetchLike, late: FetchLike) -> None:
    _merge(late.sel, early.sel)
    for type_name, sel in early.requires.items():
        _merge(late.requires.setdefault(type_name, Sel()), sel)
    for type_name, keys in early.key_fields.items():
        late.key_fields.setdefault(type_name, set()).update(keys)
    for type_name, rename in early.rename.items():
        late.rename.setdefault(type_name, rename)
    late.variables |= early.variables
    early.sel = Sel()
