"""Data access of the reviews service: reads batched for DataLoaders, and the writes.

Lists use keyset pagination: a cursor is the encoded sort key of the last row seen
(:func:`shopgraph.pagination.encode_cursor`), and the next page starts strictly after it,
so pages stay stable while reviews are added. Lists of many parents (the reviews of 100
products in one ``_entities`` call) are one query: ``ROW_NUMBER() OVER (PARTITION BY …)``
keeps the first ``size + 1`` rows of each parent.

Writes take the caller's session, so the service decides the unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.errors import BadUserInput
from shopgraph.pagination import decode_cursor, encode_cursor
from subgraphs.reviews.models import purchases, reviews
from subgraphs.reviews.records import RatingSummary, ReviewPage, ReviewRecord, ReviewSort, Status

# (column name, descending?) per sort; ``id`` last makes every key unique.
SORT_KEYS: dict[ReviewSort, tuple[tuple[str, bool], ...]] = {
    ReviewSort.NEWEST: (("created_at", True), ("id", True)),
    ReviewSort.OLDEST: (("created_at", False), ("id", False)),
    ReviewSort.HIGHEST: (("rating", True), ("created_at", True), ("id", True)),
    ReviewSort.LOWEST: (("rating", False), ("created_at", True), ("id", True)),
}


@dataclass(frozen=True, slots=True)
class ListKey:
    """One list request: the parent (product or author) plus how it is paged and filtered.

    ``statuses`` empty means every status (the author's own view, staff)."""

    parent_id: str
    size: int
    after: str | None
    sort: ReviewSort
    statuses: tuple[Status, ...]

    @property
    def batch(self) -> tuple[int, str | None, ReviewSort, tuple[Status, ...]]:
        return (self.size, self.after, self.sort, self.statuses)


def _sort_values(record: ReviewRecord, sort: ReviewSort) -> list[Any]:
    values: list[Any] = []
    for name, _desc in SORT_KEYS[sort]:
        value = getattr(record, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return values


def cursor_for(record: ReviewRecord, sort: ReviewSort) -> str:
    return encode_cursor(sort.value, *_sort_values(record, sort))


def _after_predicate(after: str, sort: ReviewSort) -> ColumnElement[bool]:
    """Rows strictly after the cursor's sort key (a lexicographic keyset comparison)."""
    keys = SORT_KEYS[sort]
    values = decode_cursor(after, arity=len(keys) + 1)
    if values[0] != sort.value:
        raise BadUserInput("this cursor belongs to a different sort order")
    parsed: list[Any] = []
    try:
        for (name, _desc), raw in zip(keys, values[1:], strict=True):
            if name == "created_at":
                parsed.append(datetime.fromisoformat(str(raw)))
            elif name == "rating":
                if not isinstance(raw, int) or isinstance(raw, bool):
                    raise ValueError(name)
                parsed.append(raw)
            else:
                parsed.append(str(raw))
    except (ValueError, TypeError):
        raise BadUserInput("invalid cursor") from None
    clauses: list[ColumnElement[bool]] = []
    for index, (name, desc) in enumerate(keys):
        column = reviews.c[name]
        equal = [reviews.c[keys[i][0]] == parsed[i] for i in range(index)]
        beyond = column < parsed[index] if desc else column > parsed[index]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _order_by(sort: ReviewSort) -> list[Any]:
    return [
        reviews.c[name].desc() if desc else reviews.c[name].asc() for name, desc in SORT_KEYS[sort]
    ]


async def list_by(
    session: AsyncSession, parent_column: str, keys: Sequence[ListKey]
) -> list[ReviewPage | BadUserInput]:
    """The pages of ``keys`` (one page per key, in order), with one query per distinct
    (size, after, sort, statuses) among them — in practice one query per batch. A bad cursor
    fails only the keys that carry it (DataLoaders raise a returned exception per key)."""
    groups: dict[tuple[int, str | None, ReviewSort, tuple[Status, ...]], list[str]] = {}
    for key in keys:
        groups.setdefault(key.batch, []).append(key.parent_id)
    found: dict[tuple[Any, ...], list[ReviewRecord]] = {}
    failed: dict[tuple[Any, ...], BadUserInput] = {}
    for batch, parent_ids in groups.items():
        size, after, sort, statuses = batch
        try:
            rows = await _window(
                session, parent_column, sorted(set(parent_ids)), size, after, sort, statuses
            )
        except BadUserInput as exc:
            failed[batch] = exc
            continue
        for row in rows:
            record = ReviewRecord.from_row(row)
            parent = getattr(record, parent_column)
            found.setdefault((parent, *batch), []).append(record)
    pages: list[ReviewPage | BadUserInput] = []
    for key in keys:
        if key.batch in failed:
            pages.append(failed[key.batch])
            continue
        records = found.get((key.parent_id, *key.batch), [])
        shown = records[: key.size]
        pages.append(
            ReviewPage(
                items=shown,
                cursors=[cursor_for(record, key.sort) for record in shown],
                has_next=len(records) > key.size,
                has_previous=key.after is not None,
            )
        )
    return pages


async def _window(
    session: AsyncSession,
    parent_column: str,
    parent_ids: list[str],
    size: int,
    after: str | None,
    sort: ReviewSort,
    statuses: tuple[Status, ...],
) -> Sequence[Any]:
    parent = reviews.c[parent_column]
    where: list[ColumnElement[bool]] = [parent.in_(parent_ids)]
    if statuses:
        where.append(reviews.c.status.in_([s.value for s in statuses]))
    if after is not None:
        where.append(_after_predicate(after, sort))
    rank = func.row_number().over(partition_by=parent, order_by=_order_by(sort)).label("rank")
    ranked = select(*reviews.c, rank).where(*where).subquery()
    query = (
        select(*[ranked.c[c.name] for c in reviews.c])
        .where(ranked.c.rank <= size + 1)
        .order_by(ranked.c[parent_column], ranked.c.rank)
    )
    return (await session.execute(query)).all()


async def queue(session: AsyncSession, size: int, after: str | None) -> ReviewPage:
    """PENDING reviews, oldest first (first come, first moderated)."""
    sort = ReviewSort.OLDEST
    where: list[ColumnElement[bool]] = [reviews.c.status == Status.PENDING.value]
    if after is not None:
        where.append(_after_predicate(after, sort))
    rows = (
        await session.execute(
            select(reviews).where(*where).order_by(*_order_by(sort)).limit(size + 1)
        )
    ).all()
    records = [ReviewRecord.from_row(row) for row in rows]
    shown = records[:size]
    return ReviewPage(
        items=shown,
        cursors=[cursor_for(r, sort) for r in shown],
        has_next=len(records) > size,
        has_previous=after is not None,
    )


async def by_ids(session: AsyncSession, ids: Sequence[str]) -> list[ReviewRecord | None]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = (await session.execute(select(reviews).where(reviews.c.id.in_(wanted)))).all()
    found = {row.id: ReviewRecord.from_row(row) for row in rows}
    return [found.get(review_id) for review_id in ids]


async def ratings(session: AsyncSession, product_ids: Sequence[str]) -> list[RatingSummary]:
    """Approved-review aggregates of each product, in order: one grouped query."""
    wanted = sorted(set(product_ids))
    counts: dict[str, dict[int, int]] = {}
    if wanted:
        query = (
            select(reviews.c.product_id, reviews.c.rating, func.count())
            .where(reviews.c.product_id.in_(wanted), reviews.c.status == Status.APPROVED.value)
            .group_by(reviews.c.product_id, reviews.c.rating)
        )
        for product_id, stars, count in (await session.execute(query)).all():
            counts.setdefault(product_id, {})[int(stars)] = int(count)
    summaries = []
    for product_id in product_ids:
        histogram = {stars: counts.get(product_id, {}).get(stars, 0) for stars in range(1, 6)}
        summaries.append(
            RatingSummary(
                count=sum(histogram.values()),
                histogram=histogram,
                total=sum(stars * n for stars, n in histogram.items()),
            )
        )
    return summaries


# -- single reviews -----------------------------------------------------------------------


async def review(
    session: AsyncSession, review_id: str, *, for_update: bool = False
) -> ReviewRecord | None:
    query = select(reviews).where(reviews.c.id == review_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return None if row is None else ReviewRecord.from_row(row)


async def review_id_of(session: AsyncSession, product_id: str, author_id: str) -> str | None:
    """The id of the author's review of the product, if they wrote one."""
    found = await session.scalar(
        select(reviews.c.id).where(
            reviews.c.product_id == product_id, reviews.c.author_id == author_id
        )
    )
    return None if found is None else str(found)


async def insert_review(session: AsyncSession, values: dict[str, Any]) -> ReviewRecord:
    await session.execute(reviews.insert().values(values))
    return await _reread(session, str(values["id"]))


async def update_review(
    session: AsyncSession, review_id: str, values: dict[str, Any]
) -> ReviewRecord:
    await session.execute(update(reviews).where(reviews.c.id == review_id).values(values))
    return await _reread(session, review_id)


async def delete_review(session: AsyncSession, review_id: str) -> None:
    await session.execute(delete(reviews).where(reviews.c.id == review_id))


async def _reread(session: AsyncSession, review_id: str) -> ReviewRecord:
    found = await review(session, review_id)
    assert found is not None  # written in this transaction
    return found


# -- purchases ----------------------------------------------------------------------------


async def lock_user(session: AsyncSession, user_id: str, *, postgres: bool) -> None:
    """Serialise a user's review adds with their purchases (PostgreSQL; SQLite writers
    are serialised already), so a purchase committed while the review is being added
    still marks it verified."""
    if postgres:
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"reviews.user:{user_id}"},
        )


async def purchased_quantity(session: AsyncSession, user_id: str, product_id: str) -> int:
    found = await session.scalar(
        select(purchases.c.quantity).where(
            purchases.c.user_id == user_id, purchases.c.product_id == product_id
        )
    )
    return int(found or 0)


async def has_purchased(session: AsyncSession, user_id: str, product_id: str) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(purchases)
        .where(purchases.c.user_id == user_id, purchases.c.product_id == product_id)
    )
    return bool(found)


async def lock_users(session: AsyncSession, user_ids: Sequence[str], *, postgres: bool) -> None:
    """:func:`lock_user` for several users in one statement, in key order (two callers
    cannot deadlock)."""
    if postgres and user_ids:
        await session.execute(
            text(
                "SELECT pg_advisory_xact_lock(hashtext(k)) FROM "
                "(SELECT unnest(CAST(:keys AS text[])) AS k ORDER BY k) AS user_keys"
            ),
            {"keys": sorted({f"reviews.user:{user_id}" for user_id in user_ids})},
        )


@dataclass(frozen=True, slots=True)
class Purchase:
    user_id: str
    product_id: str
    quantity: int
    order_id: str


async def add_purchases(
    session: AsyncSession, bought: Sequence[Purchase], *, postgres: bool, now: datetime
) -> None:
    """Add each quantity to what the user bought of the product, one statement (at most
    one purchase per user and product: the statement may change a row only once)."""
    if not bought:
        return
    insert: Any = postgresql.insert(purchases) if postgres else sqlite.insert(purchases)
    stmt = insert.values(
        [
            {
                "user_id": p.user_id,
                "product_id": p.product_id,
                "quantity": p.quantity,
                "last_order_id": p.order_id,
                "first_purchased_at": now,
                "last_purchased_at": now,
            }
            for p in bought
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[purchases.c.user_id, purchases.c.product_id],
        set_={
            "quantity": purchases.c.quantity + stmt.excluded.quantity,
            "last_order_id": stmt.excluded.last_order_id,
            "last_purchased_at": stmt.excluded.last_purchased_at,
        },
    )
    await session.execute(stmt)


async def mark_verified(session: AsyncSession, bought: dict[str, set[str]]) -> None:
    """Each user's reviews of the products they bought (user id → product ids) become
    verified purchases, in one statement."""
    if not bought:
        return
    await session.execute(
        update(reviews)
        .where(
            or_(
                *(
                    and_(reviews.c.author_id == user_id, reviews.c.product_id.in_(sorted(ids)))
                    for user_id, ids in sorted(bought.items())
                )
            ),
            reviews.c.verified_purchase.is_(False),
        )
        .values(verified_purchase=True)
    )
