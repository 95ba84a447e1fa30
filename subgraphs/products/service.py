"""The product side of the catalog: create, update, archive, and the reads the schema's
DataLoaders and listings use. No GraphQL here.

Every write is one unit of work: the product row and its outbox event (topic ``catalog``,
payloads per docs/events.md) commit or roll back together. Business refusals raise
:class:`~shopgraph.errors.DomainError` and change nothing.

Uniqueness is the database's job: a SKU check before the insert gives the friendly answer
in the common case, and the unique index decides races (exactly one of N concurrent
``createProduct`` calls with one SKU wins; the others get ``SKU_TAKEN``). Slugs are derived
from the name and de-duplicated with a ``-2``, ``-3``… suffix; two creates racing for one
slug retry with the next suffix.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from shopgraph.pagination import Page
from subgraphs.products import repository
from subgraphs.products.listing import ProductFilter, ProductSortSpec
from subgraphs.products.models import outbox, products
from subgraphs.products.records import TOPIC, ProductRecord
from subgraphs.products.validation import (
    ProductStatus,
    slugify,
    sort_name,
    validate_attributes,
    validate_description,
    validate_images,
    validate_name,
    validate_price,
    validate_slug,
    validate_weight,
)
from subgraphs.products.validation import normalize_sku as _normalize_sku

log = get_logger(__name__)

SKU_TAKEN: Final = "SKU_TAKEN"
SLUG_TAKEN: Final = "SLUG_TAKEN"
CATEGORY_NOT_FOUND: Final = "CATEGORY_NOT_FOUND"
NOT_FOUND: Final = "NOT_FOUND"
CONFLICT: Final = "CONFLICT"
WRITE_ATTEMPTS: Final = 8

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class NewProduct:
    """What ``createProduct`` takes, before validation."""

    name: str
    sku: str
    price_amount: Decimal | str
    currency: str
    category_id: str | None = None
    description: str | None = None
    weight_grams: int | None = None
    images: Sequence[tuple[str, str | None]] = ()
    attributes: Sequence[tuple[str, str]] = ()
    status: ProductStatus = ProductStatus.ACTIVE
    id: str | None = None  # the seed's deterministic ids; otherwise a new UUID
    slug: str | None = None  # otherwise derived from the name


@dataclass(slots=True)
class ProductChanges:
    """A partial update: only the fields set here change (``description``, ``weight_grams``
    and ``category_id`` may be set to None to clear them)."""

    fields: dict[str, Any] = field(default_factory=dict)


def _not_found(product_id: str) -> DomainError:
    return DomainError(NOT_FOUND, f"No product with id {product_id!r}", "id")


def _sku_taken(sku: str) -> DomainError:
    return DomainError(SKU_TAKEN, f"SKU {sku!r} is already used by another product", "sku")


def _category_not_found() -> DomainError:
    return DomainError(CATEGORY_NOT_FOUND, "No such category", "categoryId")


class ProductService:
    def __init__(
        self, db: Database, *, on_commit: Callable[[], None] | None = None, clock: Clock = utcnow
    ) -> None:
        self.db = db
        self._on_commit = on_commit
        self._clock = clock

    def _committed(self) -> None:
        if self._on_commit is not None:
            self._on_commit()

    # -- reads -------------------------------------------------------------------------

    async def by_ids(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        """In the order of ``ids`` (DataLoader contract); None where there is none."""
        async with self.db.read_connection() as connection:
            found = await repository.products_by_ids(connection, ids)
        return [found.get(product_id) for product_id in ids]

    async def by_skus(self, skus: Sequence[str]) -> list[ProductRecord | None]:
        normalized = [sku.strip().upper() for sku in skus]
        async with self.db.read_connection() as connection:
            found = await repository.products_by_skus(connection, normalized)
        return [found.get(sku) for sku in normalized]

    async def by_slug(self, slug: str) -> ProductRecord | None:
        async with self.db.read_connection() as connection:
            return await repository.product_by_slug(connection, slug.strip().lower())

    async def page(
        self,
        *,
        flt: ProductFilter,
        sort: ProductSortSpec,
        first: int,
        after: str | None,
        with_total: bool = False,
    ) -> tuple[Page[ProductRecord], int | None]:
        async with self.db.session() as session:
            rows = await repository.list_products(
                session, flt=flt, sort=sort, limit=first + 1, after=after
            )
            total = await repository.count_products(session, flt) if with_total else None
        return Page.from_overfetch(rows, first, after=after), total

    # -- writes ------------------------------------------------------------------------

    async def create(self, new: NewProduct) -> ProductRecord:
        name = validate_name(new.name)
        sku = _normalize_sku(new.sku)
        price_minor, currency = validate_price(new.price_amount, new.currency)
        description = validate_description(new.description)
        weight = validate_weight(new.weight_grams)
        images = [image.to_json() for image in validate_images(new.images)]
        attributes = [attr.to_json() for attr in validate_attributes(new.attributes)]
        base_slug = validate_slug(new.slug) if new.slug else slugify(name, fallback="product")
        product_id = new.id or str(uuid.uuid4())
        for attempt in range(WRITE_ATTEMPTS):
            if attempt >= 3 and not new.slug:  # a crowd wants this name: stop queueing up
                base_slug = f"{slugify(name, fallback='product')}-{uuid.uuid4().hex[:6]}"
            try:
                async with self.db.transaction() as session:
                    await self._check_category(session, new.category_id)
                    if await repository.sku_used(session, sku):
                        raise _sku_taken(sku)
                    now = self._clock()
                    values = {
                        "id": product_id,
                        "name": name,
                        "sort_name": sort_name(name),
                        "slug": await repository.free_slug(session, products, base_slug),
                        "sku": sku,
                        "description": description,
                        "price_minor": price_minor,
                        "currency": currency,
                        "weight_grams": weight,
                        "images": images,
                        "attributes": attributes,
                        "category_id": new.category_id,
                        "status": ProductStatus(new.status).value,
                        "created_at": now,
                        "updated_at": now,
                    }
                    await repository.insert_product(session, values)
                    record = ProductRecord.from_row(_Row(values))
                    await add_to_outbox(session, outbox, TOPIC, record.event("ProductCreated"))
            except IntegrityError:
                log.info("product_write_conflict", sku=sku)
                await self._explain_conflict(sku=sku, category_id=new.category_id)
                continue  # lost a race for the slug: pick the next suffix
            self._committed()
            log.info("product_created", product_id=record.id, sku=sku)
            return record
        raise DomainError(CONFLICT, "Too many concurrent changes; try again")

    async def update(self, product_id: str, changes: ProductChanges) -> ProductRecord:
        wanted = self._validate_changes(changes.fields)
        for _attempt in range(WRITE_ATTEMPTS):
            try:
                async with self.db.transaction() as session:
                    record = await self._update_in(session, product_id, wanted)
            except IntegrityError:
                await self._explain_conflict(
                    sku=wanted.get("sku"), category_id=wanted.get("category_id")
                )
                continue
            self._committed()
            return record
        raise DomainError(CONFLICT, "Too many concurrent changes; try again")

    async def archive(self, product_id: str) -> ProductRecord:
        async with self.db.transaction() as session:
            record = await self._update_in(session, product_id, {"status": ProductStatus.ARCHIVED})
        self._committed()
        return record

    # -- internals ---------------------------------------------------------------------

    def _validate_changes(self, fields: dict[str, Any]) -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        for key, value in fields.items():
            if value is None and key not in ("description", "weight_grams", "category_id"):
                raise DomainError("INVALID_INPUT", f"{key} cannot be null; omit it to keep it", key)
            if key == "name":
                wanted["name"] = validate_name(value)
            elif key == "sku":
                wanted["sku"] = _normalize_sku(value)
            elif key == "slug":
                wanted["slug"] = validate_slug(value)
            elif key == "price":
                amount, currency = value
                wanted["price_minor"], wanted["currency"] = validate_price(amount, currency)
            elif key == "description":
                wanted["description"] = validate_description(value)
            elif key == "weight_grams":
                wanted["weight_grams"] = validate_weight(value)
            elif key == "images":
                wanted["images"] = [i.to_json() for i in validate_images(value)]
            elif key == "attributes":
                wanted["attributes"] = [a.to_json() for a in validate_attributes(value)]
            elif key == "category_id":
                wanted["category_id"] = value
            elif key == "status":
                wanted["status"] = ProductStatus(value)
            else:  # a programming error, not user input
                raise ValueError(f"unknown product field {key!r}")
        return wanted

    async def _update_in(
        self, session: AsyncSession, product_id: str, wanted: dict[str, Any]
    ) -> ProductRecord:
        row = await repository.locked_product_row(session, product_id)
        if row is None:
            raise _not_found(product_id)
        current = ProductRecord.from_row(row)
        before = {c.name: getattr(row, c.name) for c in products.c}
        values = {
            key: (value.value if isinstance(value, ProductStatus) else value)
            for key, value in wanted.items()
            if (value.value if isinstance(value, ProductStatus) else value) != before[key]
        }
        if not values:
            return current  # nothing changes: no write, no event
        if "sku" in values and await repository.sku_used(session, values["sku"]):
            raise _sku_taken(values["sku"])
        if "slug" in values and await repository.product_slug_used(session, values["slug"]):
            raise DomainError(SLUG_TAKEN, f"Slug {values['slug']!r} is already used", "slug")
        if "category_id" in values:
            await self._check_category(session, values["category_id"])
        if "name" in values:
            values["sort_name"] = sort_name(values["name"])
        values["updated_at"] = self._clock()
        await repository.update_product(session, product_id, values)
        record = ProductRecord.from_row(_Row({**before, **values}))
        archived_now = values.get("status") == ProductStatus.ARCHIVED.value
        others = set(values) - {"status", "updated_at"}
        substantive = bool(others) or ("status" in values and not archived_now)
        if substantive:
            await add_to_outbox(session, outbox, TOPIC, record.event("ProductUpdated"))
        if archived_now:
            await add_to_outbox(session, outbox, TOPIC, record.event("ProductArchived"))
        log.info("product_updated", product_id=product_id, fields=sorted(values))
        return record

    async def _check_category(self, session: AsyncSession, category_id: str | None) -> None:
        if category_id is None:
            return
        if not await repository.category_exists(session, category_id):
            raise _category_not_found()

    async def _explain_conflict(self, *, sku: str | None, category_id: str | None) -> None:
        """After a constraint violation: raise what the caller did wrong, or return when
        it was only a lost race for a slug (the caller retries)."""
        async with self.db.session() as session:
            if sku is not None and await repository.sku_used(session, sku):
                raise _sku_taken(sku)
            if category_id is not None and not await repository.category_exists(
                session, category_id
            ):
                raise _category_not_found()


class _Row:
    """Attribute access over a dict, so a record can be built from the values written."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
