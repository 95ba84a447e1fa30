"""How deeply a decoded JSON value nests, checked without recursion.

GraphQL input coercion recurses once per level, so a request whose variables nest thousands
of levels deep would end in ``RecursionError`` (a 500); it is refused up front instead.
"""

from __future__ import annotations

from typing import Any


def nested_deeper_than(value: Any, limit: int) -> bool:
    """True when ``value`` has more than ``limit`` levels of lists/objects."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
