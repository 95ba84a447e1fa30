"""Progressive ``@override`` labels: ``percent(N)`` or a name (Apollo's rules)."""

from __future__ import annotations

import re

PERCENT_LABEL = re.compile(r"percent\((\d{1,3}(?:\.\d{1,8})?)\)")
# What Apollo's composition accepts as a label: percent(N) with 0 <= N <= 100, or a name.
NAMED_LABEL = re.compile(r"[a-zA-Z][a-zA-Z0-9_\-:.]*")


def percent_of(label: str) -> float | None:
    """The share of requests a ``percent(N)`` label is in force for (None: a named label)."""
    match = PERCENT_LABEL.fullmatch(label)
    return float(match.group(1)) if match else None


def label_problem(label: str) -> str | None:
    """Why an ``@override`` label is invalid, or None."""
    percent = percent_of(label)
    if percent is not None:
        return None if percent <= 100 else "a percentage must be between 0 and 100"
    if label.startswith("percent("):
        return "expected percent(N) with N a number of at most 8 decimal places"
    if NAMED_LABEL.fullmatch(label):
        return None
    return "a label starts with a letter and has only letters, digits, _ - : ."
