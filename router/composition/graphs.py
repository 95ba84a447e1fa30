"""join__Graph enum values for subgraph names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from router.composition.merged import Graph


def graph_enum_values(subgraphs: Sequence[tuple[str, str]]) -> list[Graph]:
    """``products`` -> ``PRODUCTS``; ``node-two`` -> ``NODE_TWO``; clashes get ``_1``, ``_2``."""
    graphs: list[Graph] = []
    taken: set[str] = set()
    for name, url in sorted(subgraphs):
        value = re.sub(r"[^A-Z0-9_]", "_", name.upper())
        if value[:1].isdigit():
            value = "_" + value
        base, suffix = value, 1
        while value in taken:
            value = f"{base}_{suffix}"
            suffix += 1
        taken.add(value)
        graphs.append(Graph(value, name, url))
    return graphs
