"""Compose subgraph SDLs into a Federation v2 supergraph SDL (``shopgraph compose``).

``compose(subgraphs)`` returns the supergraph SDL or raises ``CompositionFailed`` listing
every broken rule with the subgraphs, type and field involved. ``compose_to_file`` writes
the result only when composition succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from router.composition.checks import check_subgraph
from router.composition.errors import CompositionError, CompositionFailed
from router.composition.inaccessible import check_inaccessible
from router.composition.merge import Merger
from router.composition.printer import print_supergraph
from router.composition.sources import SubgraphSource
from router.composition.subgraph import SubgraphReadError, read_subgraph

__all__ = [
    "CompositionError",
    "CompositionFailed",
    "SubgraphSource",
    "compose",
    "compose_to_file",
]


def compose(subgraphs: Sequence[SubgraphSource]) -> str:
    """The supergraph SDL of these subgraphs; CompositionFailed when they do not compose."""
    errors: list[CompositionError] = []
    names = [s.name for s in subgraphs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(
            CompositionError("DUPLICATE_SUBGRAPH", f'Subgraph "{name}" is given twice.', (name,))
        )
    if not subgraphs:
        errors.append(CompositionError("NO_SUBGRAPHS", "No subgraphs to compose."))
    read = []
    for source in subgraphs:
        try:
            subgraph = read_subgraph(source.name, source.url, source.sdl)
        except SubgraphReadError as exc:
            errors.append(exc.error)
            continue
        errors.extend(check_subgraph(subgraph))
        read.append(subgraph)
    if errors:
        raise CompositionFailed(errors)
    merger = Merger(read)
    supergraph = merger.merge()
    if merger.errors:
        raise CompositionFailed(merger.errors)
    hidden_errors = check_inaccessible(supergraph)
    if hidden_errors:
        raise CompositionFailed(hidden_errors)
    return print_supergraph(supergraph)


def compose_to_file(subgraphs: Sequence[SubgraphSource], path: Path) -> str:
    """Compose and write ``path`` (atomically); on failure nothing is written."""
    sdl = compose(subgraphs)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(sdl, encoding="utf-8")
    scratch.replace(path)
    return sdl
