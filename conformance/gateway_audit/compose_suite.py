"""Composes an audit suite's subgraphs (``subgraphs.json``: [{name, url, sdl}]) with our
composer, :mod:`router.compose`:
``python -m conformance.gateway_audit.compose_suite IN.json OUT.graphql``.
On a composition error nothing is written and the errors go to stderr (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from router.compose import CompositionFailed, SubgraphSource, compose


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    items = orjson.loads(source.read_bytes())
    subgraphs = [SubgraphSource(i["name"], i["url"], i["sdl"]) for i in items]
    try:
        sdl = compose(subgraphs)
    except CompositionFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    target.write_text(sdl)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
