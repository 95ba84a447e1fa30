"""Report periods: every day of the range in exactly one period, calendar-aligned."""

from datetime import date

from subgraphs.analytics.periods import periods
from subgraphs.analytics.records import Grouping, SalesFigures


def test_weeks_start_on_monday_and_are_clipped_to_the_range() -> None:
    found = list(periods(date(2026, 3, 11), date(2026, 3, 24), Grouping.WEEK))
    assert found == [
        (date(2026, 3, 11), date(2026, 3, 15)),
        (date(2026, 3, 16), date(2026, 3, 22)),
        (date(2026, 3, 23), date(2026, 3, 24)),
    ]


def test_months_cross_the_year_and_february() -> None:
    found = list(periods(date(2025, 12, 20), date(2026, 3, 1), Grouping.MONTH))
    assert found == [
        (date(2025, 12, 20), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 1)),
    ]


def test_one_day() -> None:
    assert list(periods(date(2026, 1, 1), date(2026, 1, 1), Grouping.DAY)) == [
        (date(2026, 1, 1), date(2026, 1, 1))
    ]


def test_average_order_value_rounds_half_up_in_minor_units() -> None:
    assert SalesFigures("USD", 2, 2, 101, 0).average_order_minor == 51  # 50.5 -> 51
    assert SalesFigures("USD", 3, 3, 100, 0).average_order_minor == 33
    assert SalesFigures("USD", 0, 0, 0, 500).average_order_minor is None
