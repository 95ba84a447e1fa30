"""Standalone router entry for the federation audit: serves :class:`Gateway` on
POST /graphql and GET /health (``python -m router.audit.serve SUPERGRAPH --port 4000``)."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.gateway import Gateway


def create_app(gateway: Gateway) -> Starlette:
    async def graphql(request: Request) -> Response:
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return JSONResponse({"errors": [{"message": "invalid JSON body"}]}, status_code=400)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return JSONResponse({"errors": [{"message": "missing query"}]}, status_code=400)
        result = await gateway.execute(
            body["query"],
            body.get("variables") or None,
            body.get("operationName") or None,
            dict(request.headers),
        )
        return Response(orjson.dumps(result), media_type="application/json")

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.close()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("supergraph", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000)
    args = parser.parse_args()
    gateway = Gateway.from_supergraph(args.supergraph.read_text(), expose_plans=True)
    uvicorn.run(create_app(gateway), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
