"""The subgraphs every gateway of ``make bench`` sits in front of: the project's own users,
products, inventory and reviews on the embedded stack (SQLite, in-process bus and store),
migrated and seeded with the demo catalog, served until SIGTERM.

    python bench/serve_subgraphs.py DATA_DIR users=4101 products=4102 ...
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bootstrap.dev import seed_all
from bootstrap.migrate import migrate_all
from bootstrap.registry import service
from shopgraph.logging import configure_logging
from shopgraph.runner import Served, run_together
from shopgraph.settings import load_settings


async def main(data_dir: Path, ports: dict[str, int]) -> None:
    settings = load_settings(
        environment="test",
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir}/{{service}}.db",
        bus_url="memory://bench",
        kv_url="memory://bench",
        ports={**load_settings().ports, **ports},
        log_level="WARNING",
    )
    configure_logging("WARNING")
    await migrate_all(settings)  # the demo seeders write to every service (search too)
    await seed_all(settings)
    served = [
        Served(name, service(name).create_app(settings), "127.0.0.1", port)
        for name, port in ports.items()
    ]
    await run_together(served)


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    chosen = dict(arg.split("=", 1) for arg in sys.argv[2:])
    asyncio.run(main(directory, {name: int(port) for name, port in chosen.items()}))
