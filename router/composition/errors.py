"""Composition errors: a stable code plus the subgraphs, type and field involved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompositionError:
    """One broken federation rule. ``code`` follows Apollo's names where one exists."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    type_name: str | None = None
    field_name: str | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass
class CompositionFailed(Exception):
    """Raised when the subgraphs do not compose; nothing has been written."""

    errors: Sequence[CompositionError] = field(default_factory=list)

    def __str__(self) -> str:
        return "composition failed:\n" + "\n".join(f"  {e}" for e in self.errors)


def coordinate(type_name: str, field_name: str | None = None) -> str:
    """``Type`` or ``Type.field`` for messages."""
    return type_name if field_name is None else f"{type_name}.{field_name}"


def quoted(names: Sequence[str]) -> str:
    """``"a", "b" and "c"`` for messages."""
    items = [f'"{n}"' for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
