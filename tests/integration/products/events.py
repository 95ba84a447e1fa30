"""Comparing event payloads with what the API returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class SameInstant:
    """Equal to an ISO timestamp string naming the same instant as ``expected``."""

    def __init__(self, expected: str) -> None:
        self.expected = datetime.fromisoformat(expected)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and datetime.fromisoformat(other) == self.expected

    def __hash__(self) -> int:
        return hash(self.expected)

    def __repr__(self) -> str:
        return f"SameInstant({self.expected.isoformat()})"


def updated_attributes(product: dict[str, Any]) -> list[dict[str, str]]:
    """The product's attributes as events carry them (``[]`` when the query left them out)."""
    return [{"name": a["name"], "value": a["value"]} for a in product.get("attributes") or []]
