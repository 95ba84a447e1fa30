"""Data access of the catalog tables inside a caller's session: reads batched by key for
DataLoaders, the keyset-paginated product listing, the category tree walks (recursive
CTEs, which SQLite and PostgreSQL both run), and the writes the services decide on.

The batched reads by key run on every product quote: their statements are built once, with
an expanding ``IN`` parameter, so a call neither builds a statement nor computes its cache
key again."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    bindparam,
    delete,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Queryable
from subgraphs.products.listing import ProductFilter, ProductSortSpec
from subgraphs.products.models import categories, products
from subgraphs.products.records import CategoryRecord, ProductRecord
from subgraphs.products.validation import with_suffix

MAX_DEPTH = 64  # deeper category trees are refused by createCategory / moveCategory
_PRODUCT_COLUMNS = [c for c in products.c if c.name != "sort_name"]
TREE_LOCK: Final = zlib.crc32(b"shopgraph.products.category_tree") & 0x7FFFFFFF
_KEYS: Final = "keys"


def _where_in(query: Select[Any], column: Any) -> Select[Any]:
    return query.where(column.in_(bindparam(_KEYS, expanding=True)))


_PRODUCTS_BY: Final = {
    name: _where_in(select(*_PRODUCT_COLUMNS), products.c[name]) for name in ("id", "sku", "slug")
}
_CATEGORIES_BY: Final = {
    name: _where_in(select(categories), categories.c[name]) for name in ("id", "slug")
}


async def products_where(
    session: Queryable, column: str, keys: Sequence[str]
) -> dict[str, ProductRecord]:
    """Products whose ``column`` (id, sku or slug) is in ``keys``, by that column's value:
    one statement."""
    if not keys:
        return {}
    rows = await session.execute(_PRODUCTS_BY[column], {_KEYS: list(set(keys))})
    records = [ProductRecord.from_row(row) for row in rows]
    return {getattr(record, column): record for record in records}


async def products_by_ids(session: Queryable, ids: Sequence[str]) -> dict[str, ProductRecord]:
    return await products_where(session, "id", ids)


async def products_by_skus(session: Queryable, skus: Sequence[str]) -> dict[str, ProductRecord]:
    return await products_where(session, "sku", skus)


async def product_by_slug(session: Queryable, slug: str) -> ProductRecord | None:
    return (await products_where(session, "slug", [slug])).get(slug)


def descendant_ids(category_id: str) -> Select[tuple[str]]:
    """``SELECT id`` of the category and all its descendants (recursive CTE)."""
    tree = (
        select(categories.c.id)
        .where(categories.c.id == category_id)
        .cte("category_tree", recursive=True)
    )
    tree = tree.union_all(select(categories.c.id).where(categories.c.parent_id == tree.c.id))
    return select(tree.c.id)


def _conditions(flt: ProductFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.category_id is not None:
        conditions.append(products.c.category_id.in_(descendant_ids(flt.category_id)))
    if flt.statuses is not None:
        conditions.append(products.c.status.in_(sorted(s.value for s in flt.statuses)))
    if flt.currency is not None:
        conditions.append(products.c.currency == flt.currency)
    if flt.price_min_minor is not None:
        conditions.append(products.c.price_minor >= flt.price_min_minor)
    if flt.price_max_minor is not None:
        conditions.append(products.c.price_minor <= flt.price_max_minor)
    if flt.ids is not None:
        conditions.append(products.c.id.in_(list(flt.ids)))
    return conditions


async def list_products(
    session: AsyncSession,
    *,
    flt: ProductFilter,
    sort: ProductSortSpec,
    limit: int,
    after: str | None,
) -> list[ProductRecord]:
    """Up to ``limit`` products after the cursor, in sort order."""
    conditions = _conditions(flt)
    if after is not None:
        conditions.append(sort.after(after))
    query = select(*_PRODUCT_COLUMNS).where(*conditions).order_by(*sort.order_by()).limit(limit)
    return [ProductRecord.from_row(row) for row in await session.execute(query)]


async def count_products(session: AsyncSession, flt: ProductFilter) -> int:
    query = select(func.count()).select_from(products).where(*_conditions(flt))
    return int(await session.scalar(query) or 0)


# -- categories --------------------------------------------------------------------------


async def categories_where(
    session: Queryable, column: str, keys: Sequence[str]
) -> dict[str, CategoryRecord]:
    """Categories whose ``column`` (id or slug) is in ``keys``, by that column's value."""
    if not keys:
        return {}
    rows = await session.execute(_CATEGORIES_BY[column], {_KEYS: list(set(keys))})
    records = [CategoryRecord.from_row(row) for row in rows]
    return {getattr(record, column): record for record in records}


async def categories_by_ids(session: Queryable, ids: Sequence[str]) -> dict[str, CategoryRecord]:
    return await categories_where(session, "id", ids)


async def category_by_slug(session: Queryable, slug: str) -> CategoryRecord | None:
    return (await categories_where(session, "slug", [slug])).get(slug)


async def children_of(
    session: AsyncSession, parent_ids: Sequence[str]
) -> dict[str, list[CategoryRecord]]:
    """Direct children of each parent, by name: one statement for all parents."""
    found: dict[str, list[CategoryRecord]] = {parent: [] for parent in parent_ids}
    if not parent_ids:
        return found
    rows = await session.execute(
        select(categories)
        .where(categories.c.parent_id.in_(list(set(parent_ids))))
        .order_by(categories.c.name, categories.c.id)
    )
    for row in rows:
        found[row.parent_id].append(CategoryRecord.from_row(row))
    return found


async def list_categories(session: AsyncSession, *, roots_only: bool) -> list[CategoryRecord]:
    query = select(categories).order_by(categories.c.name, categories.c.id)
    if roots_only:
        query = query.where(categories.c.parent_id.is_(None))
    return [CategoryRecord.from_row(row) for row in await session.execute(query)]


async def ancestors_of(
    session: AsyncSession, ids: Sequence[str]
) -> dict[str, list[CategoryRecord]]:
    """For each category: the path root → … → itself (empty when unknown). One statement.

    The walk is bounded by a depth limit, so even a corrupted (cyclic) tree terminates.
    """
    if not ids:
        return {}
    up = (
        select(
            categories.c.id.label("origin"),
            categories.c.id.label("id"),
            categories.c.parent_id.label("parent_id"),
            literal(0).label("depth"),
        )
        .where(categories.c.id.in_(list(set(ids))))
        .cte("ancestry", recursive=True)
    )
    up = up.union_all(
        select(up.c.origin, categories.c.id, categories.c.parent_id, up.c.depth + 1).where(
            categories.c.id == up.c.parent_id, up.c.depth < MAX_DEPTH
        )
    )
    rows = await session.execute(
        select(up.c.origin, up.c.depth, *categories.c)
        .join(categories, categories.c.id == up.c.id)
        .order_by(up.c.origin, up.c.depth.desc())
    )
    found: dict[str, list[CategoryRecord]] = {category_id: [] for category_id in ids}
    for row in rows:
        found[row.origin].append(CategoryRecord.from_row(row))
    return found


# -- writes -------------------------------------------------------------------------------


async def free_slug(session: AsyncSession, table: Any, base: str) -> str:
    """``base``, or ``base-N`` with the smallest N ≥ 2 no row of ``table`` uses yet."""
    used = set(
        (
            await session.scalars(
                select(table.c.slug).where((table.c.slug == base) | table.c.slug.like(f"{base}-%"))
            )
        ).all()
    )
    n = 1
    while with_suffix(base, n) in used:
        n += 1
    return with_suffix(base, n)


async def sku_used(session: AsyncSession, sku: str) -> bool:
    return await session.scalar(select(products.c.id).where(products.c.sku == sku)) is not None


async def product_slug_used(session: AsyncSession, slug: str) -> bool:
    return await session.scalar(select(products.c.id).where(products.c.slug == slug)) is not None


async def insert_product(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(products.insert().values(values))


async def locked_product_row(session: AsyncSession, product_id: str) -> Row[Any] | None:
    """Every column of the product (``sort_name`` too), locked for an update."""
    return (
        await session.execute(select(products).where(products.c.id == product_id).with_for_update())
    ).first()


async def update_product(session: AsyncSession, product_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(products).where(products.c.id == product_id).values(values))


async def category_exists(session: AsyncSession, category_id: str) -> bool:
    found = await session.scalar(select(categories.c.id).where(categories.c.id == category_id))
    return found is not None


async def category_slug_used(session: AsyncSession, slug: str) -> bool:
    found = await session.scalar(select(categories.c.id).where(categories.c.slug == slug))
    return found is not None


async def locked_category(session: AsyncSession, category_id: str) -> CategoryRecord | None:
    row = (
        await session.execute(
            select(categories).where(categories.c.id == category_id).with_for_update()
        )
    ).first()
    return None if row is None else CategoryRecord.from_row(row)


async def lock_category_tree(session: AsyncSession, *, postgres: bool) -> None:
    """Serialise moves of the tree (PostgreSQL; SQLite writers are serialised already)."""
    if postgres:
        await session.execute(select(func.pg_advisory_xact_lock(text(str(TREE_LOCK)))))


async def subtree_height(session: AsyncSession, category_id: str) -> int:
    """1 for a leaf, 2 for a category with children only, …"""
    down = (
        select(categories.c.id, literal(1).label("level"))
        .where(categories.c.id == category_id)
        .cte("subtree", recursive=True)
    )
    down = down.union_all(
        select(categories.c.id, down.c.level + 1).where(
            categories.c.parent_id == down.c.id, down.c.level <= MAX_DEPTH
        )
    )
    return int(await session.scalar(select(func.max(down.c.level))) or 1)


async def category_in_use(session: AsyncSession, category_id: str) -> bool:
    """True while the category has subcategories or products."""
    has_children = await session.scalar(
        select(categories.c.id).where(categories.c.parent_id == category_id).limit(1)
    )
    has_products = await session.scalar(
        select(products.c.id).where(products.c.category_id == category_id).limit(1)
    )
    return bool(has_children or has_products)


async def insert_category(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(categories.insert().values(values))


async def update_category(session: AsyncSession, category_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(categories).where(categories.c.id == category_id).values(values))


async def delete_category(session: AsyncSession, category_id: str) -> None:
    await session.execute(delete(categories).where(categories.c.id == category_id))
