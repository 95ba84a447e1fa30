"""Small Strawberry subgraphs served by uvicorn on free ports, composed into a supergraph:
for router tests of federation features ShopGraph's own subgraphs do not use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import strawberry
import uvicorn

from router.compose import SubgraphSource, compose
from tests.integration.router.test_execution_subgraphs import Counter, CountingApp
from tests.support.platform import free_port


@dataclass
class Served:
    supergraph: str  # composed by ``shopgraph compose`` from the running subgraphs' SDL
    counters: dict[str, Counter]  # requests each subgraph answered


@asynccontextmanager
async def serving(schemas: Mapping[str, strawberry.federation.Schema]) -> AsyncIterator[Served]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    sources: list[SubgraphSource] = []
    counters: dict[str, Counter] = {}
    try:
        for name, schema in schemas.items():
            port = free_port()
            counters[name] = Counter()
            server = uvicorn.Server(
                uvicorn.Config(
                    CountingApp(schema, counters[name]),
                    host="127.0.0.1",
                    port=port,
                    log_level="warning",
                )
            )
            servers.append((server, asyncio.create_task(server.serve())))
            for _ in range(500):
                if server.started:
                    break
                await asyncio.sleep(0.02)
            assert server.started, f"{name} did not start"
            result = schema.execute_sync("{ _service { sdl } }")
            assert result.data is not None
            sources.append(
                SubgraphSource(
                    name, f"http://127.0.0.1:{port}/graphql", result.data["_service"]["sdl"]
                )
            )
        yield Served(compose(sources), counters)
    finally:
        for server, task in servers:
            server.should_exit = True
            await task
