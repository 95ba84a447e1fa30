"""The served supergraph follows its file: a new one is swapped in, a broken one is not."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.serve import load_gateway
from router.server import ServerConfig, create_router_app

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
PROBE = {"query": '{ __type(name: "ReloadProbe") { name } }'}
EXTRA = """
type ReloadProbe @join__type(graph: PRODUCTS) {
  id: ID!
}
"""


def write(path: Path, text: str, bump_seconds: int) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump_seconds * 1_000_000_000))


async def probe(app: object) -> object:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        response = await client.post("/graphql", json=PROBE)
    return response.json()["data"]["__type"]


async def test_reload_swaps_the_supergraph_and_survives_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    original = SUPERGRAPH.read_text()
    write(path, original, 0)
    holder = GatewayHolder(load_gateway(original))
    watcher = SupergraphWatcher(path, holder, load_gateway, grace_seconds=0)
    app = create_router_app(holder, ServerConfig(), watcher=watcher)
    assert await probe(app) is None

    write(path, original + EXTRA, 5)
    assert await watcher.check_once()
    assert await probe(app) == {"name": "ReloadProbe"}

    write(path, "type Query { broken", 10)
    assert not await watcher.check_once()
    assert watcher.last_error is not None
    assert await probe(app) == {"name": "ReloadProbe"}  # still the last good supergraph
    await watcher.aclose()
    await holder.current.close()
