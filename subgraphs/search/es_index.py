"""The Elasticsearch index adapter (official ``elasticsearch[async]`` 8 client).

Documents live in a versioned index (``<alias>-<suffix>``) behind an alias; every read and
event write goes through the alias. Writes use external versioning with the document's
``revision``, so Elasticsearch itself refuses an older state. :meth:`rebuild` fills a new
index and moves the alias in one ``_aliases`` call: searches see the old index until then.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from elasticsearch import AsyncElasticsearch, BadRequestError, ConflictError, NotFoundError
from elasticsearch.helpers import async_bulk
from elasticsearch.serializer import OrjsonSerializer

from subgraphs.search import es_query
from subgraphs.search.records import (
    Hit,
    IndexQuery,
    IndexResult,
    SearchDocument,
    Suggestion,
)

DEFAULT_ALIAS = "shopgraph-products"


def _action(index: str, doc: SearchDocument) -> dict[str, Any]:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": doc.product_id,
        "version": doc.revision,
        "version_type": "external",
        "_source": es_query.source(doc),
    }


class SearchFailed(RuntimeError):
    """Elasticsearch answered the ``_msearch`` but refused one of its searches."""


def _succeeded(response: dict[str, Any]) -> dict[str, Any]:
    if "error" in response:
        raise SearchFailed(f"[{response.get('status')}] {response['error']}")
    return response


class ElasticIndex:
    def __init__(self, client: AsyncElasticsearch, alias: str = DEFAULT_ALIAS) -> None:
        self.client = client
        self.alias = alias

    @classmethod
    def from_url(cls, url: str) -> ElasticIndex:
        """``elasticsearch://host:port[/alias]``."""
        parts = urlsplit(url)
        alias = parts.path.strip("/") or DEFAULT_ALIAS
        # One client per process: its pooled keep-alive connections serve every request.
        client = AsyncElasticsearch(
            f"http://{parts.netloc}", request_timeout=10, serializer=OrjsonSerializer()
        )
        return cls(client, alias)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Create ``<alias>-initial`` behind the alias unless the alias exists."""
        if await self.client.indices.exists_alias(name=self.alias):
            return
        try:
            await self.client.indices.create(
                index=f"{self.alias}-initial",
                mappings=es_query.MAPPINGS,
                settings=es_query.SETTINGS,
                aliases={self.alias: {"is_write_index": True}},
            )
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise

    async def close(self) -> None:
        await self.client.close()

    async def ping(self) -> None:
        await self.client.cluster.health(index=self.alias, timeout="2s")

    async def refresh(self) -> None:
        await self.client.indices.refresh(index=self.alias)

    async def drop(self) -> None:
        """Delete the alias and every index behind it (tests)."""
        try:
            indices = await self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return
        for index in indices.body:
            await self.client.indices.delete(index=index)

    # -- writes -----------------------------------------------------------------------------

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        for doc in documents:
            try:
                await self.client.index(
                    index=self.alias,
                    id=doc.product_id,
                    document=es_query.source(doc),
                    version=doc.revision,
                    version_type="external",
                )
            except ConflictError:
                continue  # the index already holds this revision or a newer one

    async def rebuild(self, documents: AsyncIterable[SearchDocument]) -> None:
        new_index = f"{self.alias}-{uuid.uuid4().hex[:12]}"
        await self.client.indices.create(
            index=new_index,
            mappings=es_query.MAPPINGS,
            settings={**es_query.SETTINGS, "refresh_interval": "-1"},
        )

        async def actions() -> AsyncIterator[dict[str, Any]]:
            async for doc in documents:
                yield _action(new_index, doc)

        await async_bulk(self.client, actions(), chunk_size=1000, raise_on_error=True)
        await self.client.indices.put_settings(
            index=new_index, settings={"index": {"refresh_interval": "1s"}}
        )
        await self.client.indices.refresh(index=new_index)
        old = await self._indices_behind_alias()
        swap: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in old
        ]
        swap.append({"add": {"index": new_index, "alias": self.alias, "is_write_index": True}})
        await self.client.indices.update_aliases(actions=swap)
        for index in old:
            await self.client.indices.delete(index=index)

    async def _indices_behind_alias(self) -> list[str]:
        try:
            found = await self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return []
        return list(found.body)

    # -- reads ------------------------------------------------------------------------------

    async def search(self, query: IndexQuery) -> IndexResult:
        response = await self.client.msearch(
            index=self.alias,
            searches=es_query.msearch_lines(query),
            filter_path=es_query.MSEARCH_FILTER_PATH,
        )
        page, facets = (_succeeded(r) for r in response["responses"])
        hits = [
            Hit(
                product_id=hit["_id"],
                name=hit["_source"]["name"],
                description=hit["_source"].get("description") or "",
                sort_value=hit["sort"][0],
            )
            # filter_path drops "hits" altogether when the page is empty
            for hit in page.get("hits", {}).get("hits", ())
        ]
        return IndexResult(
            hits=hits,
            total=es_query.total(facets["aggregations"]),
            facets=es_query.facet_counts(facets["aggregations"], query.filters),
        )

    async def suggest(self, words: Sequence[str], size: int) -> list[Suggestion]:
        *complete, prefix = words
        must: list[dict[str, Any]] = [{"term": {"name_words": word}} for word in complete]
        must.append({"prefix": {"name_words": prefix}})
        response = await self.client.search(
            index=self.alias,
            query={"bool": {"filter": [{"term": {"searchable": True}}, *must]}},
            sort=[{"rating_count": "desc"}, {"product_id": "asc"}],
            size=size,
            source={"includes": ["name"]},
        )
        return [
            Suggestion(text=hit["_source"]["name"], product_id=hit["_id"])
            for hit in response["hits"]["hits"]
        ]

    async def similar_terms(self, term: str) -> list[str]:
        response = await self.client.search(
            index=self.alias,
            size=0,
            suggest={
                field: {"text": term, "term": {"field": field, "suggest_mode": "always"}}
                for field in ("name_terms", "body_terms")
            },
        )
        options: list[tuple[float, str]] = []
        for field in ("name_terms", "body_terms"):
            for entry in response["suggest"][field]:
                options.extend((o["score"], o["text"]) for o in entry["options"])
        return list(dict.fromkeys(text for _, text in sorted(options, reverse=True)))
