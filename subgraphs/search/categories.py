"""The category tree as searches see it: read from ``search_categories`` at most once per
:data:`MAX_AGE_SECONDS`, not on every search.

Reading it cost a database round trip per search, about a third of the subgraph's CPU under
load. A category event therefore reaches facets and category filters within a second, as a
product event reaches Elasticsearch searches after its one-second refresh. A filter naming a
category the cached tree does not know re-reads it first, so a new category is never
refused as unknown. :meth:`CategoryCache.forget` drops the tree (tests, after an event).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Final

from sqlalchemy import select

from shopgraph.db import Database
from subgraphs.search.facets import Category, CategoryTree
from subgraphs.search.models import categories

MAX_AGE_SECONDS: Final = 1.0

_LIVE_CATEGORIES: Final = select(categories.c.id, categories.c.name, categories.c.parent_id).where(
    categories.c.deleted.is_(False)
)


class CategoryCache:
    def __init__(
        self,
        db: Database,
        *,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.max_age = max_age
        self.clock = clock
        self._tree: CategoryTree | None = None
        self._read_at = 0.0
        self._reading = asyncio.Lock()

    async def tree(self) -> CategoryTree:
        """The tree as of at most ``max_age`` seconds ago."""
        async with self._reading:  # one read at a time; those waiting use its result
            if self._tree is None or self.clock() - self._read_at > self.max_age:
                self._tree = await self._read()
                self._read_at = self.clock()
            return self._tree

    async def tree_knowing(self, category_ids: set[str]) -> CategoryTree:
        """The tree, read again first when it misses one of ``category_ids`` or the parent
        of one (a facet would otherwise count a new category, or roll it up, wrongly)."""
        tree = await self.tree()
        if all(_known_with_parent(tree, category_id) for category_id in category_ids):
            return tree
        self.forget()
        return await self.tree()

    def forget(self) -> None:
        self._tree = None

    async def _read(self) -> CategoryTree:
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(_LIVE_CATEGORIES)).all()
        return CategoryTree(Category(r.id, r.name, r.parent_id) for r in rows)


def _known_with_parent(tree: CategoryTree, category_id: str) -> bool:
    if category_id not in tree:
        return False
    parent = tree.by_id[category_id].parent_id
    return parent is None or parent in tree
