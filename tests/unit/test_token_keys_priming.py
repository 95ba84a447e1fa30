"""A subgraph fetches the users service's signing keys from start-up on, so the first burst
of requests carrying user tokens does not queue behind that fetch."""

from __future__ import annotations

from pathlib import Path

import httpx

from shopgraph.auth.keys import SigningKey, jwks_document
from shopgraph.auth.verify import RemoteJWKS, TokenVerifier
from shopgraph.resources import ServiceResources
from shopgraph.settings import load_settings
from subgraphs.products.app import create_app as create_products_app


async def test_a_subgraph_holds_the_signing_keys_before_its_first_request(
    tmp_path: Path,
) -> None:
    key = SigningKey.generate()
    served: list[str] = []

    def users(request: httpx.Request) -> httpx.Response:
        served.append(str(request.url))
        if len(served) < 3:  # the users service is still starting
            return httpx.Response(503)
        return httpx.Response(200, json=jwks_document([key]))

    client = httpx.AsyncClient(transport=httpx.MockTransport(users))
    keys = RemoteJWKS("http://users.test/jwks", client=client)
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'products.db'}")
    resources = ServiceResources.from_settings(
        settings, "products", principals=TokenVerifier.from_settings(settings, keys)
    )
    app = create_products_app(settings, resources=resources)
    try:
        async with app.router.lifespan_context(app):
            assert await resources.token_keys_primed()
            assert len(served) == 3
            assert await keys.get(key.kid) is not None
            assert len(served) == 3  # the request's lookup needs no fetch
    finally:
        await client.aclose()
