"""Progressive ``@override``: which override labels are in force for one request.

A field moved with ``@override(from: "old", label: "percent(5)")`` is planned against its new
owner in 5% of requests and against the old one otherwise; any other label (a feature flag)
is in force only when the router config turns it on (``[progressive_override]
active_labels``). The draw happens once per request, so every fetch of one operation agrees
(``docs/architecture.md §11``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import Field, field_validator

from router.composition.labels import label_problem, percent_of
from router.config_section import Section


class ProgressiveOverrideSection(Section):
    # Named (non-percent) labels in force for every request, e.g. a feature flag turned on.
    active_labels: tuple[str, ...] = Field(default=())

    @field_validator("active_labels")
    @classmethod
    def _named(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        for label in labels:
            if percent_of(label) is not None:
                raise ValueError(f"{label}: percent labels are drawn per request, not listed")
            problem = label_problem(label)
            if problem is not None:
                raise ValueError(f"{label}: {problem}")
        return labels


@dataclass(frozen=True)
class OverridePolicy:
    """Draws the labels in force for one request out of the supergraph's ``labels``."""

    labels: frozenset[str]
    active: frozenset[str] = frozenset()
    draw_fraction: Callable[[], float] = random.random

    def draw(self) -> frozenset[str]:
        chosen = set(self.active & self.labels)
        for label in self.labels:
            percent = percent_of(label)
            if percent is not None and self.draw_fraction() * 100 < percent:
                chosen.add(label)
        return frozenset(chosen)
