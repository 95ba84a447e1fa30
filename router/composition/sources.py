"""Where subgraph SDLs come from: files, a directory, a JSON list, or running subgraphs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    url: str
    sdl: str


class SourceError(ValueError):
    """A subgraph source cannot be read."""


SDL_QUERY = "query SubgraphSdl { _service { sdl } }"


def from_spec(spec: str) -> SubgraphSource:
    """``name=url=path`` (the SDL file of subgraph ``name`` served at ``url``).

    The name ends at the first ``=`` and the path starts after the last one, so the URL may
    hold a query string.
    """
    name, _, rest = spec.partition("=")
    url, _, path = rest.rpartition("=")
    if not (name and url and path):
        raise SourceError(f"expected name=url=path, got {spec!r}")
    return SubgraphSource(name, url, _read(Path(path)))


def from_directory(directory: Path, urls: dict[str, str]) -> list[SubgraphSource]:
    """Every ``<name>.graphql`` in a directory except ``supergraph.graphql``.

    ``urls`` maps subgraph names to URLs; a name not in it gets ``http://localhost/<name>``.
    """
    files = sorted(p for p in directory.glob("*.graphql") if p.stem != "supergraph")
    if not files:
        raise SourceError(f"no subgraph SDL files (*.graphql) in {directory}")
    return [
        SubgraphSource(p.stem, urls.get(p.stem, f"http://localhost/{p.stem}"), _read(p))
        for p in files
    ]


def from_json(text: str) -> list[SubgraphSource]:
    """A JSON list of ``{"name", "url", "sdl"}`` objects."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc}") from None
    if not isinstance(items, list):
        raise SourceError("expected a JSON list of {name, url, sdl}")
    sources = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("name", "url", "sdl")
        ):
            raise SourceError(f"item {index}: expected an object with string name, url and sdl")
        sources.append(SubgraphSource(item["name"], item["url"], item["sdl"]))
    return sources


async def fetch_sdl(client: httpx.AsyncClient, name: str, url: str) -> SubgraphSource:
    """Ask a running subgraph for its SDL with ``{ _service { sdl } }``."""
    try:
        response = await client.post(url, json={"query": SDL_QUERY})
    except httpx.HTTPError as exc:
        raise SourceError(f"subgraph {name!r} at {url}: {exc}") from None
    if response.status_code != 200:
        raise SourceError(f"subgraph {name!r} at {url}: HTTP {response.status_code}")
    try:
        body = response.json()
        sdl = body["data"]["_service"]["sdl"]
    except (ValueError, KeyError, TypeError):
        raise SourceError(f"subgraph {name!r} at {url}: no _service.sdl in the answer") from None
    if not isinstance(sdl, str):
        raise SourceError(f"subgraph {name!r} at {url}: _service.sdl is not a string")
    return SubgraphSource(name, url, sdl)


async def fetch_all(
    endpoints: Sequence[tuple[str, str]], client: httpx.AsyncClient
) -> list[SubgraphSource]:
    """The SDLs of running subgraphs, (name, url) each, in order."""
    return [await fetch_sdl(client, name, url) for name, url in endpoints]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
