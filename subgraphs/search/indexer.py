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


def product_change(event: Event) -> Change:
    p = event.payload
    version = parse_time(p.get("updatedAt"), event.occurred_at)
    return Change(p["productId"], "catalog_version", version, catalog_values(p))


def archive_change(event: Event) -> Change:
    p = event.payload
    version = parse_time(p.get("updatedAt"), event.occurred_at)
    return Change(p["productId"], "catalog_version", version, {"status": "ARCHIVED"})


def stock_change(event: Event) -> Change:
    p = event.payload
    values = {"available": int(p["available"])}
    return Change(p["productId"], "stock_version", event.occurred_at, values)


def rating_change(event: Event) -> Change | None:
    p = event.payload
    if "productRatingCount" not in p:
        return None  # published before events carried the aggregate: reindex repairs it
    values = {
        "rating_count": int(p["productRatingCount"]),
        "rating_total": int(p["productRatingTotal"]),
    }
    return Change(p["productId"], "rating_version", event.occurred_at, values)


_CHANGES: Final[dict[str, Callable[[Event], Change | None]]] = {
    "ProductCreated": product_change,
    "ProductUpdated": product_change,
    "ProductArchived": archive_change,
    "StockChanged": stock_change,
    "ReviewApproved": rating_change,
    "ReviewRejected": rating_change,
    "ReviewHeld": rating_change,
    "ReviewDeleted": rating_change,
}
# Sources whose every change carries all of that source's columns, so applying only the
# newest one leaves the row as applying them all in order would. A catalog change may carry
# only some columns (an archive sets the status alone): every one of those is applied.
_WHOLE_VALUE_SOURCES: Final = frozenset({"stock_version", "rating_version"})


def change_of(event: Event) -> Change | None:
    """The change a product, stock or rating event makes; None for other events."""
    build = _CHANGES.get(event.type)
    return build(event) if build is not None else None


def latest_wins(changes: Sequence[Change]) -> list[Change]:
    """``changes`` in order, keeping only the newest of each product's stock and rating
    changes (the first of equal versions, as applying them in order would)."""
    newest: dict[tuple[str, str], Change] = {}
    for change in changes:
        if change.version_column in _WHOLE_VALUE_SOURCES:
            key = (change.product_id, change.version_column)
            kept = newest.get(key)
            if kept is None or change.version > kept.version:
                newest[key] = change
    return [
        c
        for c in changes
        if c.version_column not in _WHOLE_VALUE_SOURCES
        or newest[(c.product_id, c.version_column)] is c
    ]


class Indexer:
    def __init__(
        self, db: Database, index: SearchIndex, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.db = db
        self.index = index
        self._clock = clock

    # -- events -----------------------------------------------------------------------------

    async def product_changed(self, event: Event) -> None:
        await self.apply([product_change(event)])

    async def product_archived(self, event: Event) -> None:
        await self.apply([archive_change(event)])

    async def stock_changed(self, event: Event) -> None:
        await self.apply([stock_change(event)])

    async def rating_changed(self, event: Event) -> None:
        """ReviewApproved / ReviewRejected / ReviewHeld / ReviewDeleted carry the product's
        aggregate."""
        change = rating_change(event)
        if change is not None:
            await self.apply([change])

    async def changes_observed(self, events: Sequence[Event]) -> None:
        """The product, stock and rating events of a batch at once: in one transaction, and
        only the latest stock and rating per product (a checkout burst changes one
        product's stock many times; each carries the whole value, so the last one wins)."""
        changes = [change_of(event) for event in events]
        await self.apply(latest_wins([c for c in changes if c is not None]))

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
