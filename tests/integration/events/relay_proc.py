"""Runs a leading outbox relay as its own process, so a test can SIGKILL the lease holder.

    python -m tests.integration.events.relay_proc DB_URL BUS_URL

Prints ``{"leading": true}`` once the relay holds the outbox's lease, then publishes until
it is killed.
"""

from __future__ import annotations

import asyncio
import json
import sys

from shopgraph.db import Database
from shopgraph.events import OutboxRelay, bus_from_url
from shopgraph.logging import configure_logging
from tests.integration.events.effects_app import outbox


async def main(db_url: str, bus_url: str) -> None:
    db = Database(db_url, pool_size=1)
    bus = bus_from_url(bus_url)
    await bus.start()
    relay = OutboxRelay(db, bus, outbox, poll_seconds=0.1, lead=True)
    running = asyncio.create_task(relay.run())
    while not relay.leading:  # noqa: ASYNC110 - the relay's first round takes the lease
        await asyncio.sleep(0.05)
    print(json.dumps({"leading": True}), flush=True)
    await running


if __name__ == "__main__":
    configure_logging("WARNING")  # logs go to stderr; stdout says when the lease is held
    asyncio.run(main(*sys.argv[1:3]))
