"""The SQL index adapter: documents in the search service's own database.

Full text is SQLite FTS5 (bm25 ranking, name weighted 3:1 over description) or PostgreSQL
``tsvector`` (``ts_rank``, name weight A, description B), both over the pre-stemmed text of
:mod:`subgraphs.search.text`. Facets are one ``GROUP BY`` / ``SUM(CASE …)`` query per facet,
each with every filter except its own. Typos: a query that matches nothing is corrected to
the closest indexed stems (:meth:`similar_terms`, difflib over the index vocabulary with the
same first letter; Elasticsearch answers the same question with its term suggester).
"""

from __future__ import annotations

import difflib
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Float,
    FromClause,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shopgraph.db import Database
from subgraphs.search.models import document_attributes, documents
from subgraphs.search.records import (
    CATEGORY,
    IN_STOCK,
    PRICE,
    PRICE_BUCKETS,
    RATING,
    RATING_THRESHOLDS,
    FacetCounts,
    Filters,
    Hit,
    IndexQuery,
    IndexResult,
    SearchDocument,
    SearchSort,
    Suggestion,
)

_BATCH = 500
_SORT_COLUMNS = {
    SearchSort.PRICE_ASC: documents.c.price_minor,
    SearchSort.PRICE_DESC: documents.c.price_minor,
    SearchSort.NEWEST: documents.c.created_micros,
    SearchSort.RATING: documents.c.rating,
}


def _row(doc: SearchDocument) -> dict[str, Any]:
    return doc.stored_fields()


def filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    d = documents.c
    conditions: list[ColumnElement[bool]] = [d.searchable.is_(True)]
    if filters.category_ids is not None:
        conditions.append(d.category_id.in_(sorted(filters.category_ids)))
    if filters.price is not None:
        conditions.append(d.currency == filters.price.currency)
        if filters.price.minimum is not None:
            conditions.append(d.price_minor >= filters.price.minimum)
        if filters.price.maximum is not None:
            conditions.append(d.price_minor <= filters.price.maximum)
    if filters.in_stock is not None:
        conditions.append(d.in_stock.is_(filters.in_stock))
    if filters.min_rating is not None:
        conditions.append(d.rating >= filters.min_rating)
    for index, (name, values) in enumerate(filters.attributes):
        # Correlated EXISTS (a primary-key probe per candidate): an IN list of every product
        # with the value would let SQLite drive the join from it and rescan the text hits.
        a = document_attributes.alias(f"attribute_filter_{index}").c
        having = (
            select(a.product_id)
            .where(a.product_id == d.product_id, a.name == name, a.value.in_(sorted(values)))
            .correlate(documents)
        )
        conditions.append(having.exists())
    return conditions


def _price_bucket(minimum: int, maximum: int | None) -> ColumnElement[bool]:
    price = documents.c.price_minor
    if maximum is None:
        return price >= minimum
    return and_(price >= minimum, price <= maximum)


@dataclass(frozen=True, slots=True)
class _Match:
    source: FromClause
    score: ColumnElement[float] | None
    conditions: list[ColumnElement[bool]]
    ranked: FromClause | None = None  # where ``score`` can be read, when not ``source``

    def where(self, filters: Filters) -> list[ColumnElement[bool]]:
        return [*self.conditions, *filter_conditions(filters)]


def _attribute_query(
    match: _Match, conditions: list[ColumnElement[bool]], names: ColumnElement[bool]
) -> Select[Any]:
    a = document_attributes
    return (
        select(a.c.name, a.c.value, func.count())
        .select_from(match.source.join(a, a.c.product_id == documents.c.product_id))
        .where(*conditions, names)
        .group_by(a.c.name, a.c.value)
    )


class SqlIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- lifecycle (the tables come from the service's migrations) -------------------------

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        async with self.db.session() as session:
            await session.execute(select(documents.c.product_id).limit(1))

    async def refresh(self) -> None:
        return None

    # -- writes -----------------------------------------------------------------------------

    async def upsert(self, documents_: Sequence[SearchDocument]) -> None:
        async with self.db.transaction() as session:
            for doc in documents_:
                await self._write(session, doc)

    async def _write(self, session: AsyncSession, doc: SearchDocument) -> None:
        values = _row(doc)
        insert = postgresql.insert if self.db.is_postgres else sqlite.insert
        stmt = insert(documents).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[documents.c.product_id],
            set_={key: stmt.excluded[key] for key in values if key != "product_id"},
            where=documents.c.revision < stmt.excluded.revision,
        )
        if getattr(await session.execute(stmt), "rowcount", 0) == 0:
            return  # the index already holds this revision or a newer one
        await self._write_attributes(session, doc)

    async def _write_attributes(self, session: AsyncSession, doc: SearchDocument) -> None:
        a = document_attributes
        await session.execute(delete(a).where(a.c.product_id == doc.product_id))
        rows = [
            {"product_id": doc.product_id, "name": name, "value": value}
            for name, value in sorted(set(doc.attributes))
        ]
        if rows:
            await session.execute(a.insert(), rows)

    async def rebuild(self, documents_: AsyncIterable[SearchDocument]) -> None:
        """One transaction: readers keep seeing the old documents until it commits."""
        async with self.db.transaction() as session:
            await session.execute(delete(document_attributes))
            await session.execute(delete(documents))
            batch: list[SearchDocument] = []
            async for doc in documents_:
                batch.append(doc)
                if len(batch) >= _BATCH:
                    await self._insert_batch(session, batch)
                    batch = []
            if batch:
                await self._insert_batch(session, batch)

    async def _insert_batch(self, session: AsyncSession, batch: list[SearchDocument]) -> None:
        await session.execute(documents.insert(), [_row(doc) for doc in batch])
        attributes = [
            {"product_id": doc.product_id, "name": name, "value": value}
            for doc in batch
            for name, value in sorted(set(doc.attributes))
        ]
        if attributes:
            await session.execute(document_attributes.insert(), attributes)

    # -- reads ------------------------------------------------------------------------------

    def _matched(self, terms: Sequence[str]) -> _Match:
        """The documents (joined to their full-text hits on SQLite), the relevance score and
        the match condition (PostgreSQL)."""
        if not terms:
            return _Match(documents, None, [])
        if self.db.is_postgres:
            tsquery = func.to_tsquery("simple", bindparam("tsq", " & ".join(terms)))
            tsv: ColumnElement[Any] = literal_column("search_documents.tsv")
            score = cast(func.ts_rank(tsv, tsquery), Float)
            return _Match(documents, score, [tsv.op("@@")(tsquery)])
        expression = " AND ".join(f'{{name_terms body_terms}} : "{term}"' for term in terms)
        matches = literal_column("search_fts").op("MATCH")(bindparam("fts", expression))
        fts = (
            select(
                literal_column("search_fts.rowid").label("rid"),
                (-func.bm25(literal_column("search_fts"), 3.0, 1.0, 0.0)).label("score"),
            )
            .select_from(text("search_fts"))
            .where(matches)
            .subquery("hits")
        )
        ranked = documents.join(fts, fts.c.rid == literal_column("search_documents.rowid"))
        # Counts and facets filter by rowid IN (the text hits): joining the hits there let
        # SQLite pick plans that rescan them per row (seconds with an attribute filter).
        hit_rowids: Select[Any] = select(literal_column("search_fts.rowid")).select_from(
            text("search_fts")
        )
        in_hits = literal_column("search_documents.rowid").in_(hit_rowids.where(matches))
        return _Match(documents, fts.c.score, [in_hits], ranked=ranked)

    async def search(self, query: IndexQuery) -> IndexResult:
        match = self._matched(query.terms)
        async with self.db.session() as session:
            hits = await self._hits(session, query, match)
            total = await self._count(session, match, query.filters)
            facets = await self._facets(session, match, query.filters)
        return IndexResult(hits=hits, total=total, facets=facets)

    async def _hits(self, session: AsyncSession, query: IndexQuery, match: _Match) -> list[Hit]:
        d = documents.c
        value: ColumnElement[Any]
        if query.sort is SearchSort.RELEVANCE and match.score is not None:
            value = match.score
        else:
            value = _SORT_COLUMNS.get(query.sort, d.created_micros)
        conditions = match.where(query.filters)
        if query.after is not None:
            after_value, after_id = query.after
            beyond = value < after_value if query.sort.descending else value > after_value
            conditions.append(or_(beyond, and_(value == after_value, d.product_id > after_id)))
        order = value.desc() if query.sort.descending else value.asc()
        ranked = match.ranked if value is match.score and match.ranked is not None else None
        stmt = (
            select(d.product_id, d.name, d.description, value.label("sort_value"))
            .select_from(ranked if ranked is not None else match.source)
            .where(*conditions)
            .order_by(order, d.product_id.asc())
            .limit(query.size + 1)
        )
        rows = (await session.execute(stmt)).all()
        return [Hit(r.product_id, r.name, r.description, r.sort_value) for r in rows]

    async def _count(self, session: AsyncSession, match: _Match, filters: Filters) -> int:
        stmt = select(func.count()).select_from(match.source).where(*match.where(filters))
        return int((await session.execute(stmt)).scalar_one())

    async def _facets(self, session: AsyncSession, match: _Match, f: Filters) -> FacetCounts:
        d = documents.c
        counts = FacetCounts()
        by_category = (
            select(d.category_id, func.count())
            .select_from(match.source)
            .where(*match.where(f.without(CATEGORY)), d.category_id.is_not(None))
            .group_by(d.category_id)
        )
        for category_id, count in (await session.execute(by_category)).all():
            counts.categories[category_id] = int(count)
        counts.prices = await self._sums(
            session,
            match,
            f.without(PRICE),
            {b.key: _price_bucket(b.minimum, b.maximum) for b in PRICE_BUCKETS},
        )
        stock = await self._sums(
            session,
            match,
            f.without(IN_STOCK),
            {"1": d.in_stock.is_(True), "0": d.in_stock.is_(False)},
        )
        counts.in_stock = {True: stock["1"], False: stock["0"]}
        ratings = await self._sums(
            session, match, f.without(RATING), {str(t): d.rating >= t for t in RATING_THRESHOLDS}
        )
        counts.ratings = {int(key): count for key, count in ratings.items()}
        counts.attributes = await self._attribute_counts(session, match, f)
        return counts

    async def _sums(
        self,
        session: AsyncSession,
        match: _Match,
        filters: Filters,
        buckets: dict[str, ColumnElement[bool]],
    ) -> dict[str, int]:
        columns = [
            func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"b{i}")
            for i, condition in enumerate(buckets.values())
        ]
        stmt = select(*columns).select_from(match.source).where(*match.where(filters))
        row = (await session.execute(stmt)).one()
        return {key: int(row[i]) for i, key in enumerate(buckets)}

    async def _attribute_counts(
        self, session: AsyncSession, match: _Match, f: Filters
    ) -> dict[str, dict[str, int]]:
        a = document_attributes.c
        selected = f.attribute_names
        queries: list[Select[Any]] = [
            _attribute_query(match, match.where(f), a.name.not_in(selected))
        ]
        for name in selected:
            own = match.where(f.without(f"attribute:{name}"))
            queries.append(_attribute_query(match, own, a.name == name))
        counts: dict[str, dict[str, int]] = {}
        for stmt in queries:
            for name, value, count in (await session.execute(stmt)).all():
                counts.setdefault(name, {})[value] = int(count)
        return counts

    async def suggest(self, words: Sequence[str], size: int) -> list[Suggestion]:
        d = documents.c
        *complete, prefix = words
        if self.db.is_postgres:
            tsquery = " & ".join([*complete, f"{prefix}:*"])
            words_tsv: ColumnElement[Any] = literal_column("search_documents.words_tsv")
            match: ColumnElement[bool] = words_tsv.op("@@")(
                func.to_tsquery("simple", bindparam("tsq", tsquery))
            )
            source: FromClause = documents
        else:
            expression = " AND ".join(
                [*(f'name_words : "{w}"' for w in complete), f'name_words : "{prefix}" *']
            )
            hits = (
                select(literal_column("search_fts.rowid").label("rid"))
                .select_from(text("search_fts"))
                .where(literal_column("search_fts").op("MATCH")(bindparam("fts", expression)))
                .subquery("hits")
            )
            source = documents.join(hits, hits.c.rid == literal_column("search_documents.rowid"))
            match = d.searchable.is_(True)
        stmt = (
            select(d.product_id, d.name)
            .select_from(source)
            .where(match, d.searchable.is_(True))
            .order_by(d.rating_count.desc(), d.name.asc(), d.product_id.asc())
            .limit(size)
        )
        async with self.db.session() as session:
            rows = (await session.execute(stmt)).all()
        return [Suggestion(text=row.name, product_id=row.product_id) for row in rows]

    async def similar_terms(self, term: str) -> list[str]:
        if self.db.is_postgres:
            stmt = text(
                "SELECT word FROM ts_stat('SELECT tsv FROM search_documents WHERE searchable') "
                "WHERE word LIKE :first"
            ).bindparams(first=f"{term[0]}%")
        else:
            stmt = text(
                "SELECT term FROM search_fts_vocab WHERE term >= :low AND term < :high"
            ).bindparams(low=term[0], high=chr(ord(term[0]) + 1))
        async with self.db.session() as session:
            vocabulary = [row[0] for row in (await session.execute(stmt)).all()]
        return difflib.get_close_matches(term, vocabulary, n=3, cutoff=0.75)
