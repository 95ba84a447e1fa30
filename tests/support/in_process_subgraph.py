"""A subgraph served inside the test process at an address nothing listens on, as ``make dev``
serves its subgraphs: calls to it must never touch the network.

``SlowQuery.slow`` answers only once the test sets :data:`release`, then sets
:data:`finished`: the way to show a timed-out call still lets its callee finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import strawberry

from shopgraph.app import create_subgraph_app
from shopgraph.auth.verify import TokenVerifier
from shopgraph.graphql import federation_schema
from shopgraph.in_process import serve_in_process, stop_serving_in_process
from shopgraph.settings import load_settings

NOWHERE = "http://127.0.0.1:9/graphql"  # nothing listens there
release = asyncio.Event()
finished = asyncio.Event()


@strawberry.type
class SlowQuery:
    @strawberry.field
    async def slow(self) -> str:
        await release.wait()
        finished.set()
        return "done"


@contextmanager
def served_in_process(service: str, query: type) -> Iterator[None]:
    """``service``'s app with root type ``query``, answering at :data:`NOWHERE`."""
    settings = load_settings()
    app = create_subgraph_app(
        service=service,
        settings=settings,
        schema=federation_schema(settings, query=query),
        principals=TokenVerifier.from_settings(settings, []),
    )
    serve_in_process(NOWHERE, app)
    try:
        yield
    finally:
        stop_serving_in_process()
