"""The whole platform in one process: what ``make dev`` runs.

Every subgraph gets its own uvicorn server on its own port, every worker group runs as a
background loop, all on one event loop (internal calls between them, and the router's calls
to them, skip the network once all are up: shopgraph/in_process.py,
bootstrap/router_in_process.py), so the in-process bus and store (``memory://``) are shared
by all of them exactly as Kafka and Redis would be.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bootstrap.migrate import migrate_all
from bootstrap.registry import SERVICES, service_names, worker_group, worker_groups
from bootstrap.router_in_process import InProcessSubgraphTransport
from bootstrap.storefront import storefront_background
from router.serve import DEV_OPTIONS, dev_router
from shopgraph.db import Database
from shopgraph.in_process import serve_in_process, stop_serving_in_process
from shopgraph.logging import get_logger
from shopgraph.runner import Background, Served, run_together
from shopgraph.settings import Settings
from subgraphs.users.seed import seed_admin

log = get_logger(__name__)


class SeedError(RuntimeError):
    """The admin or demo data could not be seeded (e.g. a weak admin password)."""


async def create_admin(settings: Settings) -> None:
    db = Database(settings.database_url_for("users"), pool_size=2)
    try:
        await seed_admin(settings, db)
    except ValueError as exc:
        raise SeedError(str(exc)) from exc
    finally:
        await db.dispose()


async def seed_all(settings: Settings) -> None:
    for spec in SERVICES:
        if spec.seed is not None:
            await spec.seed(settings)
            log.info("seeded", service=spec.name)


def worker_background(settings: Settings, group: str) -> Background:
    """Raises ``KeyError`` naming the known groups when ``group`` is unknown."""
    runtime = worker_group(group).build(settings)
    return Background(name=f"worker:{group}", run=runtime.run, stop=runtime.stop)


async def call_in_process_once_up(ready: asyncio.Event, served: Sequence[Served]) -> None:
    """Once every server has started, internal calls to them skip the network."""
    await ready.wait()
    for item in served:
        host = "127.0.0.1" if item.host in ("0.0.0.0", "::") else item.host
        serve_in_process(f"http://{host}:{item.port}/", item.app)


def all_worker_backgrounds(settings: Settings) -> list[Background]:
    return [worker_background(settings, name) for name in sorted(worker_groups())]


async def run(settings: Settings) -> None:
    await migrate_all(settings)
    await seed_all(settings)
    served = [
        Served(spec.name, spec.create_app(settings), settings.host, settings.port_for(spec.name))
        for spec in SERVICES
    ]
    # The router composes the supergraph from the subgraphs above once they answer.
    in_process = InProcessSubgraphTransport(timeout_seconds=DEV_OPTIONS.timeout_seconds)
    router = dev_router(settings, service_names(), subgraph_transport=in_process)
    served.insert(0, Served("router", router.app, settings.host, router.port))
    log.info(
        "dev_platform",
        graphiql={s.name: f"http://{s.host}:{s.port}/graphql" for s in served},
        admin_email=settings.admin_email,
    )
    background = all_worker_backgrounds(settings)
    storefront = storefront_background(f"http://127.0.0.1:{router.port}/graphql", settings.host)
    if storefront is not None:
        background.append(storefront)
    ready = asyncio.Event()
    registering = asyncio.create_task(call_in_process_once_up(ready, served))
    try:
        await run_together(served, background, ready=ready)
    finally:
        registering.cancel()
        stop_serving_in_process()
