"""Plain records read from the tables, and the event payloads built from them
(docs/events.md, topic ``catalog``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from shopgraph.events.envelope import Event
from subgraphs.products.validation import Attribute, Image, ProductStatus

TOPIC: Final = "catalog"


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: str
    name: str
    slug: str
    sku: str
    description: str | None
    price_minor: int
    currency: str
    weight_grams: int | None
    images: tuple[Image, ...]
    attributes: tuple[Attribute, ...]
    category_id: str | None
    status: ProductStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ProductRecord:
        return cls(
            id=row.id,
            name=row.name,
            slug=row.slug,
            sku=row.sku,
            description=row.description,
            price_minor=int(row.price_minor),
            currency=row.currency,
            weight_grams=row.weight_grams,
            images=tuple(Image(url=i["url"], alt_text=i.get("altText")) for i in row.images),
            attributes=tuple(Attribute(name=a["name"], value=a["value"]) for a in row.attributes),
            category_id=row.category_id,
            status=ProductStatus(row.status),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def event(self, type_: str) -> Event:
        """``ProductCreated`` / ``ProductUpdated`` (full state) or ``ProductArchived``.

        ``updatedAt`` is the product's version: consumers keep the newest state per product
        whatever order events arrive in (search's index does)."""
        version = self.updated_at.isoformat()
        if type_ == "ProductArchived":
            return Event.new(
                type_, self.id, {"productId": self.id, "sku": self.sku, "updatedAt": version}
            )
        return Event.new(
            type_,
            self.id,
            {
                "productId": self.id,
                "sku": self.sku,
                "name": self.name,
                "slug": self.slug,
                "status": self.status.value,
                "priceMinor": self.price_minor,
                "currency": self.currency,
                "categoryId": self.category_id,
                "weightGrams": self.weight_grams,
                "description": self.description,
                "attributes": [{"name": a.name, "value": a.value} for a in self.attributes],
                "createdAt": self.created_at.isoformat(),
                "updatedAt": version,
            },
        )


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    id: str
    name: str
    slug: str
    description: str | None
    parent_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> CategoryRecord:
        return cls(
            id=row.id,
            name=row.name,
            slug=row.slug,
            description=row.description,
            parent_id=row.parent_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def event(self, change: str) -> Event:
        """``CategoryChanged`` with ``change`` = CREATED, UPDATED, MOVED or DELETED."""
        return Event.new(
            "CategoryChanged",
            self.id,
            {
                "categoryId": self.id,
                "name": self.name,
                "slug": self.slug,
                "parentId": self.parent_id,
                "change": change,
            },
        )
