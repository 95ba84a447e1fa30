"""``create_app(settings)``: the search subgraph as an ASGI app.

It holds a :class:`~shopgraph.resources.ServiceResources` (its database: categories,
per-product versions, and the SQL index's documents) and the index adapter chosen by
``SHOPGRAPH_SEARCH_URL``. Queries only read; the ``search`` worker group writes.
"""

from __future__ import annotations

from starlette.applications import Starlette

from shopgraph.app import RequestContext, create_subgraph_app
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.search.repository import SearchIndex, index_from_url
from subgraphs.search.schema import SERVICE_KEY, build_schema
from subgraphs.search.service import SearchService

SERVICE = "search"


def create_app(
    settings: Settings,
    *,
    resources: ServiceResources | None = None,
    index: SearchIndex | None = None,
) -> Starlette:
    res = resources or ServiceResources.from_settings(settings, SERVICE)
    search_index = index or index_from_url(settings.search_url, res.db)
    service = SearchService(res.db, search_index)

    def build_context(ctx: RequestContext) -> RequestContext:
        ctx.extra[SERVICE_KEY] = service
        return ctx

    async def stop() -> None:
        await search_index.close()
        await res.stop()

    app = create_subgraph_app(
        service=SERVICE,
        settings=settings,
        schema=build_schema(settings),
        principals=res.principals,
        build_context=build_context,
        on_startup=[res.start, search_index.start],
        on_shutdown=[stop],
        readiness=[res.database, search_index.ping],
    )
    app.state.resources = res
    app.state.search = service
    app.state.index = search_index
    return app
