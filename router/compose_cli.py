"""``shopgraph compose``: subgraph SDLs in, schema/supergraph.graphql out.

Mounted by the composition root (bootstrap/cli.py) as
``app.add_typer(compose_app, name="compose")``.
Sources (combinable): ``--subgraph name=url=path`` (repeatable), ``--dir DIR`` (every
``<name>.graphql``; URLs from settings), ``--json FILE`` (``-`` for stdin; a list of
{name, url, sdl}), ``--fetch name=url`` (repeatable; asks the running subgraph for
``{ _service { sdl } }``) and ``--from-running`` (every subgraph with an SDL in schema/, at
its configured URL). With no source, the committed SDLs in schema/ are composed.
On a composition error every error is printed, nothing is written and the exit code is 1.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer

from router.compose import compose_to_file
from router.composition.errors import CompositionFailed
from router.composition.sources import (
    SourceError,
    SubgraphSource,
    fetch_all,
    from_directory,
    from_json,
    from_spec,
)

SCHEMA_DIR = Path("schema")
DEFAULT_OUTPUT = SCHEMA_DIR / "supergraph.graphql"

compose_app = typer.Typer(help="Compose subgraph SDLs into the supergraph SDL.")


def _configured_urls(names: list[str]) -> dict[str, str]:
    """Subgraph URLs from the ShopGraph settings (the names it does not know are left out)."""
    from shopgraph.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError:
        return {}
    urls: dict[str, str] = {}
    for name in names:
        try:
            urls[name] = settings.url_for(name)
        except KeyError:
            continue
    return urls


def _names_in(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.graphql") if p.stem != "supergraph")


def _parse_endpoint(spec: str) -> tuple[str, str]:
    name, sep, url = spec.partition("=")
    if not sep or not name or not url:
        raise SourceError(f"expected name=url, got {spec!r}")
    return name, url


async def _fetch(endpoints: list[tuple[str, str]], seconds: float) -> list[SubgraphSource]:
    async with httpx.AsyncClient(timeout=seconds) as client:
        return await fetch_all(endpoints, client)


def gather_sources(
    subgraph: list[str],
    directory: Path | None,
    json_file: str | None,
    fetch: list[str],
    from_running: bool,
    timeout: float = 10.0,
) -> list[SubgraphSource]:
    """Every subgraph source the options name (SourceError when one cannot be read)."""
    sources = [from_spec(spec) for spec in subgraph]
    if directory is not None:
        sources += from_directory(directory, _configured_urls(_names_in(directory)))
    if json_file is not None:
        text = sys.stdin.read() if json_file == "-" else Path(json_file).read_text()
        sources += from_json(text)
    endpoints = [_parse_endpoint(spec) for spec in fetch]
    if from_running:
        names = _names_in(SCHEMA_DIR)
        urls = _configured_urls(names)
        endpoints += [(name, urls[name]) for name in names if name in urls]
    if endpoints:
        sources += asyncio.run(_fetch(endpoints, timeout))
    if not sources:
        sources = from_directory(SCHEMA_DIR, _configured_urls(_names_in(SCHEMA_DIR)))
    return sources


@compose_app.callback(invoke_without_command=True)
def compose_command(
    subgraph: Annotated[
        list[str] | None,
        typer.Option("--subgraph", "-s", help="name=url=path of one subgraph SDL file"),
    ] = None,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="a directory of <name>.graphql files")
    ] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", help="a JSON list of {name, url, sdl}; - for stdin")
    ] = None,
    fetch: Annotated[
        list[str] | None,
        typer.Option("--fetch", help="name=url of a running subgraph to ask for its SDL"),
    ] = None,
    from_running: Annotated[
        bool, typer.Option("--from-running", help="fetch every subgraph at its configured URL")
    ] = False,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="where to write the supergraph SDL")
    ] = DEFAULT_OUTPUT,
    stdout: Annotated[bool, typer.Option("--stdout", help="print instead of writing")] = False,
) -> None:
    """Compose the subgraphs; write the supergraph only when composition succeeds."""
    try:
        sources = gather_sources(subgraph or [], directory, json_file, fetch or [], from_running)
    except (SourceError, OSError) as exc:
        typer.echo(f"shopgraph compose: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        if stdout:
            from router.compose import compose

            typer.echo(compose(sources), nl=False)
            return
        compose_to_file(sources, output)
    except CompositionFailed as failed:
        typer.echo(f"shopgraph compose: {len(failed.errors)} composition error(s):", err=True)
        for error in failed.errors:
            typer.echo(f"  {error}", err=True)
        raise typer.Exit(1) from None
    names = ", ".join(s.name for s in sources)
    typer.echo(f"composed {len(sources)} subgraphs ({names}) into {output}")
