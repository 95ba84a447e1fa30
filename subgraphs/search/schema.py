# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The search subgraph's GraphQL schema (issue #9's contract).

* ``search(query, filter, sort, first, after): ProductSearchResult!`` — full text, filters,
  disjunctive facets, keyset cursors, ``correctedQuery`` when a typo was corrected.
* ``searchSuggestions(prefix, first): [SearchSuggestion!]!`` — autocomplete on names.
* ``Product @key(fields: "id")`` is a stub: the router fetches name, price, stock and rating
  from their owners.

Bad input is a request error with ``extensions.code = BAD_USER_INPUT``; search is public.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.errors import BadUserInput, DomainError
from shopgraph.graphql import federation_schema
from shopgraph.money import MoneyInput
from shopgraph.pagination import PageInfo
from shopgraph.settings import Settings
from subgraphs.search import service as domain
from subgraphs.search.facets import MAX_FACET_VALUES, FacetView
from subgraphs.search.projection import ProjectingExecutionContext
from subgraphs.search.records import SearchSort
from subgraphs.search.service import SearchService

SERVICE_KEY = "search.service"

GqlInfo = Info[RequestContext, None]

ProductSearchSort = strawberry.enum(
    SearchSort, name="ProductSearchSort", description="Search result order."
)


def service_of(info: GqlInfo) -> SearchService:
    service: SearchService = info.context.extra[SERVICE_KEY]
    return service


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_extra: Any) -> Product:
        return cls(id=id)


@strawberry.input(description="Products having one of the values of the named attribute.")
class AttributeFilter:
    name: str
    values: list[str]


@strawberry.input(description="Every given filter applies (AND); list values are alternatives.")
class ProductSearchFilter:
    category_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="These categories and their descendants."
    )
    price_min: MoneyInput | None = strawberry.field(default=None, description="Inclusive.")
    price_max: MoneyInput | None = strawberry.field(default=None, description="Inclusive.")
    in_stock: bool | None = None
    min_rating: float | None = strawberry.field(
        default=None, description="Mean approved rating at least this (0 to 5)."
    )
    attributes: list[AttributeFilter] | None = None


@strawberry.type
class FacetValue:
    value: str = strawberry.field(description="Pass this back in the filter to select it.")
    label: str
    count: int = strawberry.field(
        description="Products with this value under every filter except this facet's own."
    )
    selected: bool


@strawberry.type
class Facet:
    field: str = strawberry.field(
        description="category, price, inStock, rating, or attribute:<name>."
    )
    label: str
    values: list[FacetValue] = strawberry.field(
        description=f"The values with the most products, largest first (at most "
        f"{MAX_FACET_VALUES}), and every selected value."
    )
    has_more: bool = strawberry.field(
        description="True when values with fewer products were left out of values."
    )

    @classmethod
    def from_view(cls, view: FacetView) -> Facet:
        return cls(
            field=view.field,
            label=view.label,
            values=[FacetValue(value=v.value, label=v.label, count=v.count, selected=v.selected)
                    for v in view.values],
            has_more=view.has_more,
        )  # fmt: skip


@strawberry.type
class ProductSearchEdge:
    cursor: str
    node: Product
    highlights: list[str] = strawberry.field(
        description="Matched name and description text, matched words in <em>."
    )


@strawberry.type
class ProductSearchResult:
    total_count: int
    edges: list[ProductSearchEdge]
    page_info: PageInfo
    facets: list[Facet]
    corrected_query: str | None = strawberry.field(
        description="Set when the query matched nothing and this corrected one was searched."
    )


@strawberry.type
class SearchSuggestion:
    text: str
    product: Product | None


def _money(value: MoneyInput | None, field: str) -> domain.Money | None:
    if value is None:
        return None
    try:
        minor, currency = value.to_minor(field=field)
    except DomainError as error:
        raise BadUserInput(f"{field}: {error.message}") from None
    return domain.Money(minor=minor, currency=currency)


def request_of(
    query: str | None,
    filter: ProductSearchFilter | None,
    sort: SearchSort,
    first: int,
    after: str | None,
) -> domain.SearchRequest:
    f = filter or ProductSearchFilter()
    return domain.SearchRequest(
        query=query,
        category_ids=None if f.category_ids is None else tuple(str(c) for c in f.category_ids),
        price_min=_money(f.price_min, "priceMin"),
        price_max=_money(f.price_max, "priceMax"),
        in_stock=f.in_stock,
        min_rating=f.min_rating,
        attributes=tuple((a.name, tuple(a.values)) for a in f.attributes or ()),
        sort=SearchSort(sort),
        first=first,
        after=after,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Full-text product search with filters and facets.")
    async def search(
        self,
        info: GqlInfo,
        query: str | None = None,
        filter: ProductSearchFilter | None = None,
        sort: ProductSearchSort | None = SearchSort.RELEVANCE,  # type: ignore[valid-type]
        first: int | None = 20,
        after: str | None = None,
    ) -> ProductSearchResult:
        size = domain.DEFAULT_FIRST if first is None else first
        request = request_of(query, filter, sort or SearchSort.RELEVANCE, size, after)
        outcome = await service_of(info).search(request)
        edges = [
            ProductSearchEdge(
                cursor=e.cursor,
                node=Product(id=strawberry.ID(e.product_id)),
                highlights=e.highlights,
            )
            for e in outcome.edges
        ]
        return ProductSearchResult(
            total_count=outcome.total,
            edges=edges,
            page_info=PageInfo(
                has_next_page=outcome.has_next,
                has_previous_page=outcome.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            facets=[Facet.from_view(view) for view in outcome.facets],
            corrected_query=outcome.corrected_query,
        )

    @strawberry.field(description="Product names starting with the prefix (autocomplete).")
    async def search_suggestions(
        self, info: GqlInfo, prefix: str, first: int | None = domain.DEFAULT_SUGGESTIONS
    ) -> list[SearchSuggestion]:
        size = domain.DEFAULT_SUGGESTIONS if first is None else first
        found = await service_of(info).suggestions(prefix, size)
        return [
            SearchSuggestion(text=s.text, product=Product(id=strawberry.ID(s.product_id)))
            for s in found
        ]


def build_schema(settings: Settings) -> Any:
    """The search subgraph schema (a ``strawberry.federation.Schema``), completing its
    resolver-less result types by projection (:mod:`subgraphs.search.projection`)."""
    schema = federation_schema(settings, query=Query, types=[Product])
    schema.execution_context_class = ProjectingExecutionContext
    return schema
