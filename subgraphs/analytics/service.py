"""The analytics service: applies consumed events once, and answers the staff reports.

Report ranges are whole UTC days, ``start`` and ``end`` both included. Definitions:

* **orders / units / revenue** — orders placed in the period that were paid (a
  ``PaymentSucceeded``), their units and their totals; declined or unpaid orders do not
  count. A paid order cancelled later still counts here; its refund shows in **refunds**.
* **refunds** — money refunded in the period (by the refund's own day, whatever the
  order's day). **net revenue** = revenue - refunds.
* **average order value** — revenue / orders, rounded half-up to the currency's minor unit.
* **top products** — units in those same paid orders, ties broken by product id.
* **conversion** — carts created in the range against orders placed (and paid) in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from shopgraph.db import Database
from shopgraph.errors import BadUserInput
from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim, claim_many
from shopgraph.logging import get_logger
from subgraphs.analytics import repository
from subgraphs.analytics.fact_batch import write_facts
from subgraphs.analytics.ingest import TOPIC_OF, WRITERS
from subgraphs.analytics.models import inbox
from subgraphs.analytics.periods import period_start, periods
from subgraphs.analytics.records import (
    Conversion,
    DayRefunds,
    DaySales,
    Grouping,
    ProductSales,
    SalesFigures,
    SalesPeriod,
    SalesReport,
)

log = get_logger(__name__)

CONSUMER: Final = "analytics"
# The longest range per grouping: 366 daily, 106 weekly, 120 monthly rows at most.
MAX_DAYS: Final[dict[Grouping, int]] = {
    Grouping.DAY: 366,
    Grouping.WEEK: 742,
    Grouping.MONTH: 3660,
}
MAX_RANGE_DAYS: Final = 3660  # top products and conversion
TOP_PRODUCTS_MAX: Final = 100


def check_range(start: date, end: date, max_days: int) -> None:
    if start > end:
        raise BadUserInput("'from' must not be after 'to'")
    days = (end - start).days + 1
    if days > max_days:
        raise BadUserInput(f"the range spans {days} days; at most {max_days} are allowed here")


class AnalyticsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- events -----------------------------------------------------------------------------

    async def apply(self, topic: str, event: Event) -> bool:
        """Write the event's facts; False when it was applied before (a redelivery) or is
        of a type analytics does not report on."""
        writer = WRITERS.get((topic, event.type))
        if writer is None:
            return False
        async with self.db.transaction() as session:
            if not await claim(session, inbox, CONSUMER, event.id):
                return False
            await writer(session, event)
        log.debug("analytics_event_applied", event_type=event.type, aggregate=event.aggregate_id)
        return True

    async def apply_batch(self, events: Sequence[Event]) -> int:
        """:meth:`apply` for events of any topic analytics reads, in one transaction with
        one statement per kind of fact (:mod:`subgraphs.analytics.fact_batch`); how many
        were applied. If one payload is refused, nothing is applied."""
        reported = [e for e in events if e.type in TOPIC_OF]
        async with self.db.transaction() as session:
            fresh = await claim_many(session, inbox, CONSUMER, [e.id for e in reported])
            claimed = []
            for event in reported:
                if event.id in fresh:
                    fresh.discard(event.id)  # the same event twice in a batch counts once
                    claimed.append(event)
            await write_facts(session, claimed)
        log.debug("analytics_events_applied", events=len(events), applied=len(claimed))
        return len(claimed)

    async def reset(self) -> None:
        """Forget every fact and every applied event id (a rebuild starts from here)."""
        async with self.db.transaction() as session:
            await repository.reset(session)

    # -- reports ----------------------------------------------------------------------------

    async def sales_report(self, start: date, end: date, grouping: Grouping) -> SalesReport:
        check_range(start, end, MAX_DAYS[grouping])
        async with self.db.session() as session:
            sales = await repository.sales_by_day(session, start, end)
            refunds = await repository.refunds_by_day(session, start, end)
        days: list[DaySales | DayRefunds] = [*sales, *refunds]
        by_period: dict[date, list[DaySales | DayRefunds]] = {}
        for row in days:
            by_period.setdefault(period_start(row.day, grouping), []).append(row)
        rows = [
            SalesPeriod(first, last, _figures(by_period.get(period_start(first, grouping), [])))
            for first, last in periods(start, end, grouping)
        ]
        return SalesReport(start, end, grouping, tuple(rows), _figures(days))

    async def top_products(self, start: date, end: date, first: int) -> list[ProductSales]:
        if not 1 <= first <= TOP_PRODUCTS_MAX:
            raise BadUserInput(f"'first' must be between 1 and {TOP_PRODUCTS_MAX}")
        check_range(start, end, MAX_RANGE_DAYS)
        async with self.db.session() as session:
            return await repository.top_products(session, start, end, first)

    async def conversion(self, start: date, end: date) -> Conversion:
        check_range(start, end, MAX_RANGE_DAYS)
        async with self.db.session() as session:
            carts = await repository.carts_created(session, start, end)
            placed, paid = await repository.orders_placed(session, start, end)
        return Conversion(start, end, carts, placed, paid)


def _figures(rows: list[DaySales | DayRefunds]) -> tuple[SalesFigures, ...]:
    """Per-currency sums of day rows, by currency code."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        current = totals.setdefault(row.currency, [0, 0, 0, 0])
        if isinstance(row, DaySales):
            current[0] += row.orders
            current[1] += row.units
            current[2] += row.revenue_minor
        else:
            current[3] += row.refunds_minor
    return tuple(
        SalesFigures(currency, orders, units, revenue, refunds)
        for currency, (orders, units, revenue, refunds) in sorted(totals.items())
    )
