"""``create_app(settings)``: the users subgraph as an ASGI app.

Besides ``/graphql`` (and the kernel's health/metrics routes) it serves the JWKS at
``GET /.well-known/jwks.json`` for the router and the other subgraphs, and runs the outbox
relay that publishes its events (``users`` topic) while the app is up.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shopgraph.auth.keys import SigningKey, jwks_document, load_signing_key
from shopgraph.auth.passwords import PasswordHasher
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import JWKS_PATH, TokenVerifier
from shopgraph.resources import ServiceResources
from shopgraph.service_app import create_service_app
from shopgraph.settings import Settings
from subgraphs.users.models import outbox
from subgraphs.users.schema import SERVICE_KEY, build_schema
from subgraphs.users.service import UserService
from subgraphs.users.throttle import AttemptThrottle, AuthLimits

SERVICE = "users"


def create_app(settings: Settings, *, signing_key: SigningKey | None = None) -> Starlette:
    key = signing_key or load_signing_key(settings)
    resources = ServiceResources.from_settings(
        settings,
        SERVICE,
        outbox=outbox,
        principals=TokenVerifier.from_settings(settings, [key]),
    )
    issuer = TokenIssuer.from_settings(settings, key, service=SERVICE)
    hasher = PasswordHasher.from_settings(settings)
    service = UserService(
        resources.db,
        issuer,
        hasher=hasher,
        throttle=AttemptThrottle(resources.kv),
        limits=AuthLimits.from_settings(settings),
        refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
    )

    async def stop_hashing() -> None:
        hasher.close()

    jwks_body = jwks_document([key])

    async def jwks(_request: Request) -> Response:
        return JSONResponse(jwks_body, headers={"Cache-Control": "public, max-age=300"})

    app = create_service_app(
        resources,
        schema=build_schema(settings),
        context={SERVICE_KEY: service},
        routes=[Route(JWKS_PATH, jwks, methods=["GET"])],
        on_shutdown=[stop_hashing],
    )
    app.state.users = service
    app.state.db = resources.db
    app.state.signing_key = key
    return app
