"""Runs the effects consumer as its own process, so the Kafka test can SIGKILL it for real.

    python -m tests.integration.events.consumer_proc DB_URL BUS_URL TOPIC GROUP [STALL_AFTER]

With ``STALL_AFTER`` > 0 the handler hangs forever right after committing that many
effects (mid-batch, offsets of the batch not committed), waiting to be killed. SIGTERM
stops gracefully and prints the counters as JSON on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys

from shopgraph.db import Database
from shopgraph.events import bus_from_url
from shopgraph.logging import configure_logging
from tests.integration.events.effects_app import Counters, make_handlers
from workers.runtime import ConsumerRuntime


async def main(db_url: str, bus_url: str, topic: str, group: str, stall_after: int) -> None:
    db = Database(db_url, pool_size=2)
    bus = bus_from_url(bus_url)
    await bus.start()
    counters = Counters()

    async def stall(applied: int) -> None:
        if stall_after and applied >= stall_after:
            print(json.dumps({"stalled": applied}), flush=True)
            await asyncio.Event().wait()

    runtime = ConsumerRuntime(bus, group, [topic], make_handlers(db, topic, counters, stall))
    try:
        await runtime.run_forever()
    finally:
        await bus.stop()
        await db.dispose()
    print(json.dumps({"applied": counters.applied, "absorbed": counters.absorbed}), flush=True)


if __name__ == "__main__":
    configure_logging("WARNING")  # logs go to stderr; stdout carries the JSON counters
    db_url, bus_url, topic, group, *rest = sys.argv[1:]
    asyncio.run(main(db_url, bus_url, topic, group, int(rest[0]) if rest else 0))
