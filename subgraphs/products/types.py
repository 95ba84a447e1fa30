# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The products subgraph's GraphQL object types (docs/architecture.md §4): ``Product`` (keys ``id``
and ``sku``) and ``Category`` (key ``id``), resolved through per-request DataLoaders so a
list of N products or N entity representations costs one statement per kind of lookup.

Visibility: shoppers see ACTIVE products only in ``product``/``products``. Entity
resolution (``_entities``, used by the router for references held by orders, carts and
reviews) also returns ARCHIVED products — an order keeps showing what was bought after the
shop stopped selling it — but DRAFT products only to staff and internal services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import Scope, principal_of
from shopgraph.money import Money
from subgraphs.products.categories import CategoryService
from subgraphs.products.records import CategoryRecord, ProductRecord
from subgraphs.products.service import ProductService
from subgraphs.products.validation import ProductStatus

CATALOG_KEY = "products.catalog"

GqlInfo = Info[RequestContext, None]

ProductStatusEnum = strawberry.enum(
    ProductStatus,
    name="ProductStatus",
    description="DRAFT: not yet sold; ACTIVE: visible to shoppers; ARCHIVED: no longer sold.",
)


@dataclass(frozen=True)
class Catalog:
    """What resolvers find in ``info.context.extra[CATALOG_KEY]``."""

    products: ProductService
    categories: CategoryService


def catalog_of(info: GqlInfo) -> Catalog:
    catalog: Catalog = info.context.extra[CATALOG_KEY]
    return catalog


def is_staff(info: GqlInfo) -> bool:
    """Staff with ``catalog:write`` and internal services see every product."""
    principal = principal_of(info)
    return principal.has_scope(Scope.CATALOG_WRITE) or principal.has_scope(Scope.INTERNAL)


def products_by_id(info: GqlInfo) -> Any:
    return info.context.loader("products.by_id", catalog_of(info).products.by_ids)


def products_by_sku(info: GqlInfo) -> Any:
    return info.context.loader("products.by_sku", catalog_of(info).products.by_skus)


def categories_by_id(info: GqlInfo) -> Any:
    return info.context.loader("categories.by_id", catalog_of(info).categories.by_ids)


@strawberry.type(description="A product picture.")
class ProductImage:
    url: str
    alt_text: str | None


@strawberry.type(description="A free-form product property, e.g. Material: Cotton.")
class ProductAttribute:
    name: str
    value: str


@strawberry.federation.type(keys=["id"], description="A node of the category tree.")
class Category:
    id: strawberry.ID
    name: str
    slug: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: CategoryRecord) -> Category:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            slug=record.slug,
            description=record.description,
            created_at=record.created_at,
            updated_at=record.updated_at,
            parent_id=record.parent_id,
        )

    @strawberry.field(description="The parent category; null for a root.")
    async def parent(self, info: GqlInfo) -> Category | None:
        if self.parent_id is None:
            return None
        record = await categories_by_id(info).load(self.parent_id)
        return None if record is None else Category.from_record(record)

    @strawberry.field(description="Direct subcategories, by name.")
    async def children(self, info: GqlInfo) -> list[Category]:
        loader = info.context.loader("categories.children", catalog_of(info).categories.children)
        return [Category.from_record(record) for record in await loader.load(str(self.id))]

    @strawberry.field(description="The path from the root down to this category (inclusive).")
    async def breadcrumbs(self, info: GqlInfo) -> list[Category]:
        loader = info.context.loader(
            "categories.breadcrumbs", catalog_of(info).categories.breadcrumbs
        )
        return [Category.from_record(record) for record in await loader.load(str(self.id))]

    @classmethod
    async def resolve_reference(
        cls, info: GqlInfo, id: strawberry.ID, **_extra: Any
    ) -> Category | None:
        record = await categories_by_id(info).load(str(id))
        return None if record is None else cls.from_record(record)


@strawberry.federation.type(keys=["id", "sku"], description="Something the shop sells.")
class Product:
    id: strawberry.ID
    name: str
    slug: str
    sku: str = strawberry.field(description="Stock keeping unit: unique, upper-case.")
    description: str | None
    price: Money
    weight_grams: int | None
    images: list[ProductImage]
    attributes: list[ProductAttribute]
    status: ProductStatusEnum  # type: ignore[valid-type]
    created_at: datetime
    updated_at: datetime
    category_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: ProductRecord) -> Product:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            slug=record.slug,
            sku=record.sku,
            description=record.description,
            price=Money.of(record.price_minor, record.currency),
            weight_grams=record.weight_grams,
            images=[ProductImage(url=i.url, alt_text=i.alt_text) for i in record.images],
            attributes=[ProductAttribute(name=a.name, value=a.value) for a in record.attributes],
            status=record.status,
            created_at=record.created_at,
            updated_at=record.updated_at,
            category_id=record.category_id,
        )

    @strawberry.field
    async def category(self, info: GqlInfo) -> Category | None:
        if self.category_id is None:
            return None
        record = await categories_by_id(info).load(self.category_id)
        return None if record is None else Category.from_record(record)

    @classmethod
    async def resolve_reference(
        cls,
        info: GqlInfo,
        id: strawberry.ID | None = None,
        sku: str | None = None,
        **_extra: Any,
    ) -> Product | None:
        if id is not None:
            record = await products_by_id(info).load(str(id))
        elif sku is not None:
            record = await products_by_sku(info).load(str(sku))
        else:
            return None
        if record is None or (record.status is ProductStatus.DRAFT and not is_staff(info)):
            return None
        return cls.from_record(record)
