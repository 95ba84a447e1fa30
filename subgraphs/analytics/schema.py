# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The analytics subgraph's GraphQL schema: staff reports (scope ``reports:read``).

* ``salesReport(from, to, groupBy)`` — per period and per currency: paid orders, units,
  revenue, refunds, net revenue, average order value; plus totals over the range.
* ``topProducts(from, to, first)`` — best sellers by units, as federated ``Product``
  references (the router completes them from products) with the SKU and name analytics saw.
* ``conversion(from, to)`` — carts created against orders placed and paid.

Ranges are whole UTC days, both ends included. ``from`` after ``to``, a range longer than
the grouping allows or ``first`` outside 1..100 is ``BAD_USER_INPUT``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import HasScope, Scope
from shopgraph.graphql import federation_schema
from shopgraph.money import Money
from shopgraph.settings import Settings
from subgraphs.analytics import records
from subgraphs.analytics.service import AnalyticsService

SERVICE_KEY = "analytics.service"

GqlInfo = Info[RequestContext, None]

ReportGrouping = strawberry.enum(
    records.Grouping,
    name="ReportGrouping",
    description="Calendar periods in UTC: days, ISO weeks (Monday first), months.",
)
ReportsReader = HasScope(Scope.REPORTS_READ)
FromDate = Annotated[date, strawberry.argument(name="from", description="First day (UTC).")]


def service_of(info: GqlInfo) -> AnalyticsService:
    service: AnalyticsService = info.context.extra[SERVICE_KEY]
    return service


@strawberry.type(description="One currency's sales over a period.")
class SalesFigures:
    currency: str
    orders: int = strawberry.field(description="Orders placed in the period and paid.")
    units: int = strawberry.field(description="Units in those orders.")
    revenue: Money = strawberry.field(description="Totals of those orders.")
    refunds: Money = strawberry.field(description="Money refunded in the period.")
    net_revenue: Money = strawberry.field(description="revenue - refunds.")
    average_order_value: Money | None = strawberry.field(
        description="revenue / orders, rounded half-up; null without orders."
    )

    @classmethod
    def of(cls, figures: records.SalesFigures) -> SalesFigures:
        currency = figures.currency
        average = figures.average_order_minor
        return cls(
            currency=currency,
            orders=figures.orders,
            units=figures.units,
            revenue=Money.of(figures.revenue_minor, currency),
            refunds=Money.of(figures.refunds_minor, currency),
            net_revenue=Money.of(figures.net_revenue_minor, currency),
            average_order_value=None if average is None else Money.of(average, currency),
        )


@strawberry.type(description="A day, week or month of the range (clipped to it).")
class SalesPeriod:
    start: date
    end: date
    figures: list[SalesFigures] = strawberry.field(
        description="One entry per currency with sales or refunds in the period."
    )


@strawberry.type
class SalesReport:
    from_: date = strawberry.field(name="from")
    to: date
    group_by: ReportGrouping  # type: ignore[valid-type]
    periods: list[SalesPeriod] = strawberry.field(description="Every period, empty ones too.")
    totals: list[SalesFigures] = strawberry.field(description="The whole range, per currency.")

    @classmethod
    def of(cls, report: records.SalesReport) -> SalesReport:
        return cls(
            from_=report.start,
            to=report.end,
            group_by=report.grouping,
            periods=[
                SalesPeriod(
                    start=period.start,
                    end=period.end,
                    figures=[SalesFigures.of(f) for f in period.figures],
                )
                for period in report.periods
            ],
            totals=[SalesFigures.of(f) for f in report.totals],
        )


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)],
    description="A product (owned by products).",
)
class Product:
    id: strawberry.ID


@strawberry.type(description="A best seller of the range.")
class TopProduct:
    product: Product
    sku: str | None = strawberry.field(description="As the catalog last named it.")
    name: str | None
    units: int = strawberry.field(description="Units in paid orders placed in the range.")
    orders: int = strawberry.field(description="Paid orders that contained it.")
    revenue: list[Money] = strawberry.field(description="Line totals, one per currency.")

    @classmethod
    def of(cls, sales: records.ProductSales) -> TopProduct:
        return cls(
            product=Product(id=strawberry.ID(sales.product_id)),
            sku=sales.sku,
            name=sales.name,
            units=sales.units,
            orders=sales.orders,
            revenue=[Money.of(minor, currency) for currency, minor in sales.revenue_minor],
        )


@strawberry.type(description="Carts created against orders placed and paid.")
class Conversion:
    from_: date = strawberry.field(name="from")
    to: date
    carts_created: int
    orders_placed: int
    orders_paid: int
    rate: float | None = strawberry.field(
        description="ordersPaid / cartsCreated, 4 decimals; null without carts."
    )

    @classmethod
    def of(cls, conversion: records.Conversion) -> Conversion:
        return cls(
            from_=conversion.start,
            to=conversion.end,
            carts_created=conversion.carts_created,
            orders_placed=conversion.orders_placed,
            orders_paid=conversion.orders_paid,
            rate=conversion.rate,
        )


@strawberry.type
class Query:
    @strawberry.federation.field(
        requires_scopes=[[Scope.REPORTS_READ.value]],
        permission_classes=[ReportsReader],
        description="Sales per period and currency (staff: reports:read). "
        "DAY up to 366 days, WEEK up to 742, MONTH up to 3660.",
    )
    async def sales_report(
        self,
        info: GqlInfo,
        from_: FromDate,
        to: date,
        group_by: ReportGrouping = records.Grouping.DAY,  # type: ignore[valid-type]
    ) -> SalesReport:
        report = await service_of(info).sales_report(from_, to, records.Grouping(group_by))
        return SalesReport.of(report)

    @strawberry.federation.field(
        requires_scopes=[[Scope.REPORTS_READ.value]],
        permission_classes=[ReportsReader],
        description="Best sellers by units (staff: reports:read); first 1..100.",
    )
    async def top_products(
        self,
        info: GqlInfo,
        from_: FromDate,
        to: date,
        first: int = 10,
    ) -> list[TopProduct]:
        found = await service_of(info).top_products(from_, to, first)
        return [TopProduct.of(sales) for sales in found]

    @strawberry.federation.field(
        requires_scopes=[[Scope.REPORTS_READ.value]],
        permission_classes=[ReportsReader],
        description="Carts created vs orders placed and paid (staff: reports:read).",
    )
    async def conversion(
        self,
        info: GqlInfo,
        from_: FromDate,
        to: date,
    ) -> Conversion:
        return Conversion.of(await service_of(info).conversion(from_, to))


def build_schema(settings: Settings) -> Any:
    """The analytics subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(settings, query=Query, types=[Product])
