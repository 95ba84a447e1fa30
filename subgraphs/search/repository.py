"""The index port: what the search service needs of an index, and which adapter a URL picks.

* ``sql://`` (default, ``make dev``): :class:`~subgraphs.search.sql_index.SqlIndex`, tables in
  the search service's own database (SQLite FTS5 or PostgreSQL ``tsvector``).
* ``elasticsearch://host:port[/alias]``: :class:`~subgraphs.search.es_index.ElasticIndex`,
  versioned indices behind the alias (default ``shopgraph-products``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from typing import Protocol

from shopgraph.db import Database
from subgraphs.search.records import IndexQuery, IndexResult, SearchDocument, Suggestion


class SearchIndex(Protocol):
    async def start(self) -> None:
        """Create what the index needs if it is missing (idempotent)."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Readiness: raise when the index cannot answer."""

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Store each document unless the index holds the same or a newer revision."""

    async def search(self, query: IndexQuery) -> IndexResult: ...

    async def suggest(self, words: Sequence[str], size: int) -> list[Suggestion]:
        """Searchable products whose name has every word of ``words``, the last one as a
        prefix."""

    async def similar_terms(self, term: str) -> list[str]:
        """Indexed stems close to ``term`` (typo correction), best first."""

    async def rebuild(self, documents: AsyncIterable[SearchDocument]) -> None:
        """Replace the whole index with ``documents``; searches see the old content until
        the new one is complete, never an empty index."""

    async def refresh(self) -> None:
        """Make every write so far visible to searches (tests, reindex)."""


def index_from_url(url: str, db: Database) -> SearchIndex:
    """The adapter for ``SHOPGRAPH_SEARCH_URL``; ``db`` is the search service's database."""
    if url.startswith("sql://"):
        from subgraphs.search.sql_index import SqlIndex

        return SqlIndex(db)
    if url.startswith("elasticsearch://"):
        from subgraphs.search.es_index import ElasticIndex

        return ElasticIndex.from_url(url)
    raise ValueError(f"unsupported search URL {url!r}: use sql:// or elasticsearch://host:port")
