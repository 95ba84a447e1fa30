"""ShopGraph's own users, products, inventory and reviews subgraphs (``serve_subgraphs.py``:
embedded stack, demo catalog) in one Python process, one port each."""

from __future__ import annotations

import shutil
import subprocess
import sys

from processes import BENCH, WORK, start

NAMES = ("users", "products", "inventory", "reviews")


def start_shopgraph(base_port: int) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    ports = {name: base_port + i for i, name in enumerate(NAMES)}
    data_dir = WORK / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    process = start(
        [sys.executable, str(BENCH / "serve_subgraphs.py"), str(data_dir)]
        + [f"{name}={port}" for name, port in ports.items()],
        {"SHOPGRAPH_LOG_LEVEL": "WARNING"},
        "shopgraph-subgraphs",
    )
    return process, {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
