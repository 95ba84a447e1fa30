"""The category tree: create, rename, move (never under itself or a descendant), delete
(never while it holds products or children), and its reads. No GraphQL here.

Each change writes a ``CategoryChanged`` event (topic ``catalog``) in its transaction.
Moves take a tree-wide lock first (a PostgreSQL transaction advisory lock; SQLite writers
are already serialised by :class:`~shopgraph.db.Database`), so two moves racing to put
A under B and B under A cannot both pass the cycle check. Deletes rely on the ``RESTRICT``
foreign keys for the race with a concurrent ``createProduct``/``createCategory``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.products import repository
from subgraphs.products.models import categories, outbox
from subgraphs.products.records import TOPIC, CategoryRecord
from subgraphs.products.repository import MAX_DEPTH
from subgraphs.products.service import CONFLICT, WRITE_ATTEMPTS
from subgraphs.products.validation import (
    slugify,
    validate_category_name,
    validate_description,
    validate_slug,
)

log = get_logger(__name__)

NOT_FOUND: Final = "NOT_FOUND"
CATEGORY_NOT_FOUND: Final = "CATEGORY_NOT_FOUND"
CATEGORY_CYCLE: Final = "CATEGORY_CYCLE"
CATEGORY_NOT_EMPTY: Final = "CATEGORY_NOT_EMPTY"
CATEGORY_TOO_DEEP: Final = "CATEGORY_TOO_DEEP"
SLUG_TAKEN: Final = "SLUG_TAKEN"

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _not_found(category_id: str) -> DomainError:
    return DomainError(NOT_FOUND, f"No category with id {category_id!r}", "id")


def _parent_not_found() -> DomainError:
    return DomainError(CATEGORY_NOT_FOUND, "No such parent category", "parentId")


class CategoryService:
    def __init__(
        self, db: Database, *, on_commit: Callable[[], None] | None = None, clock: Clock = _now
    ) -> None:
        self.db = db
        self._on_commit = on_commit
        self._clock = clock

    def _committed(self) -> None:
        if self._on_commit is not None:
            self._on_commit()

    # -- reads -------------------------------------------------------------------------

    async def by_ids(self, ids: Sequence[str]) -> list[CategoryRecord | None]:
        async with self.db.session() as session:
            found = await repository.categories_by_ids(session, ids)
        return [found.get(category_id) for category_id in ids]

    async def by_slug(self, slug: str) -> CategoryRecord | None:
        async with self.db.session() as session:
            return await repository.category_by_slug(session, slug.strip().lower())

    async def children(self, parent_ids: Sequence[str]) -> list[list[CategoryRecord]]:
        async with self.db.session() as session:
            found = await repository.children_of(session, parent_ids)
        return [found[parent] for parent in parent_ids]

    async def breadcrumbs(self, ids: Sequence[str]) -> list[list[CategoryRecord]]:
        """For each id: root → … → the category itself."""
        async with self.db.session() as session:
            found = await repository.ancestors_of(session, ids)
        return [found[category_id] for category_id in ids]

    async def list_all(self, *, roots_only: bool) -> list[CategoryRecord]:
        async with self.db.session() as session:
            return await repository.list_categories(session, roots_only=roots_only)

    # -- writes ------------------------------------------------------------------------

    async def create(
        self,
        *,
        name: str,
        parent_id: str | None = None,
        description: str | None = None,
        slug: str | None = None,
        category_id: str | None = None,
    ) -> CategoryRecord:
        clean_name = validate_category_name(name)
        clean_description = validate_description(description)
        base = validate_slug(slug) if slug else slugify(clean_name, fallback="category")
        new_id = category_id or str(uuid.uuid4())
        for _attempt in range(WRITE_ATTEMPTS):
            try:
                async with self.db.transaction() as session:
                    if parent_id is not None:
                        path = await self._path(session, parent_id)
                        if not path:
                            raise _parent_not_found()
                        if len(path) >= MAX_DEPTH:
                            raise _too_deep()
                    if slug and await repository.category_slug_used(session, base):
                        raise _slug_taken(base)
                    now = self._clock()
                    values = {
                        "id": new_id,
                        "name": clean_name,
                        "slug": await repository.free_slug(session, categories, base),
                        "description": clean_description,
                        "parent_id": parent_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                    await repository.insert_category(session, values)
                    record = CategoryRecord(**values)  # type: ignore[arg-type]
                    await add_to_outbox(session, outbox, TOPIC, record.event("CREATED"))
            except IntegrityError:
                await self._explain_conflict(parent_id)
                continue
            self._committed()
            return record
        raise DomainError(CONFLICT, "Too many concurrent changes; try again")

    async def update(
        self,
        category_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        set_description: bool = False,
        slug: str | None = None,
    ) -> CategoryRecord:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = validate_category_name(name)
        if set_description:
            values["description"] = validate_description(description)
        if slug is not None:
            values["slug"] = validate_slug(slug)
        try:
            async with self.db.transaction() as session:
                current = await self._locked(session, category_id)
                changed = {k: v for k, v in values.items() if getattr(current, k) != v}
                if not changed:
                    return current
                if "slug" in changed and await repository.category_slug_used(
                    session, changed["slug"]
                ):
                    raise _slug_taken(changed["slug"])
                changed["updated_at"] = self._clock()
                await repository.update_category(session, category_id, changed)
                record = _replace(current, changed)
                await add_to_outbox(session, outbox, TOPIC, record.event("UPDATED"))
        except IntegrityError:
            raise _slug_taken(values.get("slug", "")) from None
        self._committed()
        return record

    async def move(self, category_id: str, parent_id: str | None) -> CategoryRecord:
        async with self.db.transaction() as session:
            await repository.lock_category_tree(session, postgres=self.db.is_postgres)
            current = await self._locked(session, category_id)
            if parent_id == current.parent_id:
                return current
            if parent_id is not None:
                path = await self._path(session, parent_id)
                if not path:
                    raise _parent_not_found()
                if category_id in path:
                    raise DomainError(
                        CATEGORY_CYCLE,
                        "A category cannot move under itself or one of its descendants",
                        "parentId",
                    )
                if len(path) + await repository.subtree_height(session, category_id) > MAX_DEPTH:
                    raise _too_deep()
            changed = {"parent_id": parent_id, "updated_at": self._clock()}
            await repository.update_category(session, category_id, changed)
            record = _replace(current, changed)
            await add_to_outbox(session, outbox, TOPIC, record.event("MOVED"))
        self._committed()
        return record

    async def delete(self, category_id: str) -> CategoryRecord:
        try:
            async with self.db.transaction() as session:
                current = await self._locked(session, category_id)
                if await repository.category_in_use(session, category_id):
                    raise _not_empty()
                await repository.delete_category(session, category_id)
                await add_to_outbox(session, outbox, TOPIC, current.event("DELETED"))
        except IntegrityError:  # a product or child was added concurrently
            raise _not_empty() from None
        self._committed()
        return current

    # -- internals ---------------------------------------------------------------------

    async def _locked(self, session: AsyncSession, category_id: str) -> CategoryRecord:
        found = await repository.locked_category(session, category_id)
        if found is None:
            raise _not_found(category_id)
        return found

    async def _path(self, session: AsyncSession, category_id: str) -> list[str]:
        found = await repository.ancestors_of(session, [category_id])
        return [record.id for record in found[category_id]]

    async def _explain_conflict(self, parent_id: str | None) -> None:
        if parent_id is None:
            return
        async with self.db.session() as session:
            if not await repository.category_exists(session, parent_id):
                raise _parent_not_found()


def _replace(record: CategoryRecord, changed: dict[str, Any]) -> CategoryRecord:
    values = {name: getattr(record, name) for name in record.__slots__}
    values.update({k: v for k, v in changed.items() if k in values})
    return CategoryRecord(**values)


def _slug_taken(slug: str) -> DomainError:
    return DomainError(SLUG_TAKEN, f"Slug {slug!r} is already used by another category", "slug")


def _not_empty() -> DomainError:
    return DomainError(
        CATEGORY_NOT_EMPTY,
        "Move or delete its products and subcategories first",
        "id",
    )


def _too_deep() -> DomainError:
    return DomainError(
        CATEGORY_TOO_DEEP, f"Categories nest at most {MAX_DEPTH} levels deep", "parentId"
    )
