"""``create_app(settings)``: the users subgraph as an ASGI app.

Besides ``/graphql`` (and the kernel's health/metrics routes) it serves the JWKS at
``GET /.well-known/jwks.json`` for the router and the other subgraphs, and runs the outbox
relay that publishes its events (``users`` topic) while the app is up.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shopgraph.app import RequestContext, create_subgraph_app
from shopgraph.auth.keys import SigningKey, jwks_document, load_signing_key
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import JWKS_PATH, TokenVerifier
from shopgraph.db import Database
from shopgraph.events.bus import bus_from_url
from shopgraph.events.outbox import OutboxRelay
from shopgraph.settings import Settings
from subgraphs.users.models import outbox
from subgraphs.users.schema import SERVICE_KEY, build_schema
from subgraphs.users.service import UserService

SERVICE = "users"


def create_app(
    settings: Settings,
    *,
    db: Database | None = None,
    signing_key: SigningKey | None = None,
    relay_outbox: bool = True,
) -> Starlette:
    database = db or Database(settings.database_url_for(SERVICE))
    key = signing_key or load_signing_key(settings)
    issuer = TokenIssuer.from_settings(settings, key, service=SERVICE)
    verifier = TokenVerifier.from_settings(settings, [key])
    service = UserService(
        database, issuer, refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds)
    )
    jwks_body = jwks_document([key])

    def build_context(ctx: RequestContext) -> RequestContext:
        ctx.extra[SERVICE_KEY] = service
        return ctx

    async def jwks(_request: Request) -> Response:
        return JSONResponse(jwks_body, headers={"Cache-Control": "public, max-age=300"})

    async def database_ready() -> None:
        async with database.session() as session:
            await session.execute(text("SELECT 1"))

    relay_task: list[asyncio.Task[None]] = []
    relays: list[OutboxRelay] = []

    async def start_relay() -> None:
        if not relay_outbox:
            return
        bus = bus_from_url(settings.bus_url)
        await bus.start()
        relay = OutboxRelay(database, bus, outbox, poll_seconds=settings.outbox_poll_seconds)
        relays.append(relay)
        relay_task.append(asyncio.create_task(relay.run(), name="users-outbox-relay"))

    async def stop() -> None:
        for relay in relays:
            await relay.stop()
        for task in relay_task:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for relay in relays:
            await relay.bus.stop()
        if db is None:
            await database.dispose()

    app = create_subgraph_app(
        service=SERVICE,
        settings=settings,
        schema=build_schema(settings),
        principals=verifier,
        build_context=build_context,
        on_startup=[start_relay],
        on_shutdown=[stop],
        readiness=[database_ready],
        routes=[Route(JWKS_PATH, jwks, methods=["GET"])],
    )
    app.state.users = service
    app.state.db = database
    app.state.signing_key = key
    return app
