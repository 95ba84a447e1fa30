"""Calendar periods of a report: UTC days, ISO weeks (Monday to Sunday) and months.

A report's range is whole days, both ends included; the first and last periods are clipped
to it, so every day of the range lies in exactly one period and no day outside it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from subgraphs.analytics.records import Grouping


def period_start(day: date, grouping: Grouping) -> date:
    """The first day of the calendar period ``day`` falls in."""
    if grouping is Grouping.DAY:
        return day
    if grouping is Grouping.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(start: date, grouping: Grouping) -> date:
    if grouping is Grouping.DAY:
        return start + timedelta(days=1)
    if grouping is Grouping.WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(first: date, last: date, grouping: Grouping) -> Iterator[tuple[date, date]]:
    """``(start, end)`` of each period from ``first`` to ``last`` (inclusive), clipped."""
    start = period_start(first, grouping)
    while start <= last:
        following = _next_start(start, grouping)
        yield max(start, first), min(following - timedelta(days=1), last)
        start = following
