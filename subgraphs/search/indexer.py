"""Keeps the index in step with the catalog, inventory and reviews events.

Each event updates one product's row in ``search_products`` only when it is newer than
what the row holds for that source (catalog: the product's ``updatedAt``; stock and rating:
the event's ``occurred_at``), bumping the row's ``revision``. Then the row's current state
is written to the index, which keeps the highest revision. So a replayed or late event
changes nothing, and a failed index write is repaired by the redelivery (which writes the
current state again).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.envelope import Event
from subgraphs.search.models import categories, products
from subgraphs.search.records import SearchDocument
from subgraphs.search.repository import SearchIndex

ACTIVE: Final = "ACTIVE"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: Any, fallback: datetime) -> datetime:
    if not isinstance(value, str):
        return fallback
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def document_of(row: Any) -> SearchDocument:
    """The index document of a ``search_products`` row."""
    searchable = row.status == ACTIVE and row.name is not None and row.price_minor is not None
    created = row.created_at or _EPOCH
    return SearchDocument(
        product_id=row.product_id,
        revision=int(row.revision),
        searchable=searchable,
        name=row.name or "",
        description=row.description or "",
        category_id=row.category_id,
        price_minor=int(row.price_minor or 0),
        currency=row.currency or "",
        in_stock=(row.available or 0) > 0,
        rating=row.rating_total / row.rating_count if row.rating_count else 0.0,
        rating_count=int(row.rating_count),
        attributes=tuple((str(a["name"]), str(a["value"])) for a in row.attributes or ()),
        created_micros=(created - _EPOCH) // _MICROSECOND,
    )


def catalog_values(payload: dict[str, Any]) -> dict[str, Any]:
    """``search_products`` columns from a ProductCreated/ProductUpdated payload."""
    return {
        "name": payload["name"],
        "description": payload.get("description"),
        "status": payload["status"],
        "category_id": payload.get("categoryId"),
        "price_minor": int(payload["priceMinor"]),
        "currency": payload["currency"],
        "attributes": [
            {"name": a["name"], "value": a["value"]} for a in payload.get("attributes") or ()
        ],
        "created_at": parse_time(payload.get("createdAt"), _EPOCH),
    }


@dataclass(frozen=True, slots=True)
class Change:
    """New values for one product from one source, at that source's version."""

    product_id: str
    version_column: str  # catalog_version, stock_version or rating_version
    version: datetime
    values: dict[str, Any]


class Indexer:
    def __init__(
        self, db: Database, index: SearchIndex, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.db = db
        self.index = index
        self._clock = clock

    # -- events -----------------------------------------------------------------------------

    async def product_changed(self, event: Event) -> None:
        p = event.payload
        version = parse_time(p.get("updatedAt"), event.occurred_at)
        await self.apply([Change(p["productId"], "catalog_version", version, catalog_values(p))])

    async def product_archived(self, event: Event) -> None:
        p = event.payload
        version = parse_time(p.get("updatedAt"), event.occurred_at)
        change = Change(p["productId"], "catalog_version", version, {"status": "ARCHIVED"})
        await self.apply([change])

    async def stock_changed(self, event: Event) -> None:
        p = event.payload
        values = {"available": int(p["available"])}
        await self.apply([Change(p["productId"], "stock_version", event.occurred_at, values)])

    async def rating_changed(self, event: Event) -> None:
        """ReviewApproved / ReviewRejected / ReviewHeld / ReviewDeleted carry the product's
        aggregate."""
        p = event.payload
        if "productRatingCount" not in p:
            return  # published before events carried the aggregate: reindex repairs it
        values = {
            "rating_count": int(p["productRatingCount"]),
            "rating_total": int(p["productRatingTotal"]),
        }
        await self.apply([Change(p["productId"], "rating_version", event.occurred_at, values)])

    async def category_changed(self, event: Event) -> None:
        p = event.payload
        await self.put_category(
            p["categoryId"],
            p["name"],
            p.get("parentId"),
            deleted=p.get("change") == "DELETED",
            version=event.occurred_at,
        )

    # -- state ------------------------------------------------------------------------------

    async def apply(self, changes: Sequence[Change]) -> None:
        """Apply each newer change, then write the products' current state to the index."""
        rows = await self.record(changes)
        latest = {row.product_id: row for row in rows}
        await self.index.upsert([document_of(row) for row in latest.values()])

    async def record(self, changes: Sequence[Change]) -> list[Any]:
        """Apply each newer change to the version table only; the rows after it."""
        async with self.db.transaction() as session:
            return [await self._apply_one(session, change) for change in changes]

    async def _apply_one(self, session: AsyncSession, change: Change) -> Any:
        p = products.c
        await self._ensure_row(session, change.product_id)
        row = (
            await session.execute(
                select(products).where(p.product_id == change.product_id).with_for_update()
            )
        ).one()
        current = getattr(row, change.version_column)
        if current is not None and current >= change.version:
            return row  # a replay or an older event: nothing changes
        await session.execute(
            update(products)
            .where(p.product_id == change.product_id)
            .values(
                **change.values,
                **{change.version_column: change.version},
                revision=p.revision + 1,
                changed_at=self._clock(),
            )
        )
        return (
            await session.execute(select(products).where(p.product_id == change.product_id))
        ).one()

    async def _ensure_row(self, session: AsyncSession, product_id: str) -> None:
        values = {
            "product_id": product_id,
            "revision": 0,
            "attributes": [],
            "rating_count": 0,
            "rating_total": 0,
            "changed_at": self._clock(),
        }
        insert = postgresql.insert if self.db.is_postgres else sqlite.insert
        await session.execute(insert(products).values(values).on_conflict_do_nothing())

    async def put_category(
        self,
        category_id: str,
        name: str,
        parent_id: str | None,
        *,
        deleted: bool,
        version: datetime,
    ) -> None:
        values = {"name": name, "parent_id": parent_id, "deleted": deleted, "version": version}
        insert = postgresql.insert if self.db.is_postgres else sqlite.insert
        stmt = insert(categories).values(id=category_id, **values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[categories.c.id],
            set_=values,
            where=categories.c.version < stmt.excluded.version,
        )
        async with self.db.transaction() as session:
            await session.execute(stmt)

    async def documents(
        self, changed_since: datetime | None = None
    ) -> AsyncIterator[SearchDocument]:
        """Every product's document (or those changed since a time), in product id order."""
        stmt = select(products).order_by(products.c.product_id)
        if changed_since is not None:
            stmt = stmt.where(products.c.changed_at >= changed_since)
        async with self.db.session() as session:
            result = await session.stream(stmt.execution_options(yield_per=1000))
            async for row in result:
                yield document_of(row)
