"""``create_service_app``: a subgraph app around its :class:`ServiceResources`.

Every subgraph's ``create_app(settings)`` builds its service objects on one
``ServiceResources`` and then needs the same wiring: the objects in each request's
``info.context.extra``, the resources started before anything else and stopped after
everything else, readiness probes, and ``app.state.resources`` for tests and tools.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence

import strawberry
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from shopgraph.app import ContextBuilder, Hook, RequestContext, create_subgraph_app
from shopgraph.resources import ServiceResources


def create_service_app(
    resources: ServiceResources,
    *,
    schema: strawberry.federation.Schema,
    context: Mapping[str, object],
    build_context: ContextBuilder | None = None,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    readiness: Sequence[Hook] | None = None,
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The subgraph app of ``resources.service``.

    ``context``: objects every request sees in ``info.context.extra``; ``build_context``
    adds per-request values after them. ``on_startup`` hooks run after the resources
    start, ``on_shutdown`` hooks before they stop. ``readiness`` defaults to the database.
    A service whose readiness includes its database warms its pool at start-up
    (``database_warm_connections``), whatever else its readiness checks: orders, whose
    readiness is its database and the key-value store, once started cold and its first
    burst of placeOrders each opened a PostgreSQL connection. The token verifier's signing
    keys are fetched in the background from start-up on (``prime_token_keys``).
    """
    shared = dict(context)

    def with_context(ctx: RequestContext) -> Awaitable[RequestContext] | RequestContext:
        ctx.extra.update(shared)
        return ctx if build_context is None else build_context(ctx)

    checks = [resources.database] if readiness is None else list(readiness)
    warm = [resources.warm_database] if resources.database in checks else []
    app = create_subgraph_app(
        service=resources.service,
        settings=resources.settings,
        schema=schema,
        principals=resources.principals,
        build_context=with_context,
        on_startup=[resources.start, *warm, resources.prime_token_keys, *on_startup],
        on_shutdown=[*on_shutdown, resources.stop],
        readiness=checks,
        routes=routes,
    )
    app.state.resources = resources
    return app
