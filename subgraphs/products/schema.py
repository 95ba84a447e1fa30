# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The products subgraph's queries, mutations and inputs (docs/architecture.md §4, §5).

Reads are open to everyone (shoppers see ACTIVE products only); every mutation needs the
``catalog:write`` scope (anonymous: ``UNAUTHENTICATED``, customers: ``FORBIDDEN``) and
returns a payload whose ``errors`` list carries business refusals, in which case nothing
changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from shopgraph.auth.principal import HasScope, Scope
from shopgraph.errors import BadUserInput, DomainError, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.money import MoneyInput
from shopgraph.pagination import Connection, connection, connection_list_size, page_size
from shopgraph.settings import Settings
from subgraphs.products.listing import ProductFilter, ProductSortSpec, SortDirection, SortField
from subgraphs.products.service import NewProduct, ProductChanges
from subgraphs.products.types import (
    Category,
    GqlInfo,
    Product,
    ProductStatusEnum,
    catalog_of,
    categories_by_id,
    is_staff,
    products_by_id,
    products_by_sku,
)
from subgraphs.products.validation import ProductStatus, validate_price

ProductSortFieldEnum = strawberry.enum(SortField, name="ProductSortField")
SortDirectionEnum = strawberry.enum(SortDirection, name="SortDirection")
CATALOG_WRITE = [HasScope(Scope.CATALOG_WRITE)]


# -- inputs --------------------------------------------------------------------------------


@strawberry.input
class ProductImageInput:
    url: str
    alt_text: str | None = None


@strawberry.input
class ProductAttributeInput:
    name: str
    value: str


@strawberry.input
class CreateProductInput:
    name: str
    sku: str
    price: MoneyInput
    category_id: strawberry.ID | None = None
    description: str | None = None
    weight_grams: int | None = None
    images: list[ProductImageInput] | None = None
    attributes: list[ProductAttributeInput] | None = None
    status: ProductStatusEnum = ProductStatus.ACTIVE  # type: ignore[valid-type]


@strawberry.input(description="Only the fields given change; null clears an optional field.")
class UpdateProductInput:
    name: str | None = strawberry.UNSET
    sku: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    price: MoneyInput | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    weight_grams: int | None = strawberry.UNSET
    images: list[ProductImageInput] | None = strawberry.UNSET
    attributes: list[ProductAttributeInput] | None = strawberry.UNSET
    status: ProductStatusEnum | None = strawberry.UNSET  # type: ignore[valid-type]


@strawberry.input
class CreateCategoryInput:
    name: str
    parent_id: strawberry.ID | None = None
    description: str | None = None
    slug: str | None = strawberry.field(
        default=None, description="Derived from the name when omitted."
    )


@strawberry.input(description="Only the fields given change; null clears the description.")
class UpdateCategoryInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input
class ProductFilterInput:
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Products of this category and all its descendants."
    )
    status: ProductStatusEnum | None = None  # type: ignore[valid-type]
    price_min: MoneyInput | None = strawberry.field(
        default=None, description="Inclusive; also restricts to its currency."
    )
    price_max: MoneyInput | None = strawberry.field(
        default=None, description="Inclusive; also restricts to its currency."
    )
    price_min_minor: int | None = strawberry.field(
        default=None, description="Inclusive lower bound in minor units, any currency."
    )
    price_max_minor: int | None = strawberry.field(
        default=None, description="Inclusive upper bound in minor units, any currency."
    )
    ids: list[strawberry.ID] | None = None


@strawberry.input
class ProductSortInput:
    field: ProductSortFieldEnum = SortField.NAME  # type: ignore[valid-type]
    direction: SortDirectionEnum = SortDirection.ASC  # type: ignore[valid-type]


# -- payloads ------------------------------------------------------------------------------


@strawberry.type
class ProductPayload:
    product: Product | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CategoryPayload:
    category: Category | None = strawberry.field(
        default=None, description="After deleteCategory: the category as it was."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


# -- helpers -------------------------------------------------------------------------------


def _one_of(**arguments: Any) -> tuple[str, str]:
    given = [(name, value) for name, value in arguments.items() if value is not None]
    if len(given) != 1:
        raise BadUserInput(f"give exactly one of: {', '.join(arguments)}")
    name, value = given[0]
    return name, str(value)


def _selects(selections: Iterable[Any], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _selects(
            selection.selections, name
        ):
            return True
    return False


def _money_bound(value: MoneyInput | None, field: str) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    try:
        return validate_price(value.amount, value.currency, field=field)
    except DomainError as exc:
        raise BadUserInput(f"filter.{exc.field}: {exc.message}") from None


def _filter(given: ProductFilterInput | None, *, staff: bool) -> ProductFilter:
    flt = given or ProductFilterInput()
    low, low_currency = _money_bound(flt.price_min, "priceMin")
    high, high_currency = _money_bound(flt.price_max, "priceMax")
    if low_currency and high_currency and low_currency != high_currency:
        raise BadUserInput("priceMin and priceMax must use the same currency")
    if low is not None and flt.price_min_minor is not None:
        raise BadUserInput("give priceMin or priceMinMinor, not both")
    if high is not None and flt.price_max_minor is not None:
        raise BadUserInput("give priceMax or priceMaxMinor, not both")
    statuses: frozenset[ProductStatus] | None = None
    if flt.status is not None:
        statuses = frozenset({ProductStatus(flt.status)})
    if not staff:
        statuses = (statuses or frozenset(ProductStatus)) & {ProductStatus.ACTIVE}
    return ProductFilter(
        category_id=str(flt.category_id) if flt.category_id is not None else None,
        statuses=statuses,
        price_min_minor=low if low is not None else flt.price_min_minor,
        price_max_minor=high if high is not None else flt.price_max_minor,
        currency=low_currency or high_currency,
        ids=[str(i) for i in flt.ids] if flt.ids is not None else None,
    )


def _changes(input: UpdateProductInput) -> ProductChanges:
    fields: dict[str, Any] = {}
    simple = ("name", "sku", "slug", "description", "weight_grams")
    for name in simple:
        value = getattr(input, name)
        if value is not strawberry.UNSET:
            fields[name] = value
    if input.category_id is not strawberry.UNSET:
        fields["category_id"] = None if input.category_id is None else str(input.category_id)
    if input.price is not strawberry.UNSET:
        fields["price"] = (
            None if input.price is None else (input.price.amount, input.price.currency)
        )
    if input.images is not strawberry.UNSET:
        fields["images"] = (
            None if input.images is None else [(i.url, i.alt_text) for i in input.images]
        )
    if input.attributes is not strawberry.UNSET:
        fields["attributes"] = (
            None if input.attributes is None else [(a.name, a.value) for a in input.attributes]
        )
    if input.status is not strawberry.UNSET:
        fields["status"] = None if input.status is None else ProductStatus(input.status)
    return ProductChanges(fields)


# -- operations ----------------------------------------------------------------------------


@strawberry.type
class Query:
    @strawberry.field(description="One product by exactly one of id, slug or sku.")
    async def product(
        self,
        info: GqlInfo,
        id: strawberry.ID | None = None,
        slug: str | None = None,
        sku: str | None = None,
    ) -> Product | None:
        key, value = _one_of(id=id, slug=slug, sku=sku)
        if key == "id":
            record = await products_by_id(info).load(value)
        elif key == "sku":
            record = await products_by_sku(info).load(value)
        else:
            record = await catalog_of(info).products.by_slug(value)
        if record is None or (record.status is not ProductStatus.ACTIVE and not is_staff(info)):
            return None
        return Product.from_record(record)

    @strawberry.field(
        directives=[connection_list_size()],
        description="Products page by page (keyset cursors bound to the sort).",
    )
    async def products(
        self,
        info: GqlInfo,
        first: int | None = None,
        after: str | None = None,
        filter: ProductFilterInput | None = None,
        sort: ProductSortInput | None = None,
    ) -> Connection[Product]:
        size = page_size(first)
        spec = ProductSortSpec(
            field=SortField(sort.field) if sort else SortField.NAME,
            direction=SortDirection(sort.direction) if sort else SortDirection.ASC,
        )
        with_total = _selects(info.selected_fields[0].selections, "totalCount")
        page, total = await catalog_of(info).products.page(
            flt=_filter(filter, staff=is_staff(info)),
            sort=spec,
            first=size,
            after=after,
            with_total=with_total,
        )
        return connection(page, node=Product.from_record, cursor=spec.cursor, total_count=total)

    @strawberry.field(description="The root categories, or every category when flat.")
    async def categories(self, info: GqlInfo, flat: bool = False) -> list[Category]:
        records = await catalog_of(info).categories.list_all(roots_only=not flat)
        return [Category.from_record(record) for record in records]

    @strawberry.field(description="One category by exactly one of id or slug.")
    async def category(
        self, info: GqlInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Category | None:
        key, value = _one_of(id=id, slug=slug)
        if key == "id":
            record = await categories_by_id(info).load(value)
        else:
            record = await catalog_of(info).categories.by_slug(value)
        return None if record is None else Category.from_record(record)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]], permission_classes=CATALOG_WRITE
    )
    @errors_as_data(ProductPayload)
    async def create_product(self, info: GqlInfo, input: CreateProductInput) -> ProductPayload:
        new = NewProduct(
            name=input.name,
            sku=input.sku,
            price_amount=input.price.amount,
            currency=input.price.currency,
            category_id=str(input.category_id) if input.category_id is not None else None,
            description=input.description,
            weight_grams=input.weight_grams,
            images=[(i.url, i.alt_text) for i in input.images or ()],
            attributes=[(a.name, a.value) for a in input.attributes or ()],
            status=ProductStatus(input.status),
        )
        record = await catalog_of(info).products.create(new)
        return ProductPayload(product=Product.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]], permission_classes=CATALOG_WRITE
    )
    @errors_as_data(ProductPayload)
    async def update_product(
        self, info: GqlInfo, id: strawberry.ID, input: UpdateProductInput
    ) -> ProductPayload:
        record = await catalog_of(info).products.update(str(id), _changes(input))
        return ProductPayload(product=Product.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]],
        permission_classes=CATALOG_WRITE,
        description="Stops selling the product (idempotent); orders keep referring to it.",
    )
    @errors_as_data(ProductPayload)
    async def archive_product(self, info: GqlInfo, id: strawberry.ID) -> ProductPayload:
        record = await catalog_of(info).products.archive(str(id))
        return ProductPayload(product=Product.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]], permission_classes=CATALOG_WRITE
    )
    @errors_as_data(CategoryPayload)
    async def create_category(self, info: GqlInfo, input: CreateCategoryInput) -> CategoryPayload:
        record = await catalog_of(info).categories.create(
            name=input.name,
            parent_id=str(input.parent_id) if input.parent_id is not None else None,
            description=input.description,
            slug=input.slug,
        )
        return CategoryPayload(category=Category.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]], permission_classes=CATALOG_WRITE
    )
    @errors_as_data(CategoryPayload)
    async def update_category(
        self, info: GqlInfo, id: strawberry.ID, input: UpdateCategoryInput
    ) -> CategoryPayload:
        for name in ("name", "slug"):
            if getattr(input, name) is None:
                raise DomainError(
                    "INVALID_INPUT", f"{name} cannot be null; omit it to keep it", name
                )
        record = await catalog_of(info).categories.update(
            str(id),
            name=input.name if input.name is not strawberry.UNSET else None,
            slug=input.slug if input.slug is not strawberry.UNSET else None,
            description=input.description or None,
            set_description=input.description is not strawberry.UNSET,
        )
        return CategoryPayload(category=Category.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]],
        permission_classes=CATALOG_WRITE,
        description="Re-parents a category (null: make it a root) with its whole subtree.",
    )
    @errors_as_data(CategoryPayload)
    async def move_category(
        self, info: GqlInfo, id: strawberry.ID, parent_id: strawberry.ID | None
    ) -> CategoryPayload:
        record = await catalog_of(info).categories.move(
            str(id), str(parent_id) if parent_id is not None else None
        )
        return CategoryPayload(category=Category.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.CATALOG_WRITE.value]],
        permission_classes=CATALOG_WRITE,
        description="Refused (CATEGORY_NOT_EMPTY) while it has products or subcategories.",
    )
    @errors_as_data(CategoryPayload)
    async def delete_category(self, info: GqlInfo, id: strawberry.ID) -> CategoryPayload:
        record = await catalog_of(info).categories.delete(str(id))
        return CategoryPayload(category=Category.from_record(record))


def build_schema(settings: Settings) -> Any:
    """The products subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(settings, query=Query, mutation=Mutation, types=[Product, Category])
